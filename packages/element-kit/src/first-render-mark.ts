import { afterNextRender, type Injector } from '@angular/core';

/**
 * Notes the User Timing mark `atrium:<name>` after the next render, once per page: the moment an
 * element's heading, or its first data, is on screen. Benchmarks (bench/frontend) and real-user
 * monitoring read it with a PerformanceObserver, so measuring costs the page nothing.
 */
export function markFirstRender(name: string, injector: Injector): void {
  const mark = `atrium:${name}`;
  if (performance.getEntriesByName(mark, 'mark').length > 0) return;
  afterNextRender(
    () => {
      if (performance.getEntriesByName(mark, 'mark').length === 0) performance.mark(mark);
    },
    { injector },
  );
}
