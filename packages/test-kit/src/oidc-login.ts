import * as client from 'openid-client';

/** A minimal cookie jar: enough for one browser-like walk through the login pages. */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  store(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const eq = (pair as string).indexOf('=');
      const name = (pair as string).slice(0, eq).trim();
      const value = (pair as string).slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(header) || value === '') this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

export interface LoginOptions {
  readonly issuer: string;
  readonly clientId?: string;
  readonly redirectUri: string;
  readonly username: string;
  readonly password: string;
  readonly scope?: string;
}

export interface LoginPage {
  readonly status: number;
  readonly html: string;
  readonly url: string;
}

/** A browser-like session against the identity service: follows redirects by hand, keeps cookies. */
export class OidcSession {
  readonly jar = new CookieJar();
  readonly config: client.Configuration;
  readonly options: LoginOptions;

  private constructor(config: client.Configuration, options: LoginOptions) {
    this.config = config;
    this.options = options;
  }

  static async discover(options: LoginOptions): Promise<OidcSession> {
    const config = await client.discovery(
      new URL(options.issuer),
      options.clientId ?? 'atrium-shell',
      undefined,
      client.None(),
      {
        execute: [client.allowInsecureRequests],
      },
    );
    return new OidcSession(config, options);
  }

  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers as Record<string, string>), cookie: this.jar.header() },
    });
    this.jar.store(response);
    return response;
  }

  /** Follows redirects until a page that is not a redirect, or a URL on the redirect URI. */
  async follow(url: string, init: RequestInit = {}): Promise<{ response: Response; url: string }> {
    let current = url;
    let response = await this.fetch(current, init);
    for (let hops = 0; hops < 10 && response.status >= 300 && response.status < 400; hops++) {
      current = new URL(response.headers.get('location') as string, current).href;
      if (current.startsWith(this.options.redirectUri)) return { response, url: current };
      response = await this.fetch(current);
    }
    return { response, url: current };
  }

  /** Starts an authorization request (code + PKCE S256) and returns the login page. */
  async start(
    extra: Record<string, string> = {},
  ): Promise<{ page: LoginPage; verifier: string; state: string }> {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(this.config, {
      redirect_uri: this.options.redirectUri,
      scope: this.options.scope ?? 'openid profile email offline_access',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      ...extra,
    });
    const { response, url: at } = await this.follow(url.href);
    return { page: { status: response.status, html: await response.text(), url: at }, verifier, state };
  }

  /** Posts the login form found in `page`; returns the next page, or the callback URL on success. */
  async submit(
    page: LoginPage,
    username: string,
    password: string,
  ): Promise<{ callback?: string; page?: LoginPage }> {
    const action = /<form method="post" action="([^"]+)"/.exec(page.html)?.[1];
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.html)?.[1];
    if (action === undefined || csrf === undefined) throw new Error(`no login form in page:\n${page.html}`);
    const { response, url } = await this.follow(new URL(action.replace(/&amp;/g, '&'), page.url).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf, username, password }).toString(),
    });
    if (url.startsWith(this.options.redirectUri)) return { callback: url };
    return { page: { status: response.status, html: await response.text(), url } };
  }

  /** The whole login: authorization request, form, code exchange. */
  async login(
    username = this.options.username,
    password = this.options.password,
  ): Promise<client.TokenEndpointResponse & client.TokenEndpointResponseHelpers> {
    const { page, verifier, state } = await this.start();
    const { callback, page: failed } = await this.submit(page, username, password);
    if (callback === undefined) throw new Error(`login failed (${failed?.status}):\n${failed?.html}`);
    return client.authorizationCodeGrant(this.config, new URL(callback), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
  }
}

/** Logs a user in through the real provider and returns the token response. */
export async function loginWithPassword(options: LoginOptions) {
  return (await OidcSession.discover(options)).login();
}
