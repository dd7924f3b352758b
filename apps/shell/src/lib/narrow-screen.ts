import { useSyncExternalStore } from 'react';

/**
 * Below this width the navigation drawer no longer fits beside the page: it becomes a modal menu
 * opened from the top bar. shell.css uses the same number in its media queries.
 */
export const NARROW_SCREEN_QUERY = '(max-width: 800px)';

const subscribe = (onChange: () => void): (() => void) => {
  const query = window.matchMedia?.(NARROW_SCREEN_QUERY);
  query?.addEventListener('change', onChange);
  return () => query?.removeEventListener('change', onChange);
};

/** True while the window is narrower than the drawer's breakpoint (false where there is no layout). */
export function useNarrowScreen(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => window.matchMedia?.(NARROW_SCREEN_QUERY).matches ?? false,
    () => false,
  );
}
