import type { RegistryEntry } from '@atrium/contracts';
import { label } from './shell-labels.ts';

/** Why an element could not be shown; each gets its own message in the route's error panel. */
export type LoadFailure = 'missing' | 'integrity-or-network' | 'timeout' | 'threw' | 'not-defined';

export class ElementLoadError extends Error {
  readonly reason: LoadFailure;
  constructor(reason: LoadFailure, message: string) {
    super(message);
    this.name = 'ElementLoadError';
    this.reason = reason;
  }
}

/** Loads a registry entry's code until its custom element is defined. Swappable in tests (jsdom runs no modules). */
export interface ElementLoader {
  load(entry: RegistryEntry, options: { timeoutMs: number; attempt: number }): Promise<void>;
  /**
   * The entry URL whose code defined `tag` on this page, if this loader defined it. A tag cannot
   * be redefined: when the registry names another entry for it, only a page load brings that in.
   */
  definedBy?(tag: string): string | undefined;
}

/** The folder an entry's files live in: errors from scripts below it belong to that micro-frontend. */
export function entryFolder(entryUrl: string, base: string = document.baseURI): string {
  const url = new URL(entryUrl, base);
  return url.href.slice(0, url.href.lastIndexOf('/') + 1);
}

/**
 * The browser loader: a `<script type="module" integrity crossorigin>` (dynamic `import()` cannot
 * check integrity), then waiting for the element to be defined — Angular elements define theirs
 * asynchronously after bootstrap. A failed module URL stays failed in the browser's module map, so
 * a retry adds `?attempt=N` to fetch it afresh.
 */
async function loadScript(entry: RegistryEntry, url: URL, timeoutMs: number): Promise<void> {
  const folder = entryFolder(url.href);
  const script = document.createElement('script');
  script.type = 'module';
  script.src = url.href;
  script.integrity = entry.integrity;
  script.crossOrigin = 'anonymous';
  let cleanup = (): void => {};
  const failed = new Promise<never>((_, reject) => {
    const timer = window.setTimeout(
      () =>
        reject(
          new ElementLoadError(
            'timeout',
            label('didNotStart', { title: entry.title, seconds: timeoutMs / 1000 }),
          ),
        ),
      timeoutMs,
    );
    const onError = (event: ErrorEvent): void => {
      if (event.filename.startsWith(folder))
        reject(
          new ElementLoadError(
            'threw',
            label('failedWhileStarting', { title: entry.title, message: event.message }),
          ),
        );
    };
    window.addEventListener('error', onError);
    script.addEventListener('error', () => {
      // A 404 and an integrity mismatch look the same from here: ask the server which it was.
      void fetch(url.href, { method: 'HEAD', cache: 'no-store' })
        .then((response) => response.ok)
        .catch(() => false)
        .then((exists) =>
          reject(
            exists
              ? new ElementLoadError('integrity-or-network', label('failedIntegrity', { title: entry.title }))
              : new ElementLoadError('missing', label('notDownloaded', { title: entry.title })),
          ),
        );
    });
    cleanup = () => {
      window.clearTimeout(timer);
      window.removeEventListener('error', onError);
    };
  });
  failed.catch(() => {});
  document.head.append(script);
  try {
    await Promise.race([customElements.whenDefined(entry.element), failed]);
  } catch (error) {
    script.remove();
    throw error;
  } finally {
    cleanup();
  }
}

/** Loads in flight, by URL: a route joins the load its preload started instead of adding a script. */
const inFlight = new Map<string, Promise<void>>();
/** Which registry entry defined each tag on this page. */
const definedBy = new Map<string, string>();

export const scriptElementLoader: ElementLoader = {
  async load(entry, { timeoutMs, attempt }) {
    if (customElements.get(entry.element) !== undefined) return;
    const url = new URL(entry.entry, document.baseURI);
    if (attempt > 0) url.searchParams.set('attempt', String(attempt));
    const running = inFlight.get(url.href);
    if (running !== undefined) return running;
    // Recorded when the script starts: a version that defines its tag and then fails still holds it.
    definedBy.set(entry.element, entry.entry);
    const loading = loadScript(entry, url, timeoutMs).finally(() => {
      inFlight.delete(url.href);
      if (customElements.get(entry.element) === undefined && definedBy.get(entry.element) === entry.entry)
        definedBy.delete(entry.element);
    });
    inFlight.set(url.href, loading);
    return loading;
  },
  definedBy: (tag) => (customElements.get(tag) === undefined ? undefined : definedBy.get(tag)),
};

/** The registry entry whose route contains `path` (its base path or below it), if any. */
export function entryForPath(entries: readonly RegistryEntry[], path: string): RegistryEntry | undefined {
  return entries.find((entry) => path === entry.route || path.startsWith(`${entry.route}/`));
}

/**
 * Starts loading the element of the route at `path` before the shell renders it (during the
 * sign-in), so its download and start-up overlap the provider's round trip. Failures are left to
 * the route, which joins this load and shows its error panel.
 */
export function preloadElementFor(
  entries: readonly RegistryEntry[],
  path: string,
  loader: ElementLoader,
  timeoutMs: number,
): void {
  const entry = entryForPath(entries, path);
  if (entry !== undefined) loader.load(entry, { timeoutMs, attempt: 0 }).catch(() => {});
}
