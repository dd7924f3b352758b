import type { ShellRuntimeConfig } from '@atrium/contracts';

/** The deployment's settings, read at run time from `/config.json` (the type lives in the contract). */
export type RuntimeConfig = ShellRuntimeConfig;

/** Where the host serves the runtime configuration and the registry. */
export const CONFIG_URL = '/config.json';
export const REGISTRY_URL = '/registry.json';

/** The shell's own routes for the OIDC redirects (registered at the provider for this origin). */
export const CALLBACK_PATH = '/callback';
/** The page the hidden iframe of a silent sign-in lands on (a file of the shell's build). */
export const SILENT_CALLBACK_PATH = '/silent-callback.html';

/** How long a silent sign-in may take before the shell falls back to the full-page redirect. */
export const SILENT_SIGN_IN_TIMEOUT_S = 5;

/** How long an element's entry may take to load and define its element before the route shows Retry. */
export const ELEMENT_LOAD_TIMEOUT_MS = 15_000;

const isString = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** Fetches and checks `/config.json`; throws naming the missing fields. */
export async function loadRuntimeConfig(fetchImpl: typeof fetch = fetch): Promise<RuntimeConfig> {
  // Plain GET, so it takes the response index.html preloads; the host's `no-cache` revalidates it.
  const response = await fetchImpl(CONFIG_URL);
  if (!response.ok) throw new Error(`${CONFIG_URL} answered ${response.status}`);
  const value = (await response.json()) as Partial<RuntimeConfig>;
  const missing = [
    ['oidc.issuer', value.oidc?.issuer],
    ['oidc.clientId', value.oidc?.clientId],
    ['api.paymentsGraphql', value.api?.paymentsGraphql],
    ['api.paymentsGraphqlWs', value.api?.paymentsGraphqlWs],
    ['api.accounts', value.api?.accounts],
    ['api.identityAdmin', value.api?.identityAdmin],
  ]
    .filter(([, v]) => !isString(v))
    .map(([name]) => name);
  if (missing.length > 0) throw new Error(`${CONFIG_URL} lacks ${missing.join(', ')}`);
  return {
    productName: isString(value.productName) ? value.productName : 'Atrium',
    development: value.development === true,
    oidc: { scope: 'openid profile email offline_access', ...value.oidc } as RuntimeConfig['oidc'],
    api: value.api as RuntimeConfig['api'],
  };
}
