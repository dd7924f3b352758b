/**
 * DOM events an element dispatches to the shell. All bubble and are composed, so they cross
 * shadow roots; the shell listens on the element itself.
 */
export const ELEMENT_EVENTS = {
  /** The element changed its own route: the shell updates the address bar (no reload). */
  navigate: 'atrium:navigate',
  /** Show a notification in the shell's own area (the articles' snackbars, without style leaks). */
  notify: 'atrium:notify',
  /** An API answered 401 even after a token refresh: the shell signs in again and returns here. */
  sessionExpired: 'atrium:session-expired',
  /**
   * The element failed to render (a component threw while being created or first rendered): the
   * shell replaces it with its error panel in this route. An error in a promise is invisible to
   * the shell otherwise; a plain element dispatches it from its own `catch`.
   */
  renderError: 'atrium:render-error',
} as const;

export interface NavigateDetail {
  /** Path below the element's base path, starting with '/' ('' for its root). */
  readonly path: string;
  /** Replace the current history entry instead of pushing a new one. */
  readonly replace?: boolean;
}

export interface NotifyDetail {
  readonly message: string;
  readonly kind: 'info' | 'success' | 'error';
}

export type SessionExpiredDetail = Record<string, never>;

export interface RenderErrorDetail {
  /** What went wrong, for the error panel (no stack: it is shown to the user). */
  readonly message: string;
}

export interface ElementEventMap {
  'atrium:navigate': CustomEvent<NavigateDetail>;
  'atrium:notify': CustomEvent<NotifyDetail>;
  'atrium:session-expired': CustomEvent<SessionExpiredDetail>;
  'atrium:render-error': CustomEvent<RenderErrorDetail>;
}

/** Builds one of the contract's events with the flags the shell relies on. */
export function elementEvent<K extends keyof ElementEventMap>(
  type: K,
  detail: ElementEventMap[K]['detail'],
): ElementEventMap[K] {
  return new CustomEvent(type, { detail, bubbles: true, composed: true }) as ElementEventMap[K];
}

/** Events the shell sends down to an element (dispatched on the element). */
export const SHELL_EVENTS = {
  /** The user went back/forward (or followed a deep link) inside the element's base path. */
  routeChange: 'atrium:route-change',
} as const;

export interface RouteChangeDetail {
  readonly path: string;
}
