import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import type { JSONWebKeySet, JWK } from 'jose';
import type Provider from 'oidc-provider';
import { createVerifier, type TokenVerifier, type VerifierConfig } from '@atrium/auth';
import type { Database } from '@atrium/postgres';
import { publishedKeys, type KeyMaterial, type KeyPolicy } from './signing-keys.ts';

/** What the identity service builds on one set of keys. */
interface Keyed {
  readonly fingerprint: string;
  readonly provider: Provider;
  readonly handler: (request: IncomingMessage, response: ServerResponse) => void;
  readonly verifier: TokenVerifier;
}

export interface SigningKeyReloadOptions {
  readonly db: Database;
  readonly policy: KeyPolicy;
  /** How often the keys are read again (KEY_RELOAD_MS). */
  readonly reloadMs: number;
  /** The key material of the start (with the cookie and CSRF secrets, which do not rotate). */
  readonly initial: KeyMaterial;
  /** Builds the provider on a key set: every provider shares the configuration, state and secrets. */
  readonly build: (keys: KeyMaterial) => Provider;
  /** The identity's own verifier (admin API) without its key set, which comes from the database. */
  readonly verifier: Omit<VerifierConfig, 'keySet' | 'jwksUri'>;
  readonly log: FastifyBaseLogger;
}

/** Only the public members of a JWK: what the identity's own verifier may hold. */
function publicJwk({ kty, n, e, crv, x, y, kid, alg, use }: JWK): JWK {
  return Object.fromEntries(
    Object.entries({ kty, n, e, crv, x, y, kid, alg, use }).filter(([, value]) => value !== undefined),
  ) as JWK;
}

/**
 * The OpenID provider on the signing keys of the database, read again every `reloadMs` (ADR 0008).
 * oidc-provider takes its keys at construction and offers no supported way to change them (its
 * keystore is private), so a changed key set builds a new provider behind the one stable request
 * handler; every piece of state (sessions, grants, interactions, clients) is in the database and
 * the cookie secrets do not rotate, so a request started on the previous provider finishes on it and
 * the next one continues on the new one. A reload that fails (database away) keeps the keys it has.
 */
export class SigningKeyReload {
  readonly #options: SigningKeyReloadOptions;
  #keyed: Keyed;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  private constructor(options: SigningKeyReloadOptions) {
    this.#options = options;
    this.#keyed = this.#build(options.initial.jwks);
  }

  /** Builds the provider on the initial keys and starts reloading. */
  static start(options: SigningKeyReloadOptions): SigningKeyReload {
    const reload = new SigningKeyReload(options);
    reload.#schedule();
    return reload;
  }

  /** The provider of the last key set read. */
  get provider(): Provider {
    return this.#keyed.provider;
  }

  /** The kid that signs now (the first key of the set). */
  get signingKid(): string | undefined {
    return this.#keyed.fingerprint.split(' ')[0];
  }

  /** A request handler for the provider that is current when each request arrives. */
  readonly handler = (request: IncomingMessage, response: ServerResponse): void =>
    this.#keyed.handler(request, response);

  /** A verifier of this issuer's tokens against the key set that is current at each call. */
  readonly verifier: TokenVerifier = {
    verify: (token) => this.#keyed.verifier.verify(token),
    verifyPlatform: (token) => this.#keyed.verifier.verifyPlatform(token),
    verifyToken: (token) => this.#keyed.verifier.verifyToken(token),
    verifyPlatformToken: (token) => this.#keyed.verifier.verifyPlatformToken(token),
  };

  /** Reads the keys now; true when they changed (and the provider was rebuilt). */
  async reload(): Promise<boolean> {
    const jwks = await publishedKeys(this.#options.db, this.#options.policy);
    if (fingerprintOf(jwks.keys) === this.#keyed.fingerprint) return false;
    const before = this.signingKid;
    this.#keyed = this.#build(jwks);
    this.#options.log.info(
      { signingKid: this.signingKid, previousSigningKid: before, published: jwks.keys.map((k) => k.kid) },
      'identity: signing keys reloaded',
    );
    return true;
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
  }

  #schedule(): void {
    if (this.#closed) return;
    // One reload at a time: the next is timed from the end of the previous one.
    this.#timer = setTimeout(() => {
      this.reload()
        .catch((error: unknown) =>
          this.#options.log.warn(
            { err: error },
            'identity: signing keys not reloaded (kept the current ones)',
          ),
        )
        .finally(() => this.#schedule());
    }, this.#options.reloadMs);
    this.#timer.unref();
  }

  #build(jwks: { keys: JWK[] }): Keyed {
    const provider = this.#options.build({ ...this.#options.initial, jwks });
    return {
      fingerprint: fingerprintOf(jwks.keys),
      provider,
      handler: provider.callback(),
      verifier: createVerifier({
        ...this.#options.verifier,
        keySet: { keys: jwks.keys.map(publicJwk) } as JSONWebKeySet,
      }),
    };
  }
}

/** The kids in order: the signing key first, so a change of signer is a change too. */
function fingerprintOf(keys: readonly JWK[]): string {
  return keys.map((key) => key.kid).join(' ');
}
