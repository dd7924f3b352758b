import { InjectionToken, type Type } from '@angular/core';

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
}

/** The definition the element was started with, for the kit's root component. */
export const ELEMENT_DEFINITION = new InjectionToken<ElementDefinition>('ELEMENT_DEFINITION');
