import { LRUCache } from 'lru-cache';
import type { PlatformCallerContext } from './caller-context.ts';
import type { TokenVerifier, VerifiedToken } from './token-verifier.ts';

/** Bounds of the verified-token cache. */
export interface VerifiedTokenCacheOptions {
  /** Tokens remembered at most (default 10 000; the least recently used goes first). */
  readonly maxEntries?: number;
  /** How long a verdict is kept at most (default 60 s), never past the token's own `exp`. */
  readonly maxAgeMs?: number;
  /** The clock (tests). */
  readonly now?: () => number;
}

/** Verdicts by token string, each until its own deadline, bounded in size (least recently used goes first). */
class VerdictMap<V extends { readonly expiresAt: number }> {
  readonly #entries: LRUCache<string, V>;
  readonly #maxAgeMs: number;
  readonly #now: () => number;

  constructor(options: VerifiedTokenCacheOptions) {
    this.#maxAgeMs = options.maxAgeMs ?? 60_000;
    this.#now = options.now ?? Date.now;
    this.#entries = new LRUCache<string, V>({
      max: options.maxEntries ?? 10_000,
      // Each entry gets its own ttl (never past its token's exp); the clock is ours, read each time.
      perf: { now: this.#now },
      ttlResolution: 0,
    });
  }

  async get(token: string, verify: (token: string) => Promise<V>): Promise<V> {
    const hit = this.#entries.get(token);
    if (hit !== undefined) return hit;
    const at = this.#now();
    const verdict = await verify(token);
    const until = Math.min(at + this.#maxAgeMs, verdict.expiresAt * 1000);
    // lru-cache serves an entry until its age passes ttl; the verdict ends at `until` itself, and
    // a ttl of 0 would mean "forever": so one millisecond less, and nothing shorter than that.
    if (until - at > 1) this.#entries.set(token, verdict, { ttl: until - at - 1 });
    return verdict;
  }
}

/**
 * Remembers tokens that verified, like API Gateway's authorizer result cache: the RS256 check costs
 * more than the rest of a list request (issue 10). A token string is immutable, so its claims cannot
 * change; an entry lives at most `maxAgeMs` and never past the token's own `exp`. Failures are never
 * cached. Trade-off: a key withdrawn from the JWKS stops being refused for up to `maxAgeMs`. A
 * revoked token is not this cache's concern: revocation is checked outside it, on every request
 * (`withRevocations` around this verifier), so a cached verdict never outlives a revocation.
 * `createVerifier` returns its verifier wrapped in this (ADR 0205).
 */
export function cachingVerifier(
  verifier: TokenVerifier,
  options: VerifiedTokenCacheOptions = {},
): TokenVerifier {
  const tenantVerdicts = new VerdictMap<VerifiedToken>(options);
  const platformVerdicts = new VerdictMap<VerifiedToken<PlatformCallerContext>>(options);
  const verifyToken = (token: string) => tenantVerdicts.get(token, (t) => verifier.verifyToken(t));
  const verifyPlatformToken = (token: string) =>
    platformVerdicts.get(token, (t) => verifier.verifyPlatformToken(t));
  return {
    verifyToken,
    verifyPlatformToken,
    verify: async (token) => (await verifyToken(token)).caller,
    verifyPlatform: async (token) => (await verifyPlatformToken(token)).caller,
  };
}
