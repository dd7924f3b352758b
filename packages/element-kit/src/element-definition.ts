import { InjectionToken, type Injector, type Type } from '@angular/core';

/**
 * What makes one micro-frontend element different from the other; everything else is the kit's.
 * (API clients need no entry: they are `providedIn: 'root'` and take their URLs from the context.)
 */
export interface ElementDefinition {
  /** The custom element's tag, as the registry names it (e.g. `atrium-payments`). */
  readonly tag: string;
  /**
   * The element's heading, which also names its region for assistive technology; a function of the
   * page's locale (ElementHost.locale) when the element has labels in several languages.
   */
  readonly title: string | ((locale: string) => string);
  /** The feature component shown once the shell has handed over its context. */
  readonly content: Type<unknown>;
  /**
   * Starts the feature's first requests as soon as the context arrives, before its view is built,
   * and returns their answer. Building the view is one long task on a slow CPU: a request started
   * inside it (behind the `await` of the access token) would only leave after it, and its answer
   * would cost a second render. Started here, it is on the wire at once, and the kit builds the
   * view when it has answered (at most 300 ms later), so the first render holds the data. The
   * feature takes the answers from its (root) services.
   */
  readonly prefetch?: (injector: Injector) => Promise<unknown> | void;
}

/** The definition the element was started with, for the kit's root component. */
export const ELEMENT_DEFINITION = new InjectionToken<ElementDefinition>('ELEMENT_DEFINITION');
