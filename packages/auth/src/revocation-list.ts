import { AuthError } from './auth-error.ts';
import type { PlatformCallerContext } from './caller-context.ts';
import type { TokenVerifier, VerifiedToken } from './token-verifier.ts';

/** One account's latest revocation: its tokens issued at or before `revokedAtMs` are refused. */
export interface Revocation {
  readonly sub: string;
  readonly revokedAtMs: number;
}

/** What a verifier asks: is this token of `sub`, issued at `issuedAtSeconds`, revoked? */
export interface RevocationCheck {
  isRevoked(sub: string, issuedAtSeconds: number): boolean;
}

/** Where the list reports an outage of the issuer's revocation endpoint and its end (Fastify's logger fits). */
export interface RevocationLog {
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
}

export interface RevocationListOptions {
  /** The issuer's list, e.g. `http://localhost:8080/auth/revocations`. */
  readonly url: string;
  /** Time between the starts of two polls (default 5 000 ms): the bound on how late a revocation is seen. */
  readonly intervalMs?: number | undefined;
  /** Longest one poll may take before it counts as failed (default 3 000 ms). */
  readonly timeoutMs?: number | undefined;
  readonly log?: RevocationLog | undefined;
}

/** True when a token issued at `issuedAtSeconds` predates a revocation at `revokedAtMs`. */
function predates(issuedAtSeconds: number, revokedAtMs: number): boolean {
  // iat has one-second granularity: a token issued in the revocation's own second is refused too,
  // since it cannot be told apart from one issued just before.
  return issuedAtSeconds * 1000 <= revokedAtMs;
}

function parseRevocations(body: unknown): Map<string, number> {
  const items = (body as { items?: unknown } | null)?.items;
  if (!Array.isArray(items)) throw new Error('the answer has no items array');
  const entries = new Map<string, number>();
  for (const item of items as Array<{ sub?: unknown; revokedAt?: unknown }>) {
    const at = typeof item?.revokedAt === 'string' ? Date.parse(item.revokedAt) : Number.NaN;
    if (typeof item?.sub !== 'string' || item.sub === '' || Number.isNaN(at))
      throw new Error('an item is not { sub, revokedAt }');
    entries.set(item.sub, Math.max(at, entries.get(item.sub) ?? at));
  }
  return entries;
}

/**
 * The issuer's recent token revocations (disabled accounts, password resets), polled over HTTP
 * every `intervalMs`, so an API refuses a revoked token within about one interval instead of at its
 * expiry. Polls never overlap. When the issuer cannot be reached the list keeps its last state and
 * keeps polling, with one warning per outage: revocation fails open, for availability, as the
 * tokens themselves do (they verify offline against cached keys).
 */
export class RevocationList implements RevocationCheck {
  readonly intervalMs: number;
  readonly #url: string;
  readonly #timeoutMs: number;
  readonly #log: RevocationLog | undefined;
  #entries = new Map<string, number>();
  readonly #listeners = new Set<(revocation: Revocation) => void>();
  #started: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #inFlight: AbortController | undefined;
  #closed = false;
  #down = false;
  #succeeded = false;

  constructor(options: RevocationListOptions) {
    this.#url = options.url;
    this.intervalMs = options.intervalMs ?? 5_000;
    this.#timeoutMs = options.timeoutMs ?? 3_000;
    this.#log = options.log;
    if (!Number.isInteger(this.intervalMs) || this.intervalMs < 10)
      throw new Error('RevocationList: intervalMs must be a whole number of at least 10');
  }

  /** Starts polling (once; later calls return the same promise), resolving when the first poll has settled. */
  start(): Promise<void> {
    this.#started ??= this.#poll();
    return this.#started;
  }

  /** Stops polling and aborts a poll in flight. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#inFlight?.abort();
  }

  /** True once a poll has succeeded: until then the list knows nothing (and refuses nothing). */
  get synchronised(): boolean {
    return this.#succeeded;
  }

  isRevoked(sub: string, issuedAtSeconds: number): boolean {
    const revokedAtMs = this.#entries.get(sub);
    return revokedAtMs !== undefined && predates(issuedAtSeconds, revokedAtMs);
  }

  /**
   * Calls `listener` for each revocation the list learns of (new, or later than the one it knew), so
   * that long-lived connections opened before it can be closed. Returns the unsubscribe function.
   */
  onRevoked(listener: (revocation: Revocation) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async #poll(): Promise<void> {
    const startedAt = Date.now();
    try {
      this.#update(await this.#fetch());
      if (this.#down) this.#log?.info({ url: this.#url }, 'auth: revocation list reachable again');
      this.#down = false;
      this.#succeeded = true;
    } catch (error) {
      if (!this.#down && !this.#closed) {
        this.#log?.warn(
          { url: this.#url, reason: error instanceof Error ? error.message : String(error) },
          'auth: revocation list unreachable; keeping the last one and retrying (revoked tokens are accepted until it is back)',
        );
      }
      this.#down = true;
    }
    if (this.#closed) return;
    // A fixed cadence between poll starts, so a revocation is seen within intervalMs + one poll.
    this.#timer = setTimeout(
      () => void this.#poll(),
      Math.max(0, this.intervalMs - (Date.now() - startedAt)),
    );
    this.#timer.unref();
  }

  async #fetch(): Promise<Map<string, number>> {
    const controller = new AbortController();
    this.#inFlight = controller;
    const timer = setTimeout(
      () => controller.abort(new Error(`no answer within ${this.#timeoutMs} ms`)),
      this.#timeoutMs,
    );
    try {
      const response = await fetch(this.#url, {
        headers: { accept: 'application/json' },
        signal: controller.signal,
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return parseRevocations(await response.json());
    } finally {
      clearTimeout(timer);
      this.#inFlight = undefined;
    }
  }

  #update(entries: Map<string, number>): void {
    const previous = this.#entries;
    // The issuer lists only revocations young enough to matter: older ones are dropped here too.
    this.#entries = entries;
    for (const [sub, revokedAtMs] of entries) {
      if ((previous.get(sub) ?? -Infinity) >= revokedAtMs) continue;
      for (const listener of this.#listeners) {
        try {
          listener({ sub, revokedAtMs });
        } catch (error) {
          this.#log?.warn({ reason: String(error) }, 'auth: a revocation listener failed');
        }
      }
    }
  }
}

/**
 * A verifier that also refuses revoked tokens (`token_revoked`), whatever `verifier` does inside
 * (a cache included): the revocation is checked on every call, outside any cache.
 */
export function withRevocations(verifier: TokenVerifier, revocations: RevocationCheck): TokenVerifier {
  function refuseRevoked<T extends VerifiedToken<{ userId: string }>>(verified: T): T {
    if (revocations.isRevoked(verified.caller.userId, verified.issuedAt))
      throw new AuthError('token_revoked', `tokens of ${verified.caller.userId} issued before a revocation`);
    return verified;
  }
  const verifyToken = async (token: string) => refuseRevoked(await verifier.verifyToken(token));
  const verifyPlatformToken = async (token: string): Promise<VerifiedToken<PlatformCallerContext>> =>
    refuseRevoked(await verifier.verifyPlatformToken(token));
  return {
    verifyToken,
    verifyPlatformToken,
    verify: async (token) => (await verifyToken(token)).caller,
    verifyPlatform: async (token) => (await verifyPlatformToken(token)).caller,
  };
}
