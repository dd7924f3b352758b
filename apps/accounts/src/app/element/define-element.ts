import { OverlayContainer } from '@angular/cdk/overlay';
import { provideZonelessChangeDetection } from '@angular/core';
import { createCustomElement } from '@angular/elements';
import { createApplication } from '@angular/platform-browser';
import { AccountsElement } from '../accounts-element';
import { ShadowOverlayContainer } from './shadow-overlay-container';
import { keepStylesInShadowRoots } from './shadow-styles';

/** The custom element's tag, as the registry names it. */
export const TAG = 'atrium-accounts';

/** Starts one zoneless Angular application and defines <atrium-accounts> on it (once per page). */
export async function defineElement(): Promise<void> {
  if (customElements.get(TAG)) return;
  const app = await createApplication({
    providers: [
      provideZonelessChangeDetection(),
      { provide: OverlayContainer, useClass: ShadowOverlayContainer },
    ],
  });
  keepStylesInShadowRoots(app.injector);
  // Another copy of this bundle may have won the race while the application started.
  if (!customElements.get(TAG))
    customElements.define(TAG, createCustomElement(AccountsElement, { injector: app.injector }));
}
