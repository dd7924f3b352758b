/**
 * A per-tenant token bucket, in this process: one tenant's burst cannot starve the others. Each
 * instance limits on its own (behind N instances a tenant gets N times the rate), which is the
 * intended trade-off: no shared round-trip on the hot path.
 */
export class TenantRateLimit {
  readonly #perSecond: number;
  readonly #burst: number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(perSecond: number, burst: number) {
    this.#perSecond = perSecond;
    this.#burst = burst;
  }

  /** Takes one request's token; false when the tenant is over its rate. */
  take(tenantId: string, now = Date.now()): boolean {
    if (this.#perSecond <= 0) return true;
    const bucket = this.#buckets.get(tenantId) ?? { tokens: this.#burst, at: now };
    bucket.tokens = Math.min(this.#burst, bucket.tokens + ((now - bucket.at) / 1000) * this.#perSecond);
    bucket.at = now;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.#buckets.set(tenantId, bucket);
    // Forget idle tenants now and then, so the map cannot grow without bound.
    if (this.#buckets.size > 10_000)
      for (const [id, b] of this.#buckets) if (now - b.at > 60_000) this.#buckets.delete(id);
    return allowed;
  }

  /** Seconds until the tenant has a token again (for `Retry-After`). */
  retryAfter(): number {
    return Math.max(1, Math.ceil(1 / Math.max(this.#perSecond, 0.001)));
  }
}
