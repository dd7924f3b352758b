import { HostError, type HostErrorCode, HOST_ERRORS } from './errors.ts';
import { readBuild, type AuditRecord, type RetireResult, type SwitchResult } from './mfe-store.ts';
import { PUBLISH_API_PREFIX, publishScope } from './publish-api.ts';

/** How the client gets its bearer token: one given as is, or a client-credentials grant. */
export type TokenSource =
  | { readonly kind: 'token'; readonly token: string }
  | {
      readonly kind: 'client-credentials';
      readonly issuer: string;
      readonly clientId: string;
      readonly clientSecret: string;
    };

/** What the host answers about one micro-frontend. */
export interface MicroFrontendInfo {
  readonly name: string;
  readonly live: string | null;
  readonly versions: readonly { version: string; publishedAt: string; publishedBy: string | null }[];
  readonly audit: readonly AuditRecord[];
}

/** A client of the host's publish API (`/api/registry`): what the CLI and a team's CI use. */
export class PublishClient {
  readonly #hostUrl: string;
  readonly #tokens: TokenSource;

  constructor(hostUrl: string, tokens: TokenSource) {
    this.#hostUrl = hostUrl.replace(/\/+$/, '');
    this.#tokens = tokens;
  }

  /** A token for changing `name`: a client-credentials token asks for that name's scope only. */
  async #token(name: string): Promise<string> {
    if (this.#tokens.kind === 'token') return this.#tokens.token;
    const { issuer, clientId, clientSecret } = this.#tokens;
    const discovery = await fetch(`${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`);
    if (!discovery.ok) throw new Error(`${issuer}: discovery answered ${discovery.status}`);
    const { token_endpoint: tokenEndpoint } = (await discovery.json()) as { token_endpoint: string };
    const response = await fetch(tokenEndpoint, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: publishScope(name) }),
    });
    const body = (await response.json()) as {
      access_token?: string;
      error?: string;
      error_description?: string;
    };
    if (!response.ok || body.access_token === undefined)
      throw new Error(
        `token request refused: ${body.error ?? response.status} ${body.error_description ?? ''}`.trim(),
      );
    return body.access_token;
  }

  async #call<T>(name: string, method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(
      `${this.#hostUrl}${PUBLISH_API_PREFIX}/micro-frontends/${encodeURIComponent(name)}${path}`,
      {
        method,
        headers: {
          authorization: `Bearer ${await this.#token(name)}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      },
    );
    const answer = (await response.json()) as T & { code?: string; detail?: string };
    if (!response.ok) {
      const code = answer.code;
      if (code !== undefined && code in HOST_ERRORS)
        throw new HostError(code as HostErrorCode, answer.detail);
      throw new Error(`${method} ${path}: the host answered ${response.status}`);
    }
    return answer;
  }

  /** Uploads the build in `buildDir` (its manifest and listed files) and switches to it. */
  async publish(name: string, buildDir: string): Promise<SwitchResult> {
    const { manifest, contents } = await readBuild(buildDir);
    if (manifest.name !== name)
      throw new HostError('name_mismatch', `The build in ${buildDir} is "${manifest.name}".`);
    const files = Object.fromEntries(
      [...contents].map(([file, content]) => [file, content.toString('base64')]),
    );
    return this.#call(name, 'POST', '/versions', { manifest, files });
  }

  rollback(name: string): Promise<SwitchResult> {
    return this.#call(name, 'POST', '/rollback');
  }

  switchTo(name: string, version: string): Promise<SwitchResult> {
    return this.#call(name, 'POST', '/switch', { version });
  }

  retire(name: string): Promise<RetireResult> {
    return this.#call(name, 'DELETE', '');
  }

  info(name: string): Promise<MicroFrontendInfo> {
    return this.#call(name, 'GET', '');
  }
}
