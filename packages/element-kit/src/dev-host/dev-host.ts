// Development page only (each app's `npm start`, with ./index.html): hosts an element the way the
// shell does, with a context built from a pasted access token (e.g. one minted by the identity
// service of `npm start` at the repository root), and plays the shell's part for
// navigate/notify/route-change.
import type { ElementContext, NavigateDetail, NotifyDetail, Role } from '@atrium/contracts';

/** Which element the development page hosts, and under which shell route. */
export interface DevHostOptions {
  readonly tag: string;
  /** The shell route the element would be mounted under, e.g. `/payments`. */
  readonly basePath: string;
}

function claims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1] ?? '';
  return JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
}

function mount(tag: string, base: string, log: HTMLOutputElement, api: string, token: string): void {
  const c = claims(token);
  const origin = new URL(api);
  const wsOrigin = `${origin.protocol === 'https:' ? 'wss' : 'ws'}://${origin.host}`;
  const context: ElementContext = {
    user: {
      id: String(c['sub'] ?? ''),
      username: String(c['cognito:username'] ?? c['sub'] ?? ''),
      email: typeof c['email'] === 'string' ? c['email'] : undefined,
      roles: (c['cognito:groups'] as Role[] | undefined) ?? [],
    },
    tenant: { id: String(c['custom:tenantId'] ?? ''), name: String(c['custom:tenantName'] ?? '') },
    getAccessToken: async () => token,
    api: {
      paymentsGraphql: `${origin.origin}/graphql`,
      paymentsGraphqlWs: `${wsOrigin}/graphql`,
      accounts: `${origin.origin}/api/accounts`,
    },
    basePath: base,
    initialPath: location.pathname.startsWith(base) ? location.pathname.slice(base.length) : '',
    colorScheme: matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light',
  };
  document.querySelector(tag)?.remove();
  const element = document.createElement(tag) as HTMLElement & { context?: ElementContext };
  element.addEventListener('atrium:navigate', (e) => {
    const { path, replace } = (e as CustomEvent<NavigateDetail>).detail;
    history[replace ? 'replaceState' : 'pushState'](null, '', `${base}${path}`);
  });
  element.addEventListener('atrium:notify', (e) => {
    const { message, kind } = (e as CustomEvent<NotifyDetail>).detail;
    log.value = `${kind}: ${message}`;
  });
  element.addEventListener(
    'atrium:session-expired',
    () => (log.value = 'session expired: paste a new token'),
  );
  element.context = context;
  document.body.append(element);
}

/** Wires the development page's form to mount `tag` (the element must be defined by the caller). */
export function startDevHost({ tag, basePath }: DevHostOptions): void {
  const form = document.querySelector<HTMLFormElement>('#dev-context')!;
  const log = document.querySelector<HTMLOutputElement>('#dev-log')!;
  document.title = `${tag} (development host)`;
  const mountWith = (api: string, token: string): void => mount(tag, basePath, log, api, token);

  addEventListener('popstate', () => {
    const path = location.pathname.startsWith(basePath) ? location.pathname.slice(basePath.length) : '';
    document.querySelector(tag)?.dispatchEvent(new CustomEvent('atrium:route-change', { detail: { path } }));
  });

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const data = new FormData(form);
    // Empty means the dev server's own origin, which proxies /graphql and /api to the embedded server.
    const api = String(data.get('api')) || location.origin;
    const token = String(data.get('token')).trim();
    sessionStorage.setItem('atrium-dev', JSON.stringify({ api, token }));
    mountWith(api, token);
  });

  const saved = sessionStorage.getItem('atrium-dev');
  if (saved) {
    const { api, token } = JSON.parse(saved) as { api: string; token: string };
    (form.elements.namedItem('api') as HTMLInputElement).value = api;
    (form.elements.namedItem('token') as HTMLTextAreaElement).value = token;
    mountWith(api, token);
  }
}
