import type { Registry } from '@atrium/contracts';
import { CALLBACK_PATH, ELEMENT_LOAD_TIMEOUT_MS, loadRuntimeConfig } from '../config/runtime-config.ts';
import { createUserManager, oidcSession, safeReturnPath, signInSilently } from '../lib/auth/session.ts';
import { preloadElementFor, scriptElementLoader } from '../lib/element-loader.ts';
import { fetchRegistry } from '../lib/registry.ts';
import { applyDevOverrides, readDevOverrides, takeDevOverrideFromUrl } from '../lib/dev-overrides.ts';
import type { ShellServices } from '../lib/shell-context.tsx';

/** What the page shows before the shell itself: a redirect in progress, or a fatal start-up error. */
export type BootResult =
  { readonly kind: 'ready'; readonly services: ShellServices } | { readonly kind: 'redirecting' };

/**
 * Start-up: read `/config.json`, finish a login on `/callback` (then go back to the page the user
 * wanted), or sign in — tokens live in memory, so a page load asks the provider's session first in
 * a hidden iframe while the route's micro-frontend loads, and only without a session goes to the
 * login page. The registry is read once here (it needs no token) and re-read on Retry.
 */
export async function bootstrap(): Promise<BootResult> {
  const path = window.location.pathname;
  const configRequest = loadRuntimeConfig();
  const overrides = readDevOverrides(window.localStorage);
  const registryRequest = fetchRegistry()
    // A developer's overrides apply once the deployment says it is in development mode (a tag
    // loaded from the published build could never be replaced by the dev server's afterwards).
    .then(async (registry) =>
      overrides.size > 0 && (await configRequest.catch(() => undefined))?.development === true
        ? applyDevOverrides(registry, overrides)
        : registry,
    )
    .catch(() => undefined);
  // Whatever the sign-in takes, the page ends on this route (or, via the login, back on it with
  // the code already in the HTTP cache): its element loads from the first moment.
  void registryRequest.then((registry) => {
    if (registry !== undefined)
      preloadElementFor(registry.microFrontends, path, scriptElementLoader, ELEMENT_LOAD_TIMEOUT_MS);
  });
  const config = await configRequest;
  if (config.development === true) {
    const clean = takeDevOverrideFromUrl(window.location.href, window.localStorage, (cookie) => {
      document.cookie = cookie;
    });
    // A new document, so the host's CSP for it includes the dev server's origin.
    if (clean !== undefined) {
      window.location.replace(clean);
      return { kind: 'redirecting' };
    }
  }
  const manager = createUserManager(config, window.location.origin);
  let user = await manager.getUser();
  if (path !== CALLBACK_PATH && user === null) user = await signInSilently(manager);
  if (window.location.pathname === CALLBACK_PATH) {
    try {
      user = await manager.signinRedirectCallback();
      const state = user.state as { returnTo?: unknown } | undefined;
      window.history.replaceState(null, '', safeReturnPath(state?.returnTo));
    } catch {
      // A stale or replayed callback (back button, second tab): start a fresh login.
      window.history.replaceState(null, '', '/');
      user = null;
    }
  }
  if (user === null || user.expired === true) {
    await manager.signinRedirect({
      state: {
        returnTo: safeReturnPath(window.location.pathname + window.location.search + window.location.hash),
      },
    });
    return { kind: 'redirecting' };
  }
  const session = oidcSession(manager, user, () => {});
  const initialRegistry: Registry | undefined = await registryRequest;
  return {
    kind: 'ready',
    services: {
      config,
      session,
      loader: scriptElementLoader,
      fetchRegistry: async () =>
        config.development === true ? applyDevOverrides(await fetchRegistry(), overrides) : fetchRegistry(),
      initialRegistry,
      elementTimeoutMs: ELEMENT_LOAD_TIMEOUT_MS,
    },
  };
}
