import { InjectionToken } from '@angular/core';

/**
 * The fetch every API client of an element uses. It looks `fetch` up on each call rather than
 * binding it once: an element's application lives as long as the page, and component tests give
 * each test its own in-memory server by replacing the global.
 */
export const FETCH = new InjectionToken<typeof fetch>('FETCH', {
  providedIn: 'root',
  factory: () => (input, init) => globalThis.fetch(input, init),
});
