import { lazy, type ComponentType } from 'react';

/** sessionStorage key marking that this page was reloaded once already for a missing chunk. */
const RELOADED = 'atrium:reloaded-for-chunk';

/**
 * `React.lazy` that survives a shell redeploy: a chunk of the build this page was loaded from
 * may be gone (its hashed name is not in the new build), and the browser keeps a failed module
 * failed, so Retry cannot help. The page reloads once, to the same URL, and gets the new build;
 * if the chunk still fails after that, the error goes to the route's boundary as before.
 */
export function lazyPage<T extends ComponentType<object>>(
  load: () => Promise<{ default: T }>,
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> = sessionStorage,
  reload: () => void = () => window.location.reload(),
) {
  return lazy(async () => {
    try {
      const module = await load();
      storage.removeItem(RELOADED);
      return module;
    } catch (error) {
      if (storage.getItem(RELOADED) !== null) throw error;
      storage.setItem(RELOADED, new Date().toISOString());
      reload();
      // The page is going away: never settle, so nothing renders the error meanwhile.
      return new Promise<never>(() => {});
    }
  });
}
