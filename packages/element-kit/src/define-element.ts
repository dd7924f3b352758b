import { OverlayContainer } from '@angular/cdk/overlay';
import { provideZonelessChangeDetection } from '@angular/core';
import { createCustomElement } from '@angular/elements';
import { MAT_DIALOG_DEFAULT_OPTIONS, MatDialogConfig } from '@angular/material/dialog';
import { MatPaginatorIntl } from '@angular/material/paginator';
import { createApplication } from '@angular/platform-browser';
import { ELEMENT_DEFINITION, type ElementDefinition } from './element-definition';
import { ElementRoot } from './element-root';
import { LocalizedPaginatorIntl } from './kit-labels';
import { ShadowOverlayContainer } from './shadow-overlay-container';
import { keepStylesInShadowRoots } from './shadow-styles';

/**
 * Material moves focus into a dialog only after its 150 ms open animation, so keys typed as it
 * opens went to the button that opened it: focus the first field as soon as the content renders.
 * A dialog's width (560 px, say) is a wish: on a phone it takes the window less a 16 px margin
 * each side rather than Material's 80 %, which left a 312 px form on a 390 px screen.
 * (The token replaces Material's defaults as a whole, hence the spread.)
 */
function dialogDefaults(): MatDialogConfig {
  return {
    ...new MatDialogConfig(),
    autoFocus: 'first-tabbable',
    delayFocusTrap: false,
    maxWidth: 'calc(100vw - 32px)',
  };
}

/** Starts one zoneless Angular application and defines the element's tag on it (once per page). */
export async function defineElement(definition: ElementDefinition): Promise<void> {
  const { tag } = definition;
  if (customElements.get(tag)) return;
  const app = await createApplication({
    providers: [
      provideZonelessChangeDetection(),
      { provide: OverlayContainer, useClass: ShadowOverlayContainer },
      { provide: MAT_DIALOG_DEFAULT_OPTIONS, useFactory: dialogDefaults },
      { provide: ELEMENT_DEFINITION, useValue: definition },
      { provide: MatPaginatorIntl, useClass: LocalizedPaginatorIntl },
    ],
  });
  keepStylesInShadowRoots(app.injector);
  // Another copy of this bundle may have won the race while the application started.
  if (!customElements.get(tag))
    customElements.define(tag, createCustomElement(ElementRoot, { injector: app.injector }));
}
