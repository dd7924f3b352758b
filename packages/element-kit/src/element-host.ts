import { Injectable, computed, signal } from '@angular/core';
import {
  elementEvent,
  hasAnyRole,
  labelsFor,
  pickLocale,
  preferredLocales,
  type LabelCatalogue,
  type Labels,
  type ElementContext,
  type NotifyDetail,
  type Role,
} from '@atrium/contracts';

/**
 * The element's link to the shell: the context it was given, its own route below the base path,
 * and the contract's DOM events. One per application, so one per element tag on a page.
 */
@Injectable({ providedIn: 'root' })
export class ElementHost {
  /** The shell's context; undefined until the shell sets the `context` property. */
  readonly context = signal<ElementContext | undefined>(undefined);
  /** The element's current route below its base path ('' or e.g. '/<payment id>'). */
  readonly path = signal('');
  readonly roles = computed<readonly Role[]>(() => this.context()?.user.roles ?? []);
  readonly username = computed(() => this.context()?.user.username ?? '');
  /**
   * The page's one locale for labels, numbers and dates: the user's own (from the context) before
   * the browser's languages; the shell picks it the same way. Computed once per context, as the
   * table reads it for every row.
   */
  private readonly pickedLocale = computed(() =>
    pickLocale(preferredLocales(this.context()?.user.locale, navigator.languages)),
  );
  get locale(): string {
    return this.pickedLocale();
  }

  /** A feature's labels in the page's locale (English for a key its language lacks). */
  labels<Key extends string>(catalogue: LabelCatalogue<Key>): Labels<Key> {
    return labelsFor(catalogue, this.locale);
  }

  private element: HTMLElement | undefined;

  /** Called by the root component with the custom element it renders into. */
  attach(element: HTMLElement): void {
    this.element = element;
  }

  /** The element's shadow root, where its content and its dialogs render. */
  shadowRoot(): ShadowRoot | undefined {
    return this.element?.shadowRoot ?? undefined;
  }

  hasAnyRole(...wanted: Role[]): boolean {
    return hasAnyRole(this.roles(), ...wanted);
  }

  /** Resolves to a fresh token: the shell refreshes it, so it is asked before every request. */
  async accessToken(): Promise<string> {
    const context = this.context();
    if (!context) throw new Error('The element has no context yet.');
    return context.getAccessToken();
  }

  /** Changes the element's own route and tells the shell, so reload/back/forward work. */
  navigate(path: string, replace = false): void {
    if (path === this.path()) return;
    this.path.set(path);
    this.element?.dispatchEvent(elementEvent('atrium:navigate', { path, replace }));
  }

  notify(message: string, kind: NotifyDetail['kind'] = 'info'): void {
    this.element?.dispatchEvent(elementEvent('atrium:notify', { message, kind }));
  }

  sessionExpired(): void {
    this.element?.dispatchEvent(elementEvent('atrium:session-expired', {}));
  }

  /** Tells the shell the element could not render, so it shows its error panel with Retry. */
  renderError(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    this.element?.dispatchEvent(elementEvent('atrium:render-error', { message }));
  }
}
