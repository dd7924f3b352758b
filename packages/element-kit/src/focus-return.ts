import { Injectable, Injector, afterNextRender, inject } from '@angular/core';
import { ElementHost } from './element-host';

/** A control to give focus back to: its accessible name (`aria-label`, else its text), or a finder. */
export type FocusTarget = string | ((root: ShadowRoot) => HTMLElement | null | undefined);

/**
 * Keeps a keyboard user's place when a change re-renders the element. What had focus (a row's
 * Confirm button, which is gone once used; the opener of a dialog whose row was deleted) may vanish
 * when the list reloads, and focus then falls to `<body>`: the next Tab starts from the top of the
 * page. A feature names where focus belongs before it reloads (`expect`), and calls `restore()` once
 * the new state is set; after that render, the first target that is there gets the focus, but only
 * if focus fell out of the element meanwhile (a user who moved on elsewhere keeps their place).
 */
@Injectable({ providedIn: 'root' })
export class FocusReturn {
  private readonly host = inject(ElementHost);
  private readonly injector = inject(Injector);
  private targets: readonly FocusTarget[] = [];

  /** Where focus goes after the next `restore()`, first present target first. */
  expect(...targets: FocusTarget[]): void {
    this.targets = targets;
  }

  /** Gives focus to the expected target after the coming render, if focus was lost meanwhile. */
  restore(): void {
    const targets = this.targets;
    this.targets = [];
    if (targets.length === 0) return;
    afterNextRender(
      () => {
        const root = this.host.shadowRoot();
        const active = document.activeElement;
        if (!root || (active !== null && active !== document.body)) return;
        for (const target of targets) {
          const found = typeof target === 'string' ? byName(root, target) : target(root);
          if (found) {
            found.focus();
            return;
          }
        }
      },
      { injector: this.injector },
    );
  }
}

function byName(root: ShadowRoot, name: string): HTMLElement | undefined {
  const candidates = root.querySelectorAll<HTMLElement>('button, a[href], [tabindex]');
  return [...candidates].find(
    (element) => (element.getAttribute('aria-label') ?? element.textContent?.trim()) === name,
  );
}
