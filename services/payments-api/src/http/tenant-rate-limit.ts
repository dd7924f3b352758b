import { Redis } from 'ioredis';

/** One request's verdict; `retryAfterSeconds` is what the 429's `Retry-After` says. */
export interface RateDecision {
  readonly allowed: boolean;
  readonly retryAfterSeconds: number;
}

/** A per-tenant request budget: one tenant's burst cannot starve the others. */
export interface TenantRateLimiter {
  /** Takes one request's token from the tenant's bucket. */
  take(tenantId: string): RateDecision | Promise<RateDecision>;
  /** Resolves once the limiter can answer from its store (or has given up waiting: it fails open). */
  ready(): Promise<void>;
  /** Rejects while the shared store is unreachable (readiness); the in-memory limiter has none. */
  probe(): Promise<void>;
  close(): Promise<void>;
}

/** Where the shared limiter reports an outage and its end (Fastify's logger fits). */
export interface RateLimitLog {
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
}

export interface TenantRateLimitOptions {
  /** Tokens added per second; 0 turns the limit off. */
  readonly perSecond: number;
  /** Bucket size: the burst a tenant may send at once. */
  readonly burst: number;
  /** Shares the buckets of every instance through this Redis; in memory (per instance) when undefined. */
  readonly redisUrl?: string | undefined;
  readonly log: RateLimitLog;
  /** How long a Redis answer may take before the request falls back to the local bucket. */
  readonly redisTimeoutMs?: number | undefined;
}

const ALLOWED: RateDecision = { allowed: true, retryAfterSeconds: 0 };

function refused(waitSeconds: number): RateDecision {
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitSeconds)) };
}

/** The in-memory limiter by default; the Redis-shared one when a URL is given. */
export function createTenantRateLimit(options: TenantRateLimitOptions): TenantRateLimiter {
  const local = new TenantRateLimit(options.perSecond, options.burst);
  if (options.redisUrl === undefined || options.perSecond <= 0) return local;
  return new SharedTenantRateLimit({ ...options, redisUrl: options.redisUrl }, local);
}

/**
 * A token bucket per tenant in this process. Alone it limits each instance on its own (behind N
 * instances a tenant gets N times the rate); it is also the fallback of the shared limiter.
 */
