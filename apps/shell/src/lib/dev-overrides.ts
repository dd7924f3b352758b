import type { Registry } from '@atrium/contracts';

/**
 * Local development inside the real shell (like single-spa's import-map-overrides): in a
 * deployment in development mode (`/config.json` says `development: true`), a developer points one
 * micro-frontend at a dev server on their own machine, in their own browser only:
 * `?mfe-override=reports=http://localhost:5173/src/reports-element.ts` (`?mfe-override=reports=`
 * removes it, `?mfe-override=reset` removes all). The override lives in localStorage; a cookie
 * tells the host to widen this browser's CSP by those origins, and the host honours it for
 * loopback origins in development mode only.
 */
export const OVERRIDES_KEY = 'atrium:mfe-overrides';
export const OVERRIDES_COOKIE = 'atrium-mfe-overrides';
export const OVERRIDE_PARAM = 'mfe-override';

/** Only a dev server on this machine may be an override. */
const LOOPBACK = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/;

export type DevOverrides = ReadonlyMap<string, string>;

function originOf(url: string): string | undefined {
  try {
    const origin = new URL(url).origin;
    return LOOPBACK.test(origin) ? origin : undefined;
  } catch {
    return undefined;
  }
}

/** The overrides this browser holds (invalid ones are dropped). */
export function readDevOverrides(storage: Pick<Storage, 'getItem'>): DevOverrides {
  try {
    const value: unknown = JSON.parse(storage.getItem(OVERRIDES_KEY) ?? '{}');
    if (typeof value !== 'object' || value === null) return new Map();
    return new Map(
      Object.entries(value).filter(
        (pair): pair is [string, string] => typeof pair[1] === 'string' && originOf(pair[1]) !== undefined,
      ),
    );
  } catch {
    return new Map();
  }
}

/**
 * Takes an `?mfe-override=` from the address into storage and the CSP cookie; returns the address
 * without it (to load the page afresh, with the widened CSP), or undefined when there was none.
 */
export function takeDevOverrideFromUrl(
  href: string,
  storage: Pick<Storage, 'getItem' | 'setItem'>,
  setCookie: (cookie: string) => void,
): string | undefined {
  const url = new URL(href);
  const values = url.searchParams.getAll(OVERRIDE_PARAM);
  if (values.length === 0) return undefined;
  const overrides = new Map(readDevOverrides(storage));
  for (const value of values) {
    if (value === 'reset') overrides.clear();
    const [name = '', target = ''] = value.split(/=(.*)/s);
    if (target === '') overrides.delete(name);
    else if (/^[a-z][a-z0-9-]{0,39}$/.test(name) && originOf(target) !== undefined)
      overrides.set(name, target);
  }
  storage.setItem(OVERRIDES_KEY, JSON.stringify(Object.fromEntries(overrides)));
  const origins = [...new Set([...overrides.values()].map((target) => originOf(target)))].join(' ');
  setCookie(
    `${OVERRIDES_COOKIE}=${encodeURIComponent(origins)}; Path=/; SameSite=Strict${origins === '' ? '; Max-Age=0' : ''}${url.protocol === 'https:' ? '; Secure' : ''}`,
  );
  url.searchParams.delete(OVERRIDE_PARAM);
  return url.pathname + url.search + url.hash;
}

/**
 * The registry with the overridden entries pointing at the dev server: no integrity (a dev
 * server's bytes change on every edit), no stylesheets (the dev build injects its own), and a
 * version that says so.
 */
export function applyDevOverrides(registry: Registry, overrides: DevOverrides): Registry {
  if (overrides.size === 0) return registry;
  return {
    ...registry,
    microFrontends: registry.microFrontends.map((entry) => {
      const target = overrides.get(entry.name);
      return target === undefined
        ? entry
        : { ...entry, entry: target, integrity: '', styles: [], version: DEV_OVERRIDE_VERSION };
    }),
  };
}

/** The version an overridden entry shows (the route tells the developer where it comes from). */
export const DEV_OVERRIDE_VERSION = 'dev-override';
