import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import {
  demoCaller,
  freePort,
  startRedisServer,
  eventually,
  startTestIssuer,
  type RunningServer,
  type TestIssuer,
} from '@atrium/test-kit';
import { startPayments, testStorage, type GqlResponse, type PaymentsFixture } from '../payments-fixture.ts';
import { createTenantRateLimit, SharedTenantRateLimit, TenantRateLimit } from './tenant-rate-limit.ts';

const LIST = '{ listPayments(limit: 1) { nextToken } }';

describe('in-memory tenant rate limit', () => {
  it('spends the burst, refuses with the time to the next token, refills at the rate', () => {
    const limit = new TenantRateLimit(2, 3);
    const t0 = 1_000_000;
    assert.deepEqual(
      [0, 1, 2].map(() => limit.take('A', t0).allowed),
      [true, true, true],
    );
    assert.deepEqual(limit.take('A', t0), { allowed: false, retryAfterSeconds: 1 });
    assert.equal(limit.take('B', t0).allowed, true, 'another tenant has its own bucket');
    assert.equal(limit.take('A', t0 + 500).allowed, true, '2 per second: one token after 500 ms');
    assert.equal(limit.take('A', t0 + 500).allowed, false);
    assert.deepEqual(new TenantRateLimit(0, 1).take('A'), { allowed: true, retryAfterSeconds: 0 });
    const slow = new TenantRateLimit(1, 1);
    slow.take('A', t0);
    assert.equal(slow.take('A', t0 + 100).retryAfterSeconds, 1);
  });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('tenant rate limit shared through Redis', () => {
  let redis: RunningServer;
  let restarted: { stop(): Promise<void> } | undefined;
  let issuer: TestIssuer;
  let one: PaymentsFixture;
  let two: PaymentsFixture;
  let probe: Redis;
  // One token per 10 s: nothing refills while a test runs, so the counts are exact.
  const rateLimit = { perSecond: 0.1, burst: 4 };
  const token = (tenant: 'A' | 'B') => issuer.mint(demoCaller(tenant, 'viewer'));

  before(async () => {
    redis = await startRedisServer();
    issuer = await startTestIssuer();
    one = await startPayments(issuer, { redisUrl: redis.url, rateLimit });
    two = await startPayments(issuer, { redisUrl: redis.url, rateLimit });
    probe = new Redis(redis.url, { lazyConnect: true, retryStrategy: () => 200 });
    probe.on('error', () => {});
    await probe.connect();
  });
  after(async () => {
    probe.disconnect();
    await one.close();
    await two.close();
    await issuer.close();
    await redis.stop();
    await restarted?.stop();
  });

  it("spends a tenant's budget across both instances; another tenant is unaffected", async () => {
    await probe.flushall();
    const a = await token('A');
    const answers: GqlResponse[] = [];
    for (let i = 0; i < 6; i += 1) answers.push(await (i % 2 === 0 ? one : two).gql(a, LIST));
    // Per instance the bucket would allow 4 each (8 in all); shared, the 5th and 6th are refused.
    assert.deepEqual(
      answers.map((r) => r.status),
      [200, 200, 200, 200, 429, 429],
    );
    const refused = await two.app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${a}` },
      payload: JSON.stringify({ query: LIST }),
    });
    assert.equal(refused.statusCode, 429);
    // The next token is 10 s away at 0.1 per second.
    assert.ok(Number(refused.headers['retry-after']) >= 9, `Retry-After ${refused.headers['retry-after']}`);
    assert.deepEqual(refused.json(), {
      data: null,
      errors: [
        {
          message: 'Too many requests for this tenant; retry later.',
          errorType: 'LimitExceededException',
          extensions: { code: 'RATE_LIMITED' },
        },
      ],
    });
    assert.equal((await one.gql(await token('B'), LIST)).status, 200, 'Tenant B has its own budget');

    // The bucket is one key led by the tenant id, expiring once it would be full again.
    const key = SharedTenantRateLimit.key('TenantA');
    assert.equal(key, '{TenantA}:payments:rate');
    const ttl = await probe.pttl(key);
    assert.ok(ttl > 0 && ttl <= 41_000, `TTL ${ttl}`);
    assert.deepEqual((await probe.keys('*')).sort(), ['{TenantA}:payments:rate', '{TenantB}:payments:rate']);
  });

  it('serves from the local bucket while Redis is down, and shares again when it is back', async () => {
    const b = await token('B');
    await probe.flushall();
    const port = redis.port;
    await redis.stop();
    // Fail open: each instance limits on its own while Redis is away (4 + 4 here).
    const during: number[] = [];
    for (let i = 0; i < 10; i += 1) during.push((await (i % 2 === 0 ? one : two).gql(b, LIST)).status);
    assert.deepEqual(during, [200, 200, 200, 200, 200, 200, 200, 200, 429, 429]);

    restarted = await startRedisServer({ port });
    await probe.connect().catch(() => undefined);
    // Each instance reconnects (retrying at least every second) and writes its probe tenant's bucket.
    const probes = [one, two].map(async (api, i) => {
      const t = await issuer.mint({ ...demoCaller('A', 'viewer'), tenantId: `Probe${i}` });
      return eventually(async () => {
        await api.gql(t, LIST);
        return (await probe.exists(SharedTenantRateLimit.key(`Probe${i}`))) === 1;
      }, 5000);
    });
    assert.deepEqual(await Promise.all(probes), [true, true], 'both instances share the buckets again');
    await probe.flushall();
    await sleep(1100); // past any instance's one-second local window after a failed call
    const after: number[] = [];
    for (let i = 0; i < 6; i += 1) after.push((await (i % 2 === 0 ? one : two).gql(b, LIST)).status);
    assert.deepEqual(after, [200, 200, 200, 200, 429, 429]);
  });
});

describe('shared rate limit outage reporting', () => {
  it('logs one warning per outage and one line when Redis is back; off (0/s) never needs Redis', async () => {
    const redis = await startRedisServer();
    const lines: string[] = [];
    const log = {
      warn: (_: object, m: string) => lines.push(`warn ${m}`),
      info: (_: object, m: string) => lines.push(`info ${m}`),
    };
    const limit = createTenantRateLimit({ perSecond: 100, burst: 100, redisUrl: redis.url, log });
    let restarted: { stop(): Promise<void> } | undefined;
    try {
      await limit.ready();
      assert.equal((await limit.take('T')).allowed, true);
      assert.deepEqual(lines, []);
      await redis.stop();
      for (let i = 0; i < 5; i += 1) assert.equal((await limit.take('T')).allowed, true);
      assert.equal(lines.length, 1);
      assert.match(lines[0] ?? '', /^warn .*falls back/);
      restarted = await startRedisServer({ port: redis.port });
      assert.ok(
        await eventually(async () => {
          await limit.take('T');
          return lines.length === 2;
        }, 5000),
      );
      assert.match(lines[1] ?? '', /^info .*Redis again/);
    } finally {
      await limit.close();
      await restarted?.stop();
      await redis.stop();
    }
    assert.ok(
      createTenantRateLimit({ perSecond: 0, burst: 1, redisUrl: 'redis://127.0.0.1:1', log }) instanceof
        TenantRateLimit,
    );
  });
});

describe('starting with Redis unreachable', () => {
  it('starts, serves and limits per instance, and closes without waiting for Redis', async () => {
    const issuer = await startTestIssuer();
    const port = await freePort();
    // The store is opened and migrated first: what is measured is the wait for Redis.
    const { storage, drop } = await testStorage();
    await (await startPayments(issuer, { storage })).close();
    const started = Date.now();
    const api = await startPayments(issuer, {
      storage,
      redisUrl: `redis://127.0.0.1:${port}`,
      rateLimit: { perSecond: 0.1, burst: 2 },
    });
    try {
      assert.ok(Date.now() - started < 6000, 'start-up waits for Redis only briefly');
      const a = await issuer.mint(demoCaller('A', 'viewer'));
      const statuses = [];
      for (let i = 0; i < 3; i += 1) statuses.push((await api.gql(a, LIST)).status);
      assert.deepEqual(statuses, [200, 200, 429]);
    } finally {
      const closing = Date.now();
      await api.close();
      assert.ok(Date.now() - closing < 2500, 'shutdown does not hang on the absent Redis');
      await drop();
      await issuer.close();
    }
  });
});