export class TenantRateLimit implements TenantRateLimiter {
  readonly #perSecond: number;
  readonly #burst: number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(perSecond: number, burst: number) {
    this.#perSecond = perSecond;
    this.#burst = burst;
  }

  take(tenantId: string, now = Date.now()): RateDecision {
    if (this.#perSecond <= 0) return ALLOWED;
    const bucket = this.#buckets.get(tenantId) ?? { tokens: this.#burst, at: now };
    bucket.tokens = Math.min(this.#burst, bucket.tokens + ((now - bucket.at) / 1000) * this.#perSecond);
    bucket.at = now;
    this.#buckets.set(tenantId, bucket);
    // Forget idle tenants now and then, so the map cannot grow without bound.
    if (this.#buckets.size > 10_000)
      for (const [id, b] of this.#buckets) if (now - b.at > 60_000) this.#buckets.delete(id);
    if (bucket.tokens < 1) return refused((1 - bucket.tokens) / this.#perSecond);
    bucket.tokens -= 1;
    return ALLOWED;
  }

  async ready(): Promise<void> {}

  async probe(): Promise<void> {}

  async close(): Promise<void> {}
}

/**
 * The token bucket as one atomic script: refill by the time elapsed on the Redis server's clock
 * (instances' clocks never disagree), take a token if there is one, and expire the key once a full
 * bucket would have refilled, so an idle tenant costs no memory (a missing key is a full bucket).
 * Returns {allowed 0|1, milliseconds until the next token}.
 */
const TOKEN_BUCKET_SCRIPT = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = burst
  at = now
end
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
local allowed = 0
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  wait = math.ceil((1 - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
return { allowed, wait }
`;

/** How long the shared limiter stays on the local buckets after Redis failed, before trying again. */
const RETRY_REDIS_AFTER_MS = 1000;
/** How long start-up waits for Redis, and how long before a Redis that never came up is reported. */
const CONNECT_WAIT_MS = 2000;

interface TokenBucketCommand {
  atriumTakeToken(key: string, perSecond: number, burst: number): Promise<[number, number]>;
}

/**
 * The buckets of every instance in one Redis, so a tenant's budget is the same behind N instances.
 * Redis is on the request path, so it fails open: while Redis is unreachable or slow each instance
 * limits with its local bucket (a tenant gets up to N times the rate for that while), one warning is
 * logged per outage, and the shared buckets are used again as soon as Redis answers (ADR 0105).
 */
export class SharedTenantRateLimit implements TenantRateLimiter {
  readonly #redis: Redis;
  readonly #command: TokenBucketCommand;
  readonly #local: TenantRateLimit;
  readonly #perSecond: number;
  readonly #burst: number;
  readonly #log: RateLimitLog;
  readonly #createdAt = Date.now();
  #wasReady = false;
  #localUntil = 0;
  #degraded = false;

  constructor(options: TenantRateLimitOptions & { readonly redisUrl: string }, local: TenantRateLimit) {
    this.#perSecond = options.perSecond;
    this.#burst = options.burst;
    this.#log = options.log;
    this.#local = local;
    this.#redis = new Redis(options.redisUrl, {
      connectionName: 'atrium-payments-rate-limit',
      // Never queue a request behind a dead connection: fail at once and use the local bucket.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.redisTimeoutMs ?? 250,
      // Reconnect at least every second, so the shared buckets come back soon after Redis does.
      retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
      // Concurrent requests share a round-trip.
      enableAutoPipelining: true,
    });
    // Connection errors are reported once per outage by take(); without a listener ioredis prints them.
    this.#redis.on('error', () => {});
    this.#redis.on('ready', () => (this.#wasReady = true));
    this.#redis.defineCommand('atriumTakeToken', { numberOfKeys: 1, lua: TOKEN_BUCKET_SCRIPT });
    this.#command = this.#redis as unknown as TokenBucketCommand;
  }

  /** The tenant's key: led by the tenant id, as a hash tag so a Redis Cluster keeps it on one slot. */
  static key(tenantId: string): string {
    return `{${tenantId}}:payments:rate`;
  }

  async take(tenantId: string): Promise<RateDecision> {
    if (this.#redis.status !== 'ready' || Date.now() < this.#localUntil)
      return this.#fallback(tenantId, `redis ${this.#redis.status}`);
    try {
      const [allowed, waitMs] = await this.#command.atriumTakeToken(
        SharedTenantRateLimit.key(tenantId),
        this.#perSecond,
        this.#burst,
      );
      if (this.#degraded) {
        this.#degraded = false;
        this.#log.info({}, 'payments: rate limit shared through Redis again');
      }
      return allowed === 1 ? ALLOWED : refused(waitMs / 1000);
    } catch (error) {
      this.#localUntil = Date.now() + RETRY_REDIS_AFTER_MS;
      return this.#fallback(tenantId, error instanceof Error ? error.message : String(error));
    }
  }

  async ready(): Promise<void> {
    if (this.#redis.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#redis.off('ready', done);
        resolve();
      };
      const timer = setTimeout(done, CONNECT_WAIT_MS);
      this.#redis.once('ready', done);
    });
  }

  async probe(): Promise<void> {
    // No offline queue and a short command timeout: a dead connection rejects at once.
    await this.#redis.ping();
  }

  #fallback(tenantId: string, reason: string): RateDecision {
    // Still connecting at start-up is not an outage yet.
    const outage = this.#wasReady || Date.now() - this.#createdAt > CONNECT_WAIT_MS;
    if (outage && !this.#degraded) {
      this.#degraded = true;
      this.#log.warn(
        { reason },
        'payments: Redis unavailable; rate limit falls back to this instance (each instance allows the full rate)',
      );
    }
    return this.#local.take(tenantId);
  }

  async close(): Promise<void> {
    // No state to flush: the buckets live in Redis or are disposable.
    this.#redis.disconnect();
  }
}
