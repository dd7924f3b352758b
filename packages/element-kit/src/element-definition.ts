import { InjectionToken, type Injector, type Type } from '@angular/core';

/**
 * What makes one micro-frontend element different from the other; everything else is the kit's.
 * (API clients need no entry: they are `providedIn: 'root'` and take their URLs from the context.)
 */
export interface ElementDefinition {
  /** The custom element's tag, as the registry names it (e.g. `atrium-payments`). */
  readonly tag: string;
  /** The element's heading, which also names its region for assistive technology. */
  readonly title: string;
  /** The feature component shown once the shell has handed over its context. */
  readonly content: Type<unknown>;
  /**
   * Starts the feature's first requests as soon as the context arrives, before its view is built.
   * Building the view is one long task on a slow CPU, and a request started inside it (behind the
   * `await` of the access token) would only leave after it; started here, it is on the wire while
   * the view is built. The feature picks the answers up through its (root) services.
   */
  readonly prefetch?: (injector: Injector) => void;
}

/** The definition the element was started with, for the kit's root component. */
export const ELEMENT_DEFINITION = new InjectionToken<ElementDefinition>('ELEMENT_DEFINITION');
