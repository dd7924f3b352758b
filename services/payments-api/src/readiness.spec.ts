import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  demoCaller,
  eventually,
  startDynamoDbLocal,
  startPostgresServer,
  startRedisServer,
  startTestIssuer,
  type RunningServer,
  type TestIssuer,
} from '@atrium/test-kit';
import { startPayments, TEST_STORE, type PaymentsFixture } from './payments-fixture.ts';
import type { StorageTarget } from './store/open-store.ts';

const LIST = '{ listPayments(limit: 1) { nextToken } }';

/** The suite's adapter on an engine of its own, so the test can take the database away. */
async function startOwnDatabase(): Promise<{ storage: StorageTarget; stop(): Promise<void> }> {
  if (TEST_STORE === 'dynamodb') {
    const local = await startDynamoDbLocal();
    return {
      storage: {
        kind: 'dynamodb',
        endpoint: local.endpoint,
        region: 'eu-west-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
        tablePrefix: 'readiness-',
        manageTables: true,
      },
      stop: () => local.stop(),
    };
  }
  const server = await startPostgresServer();
  return {
    storage: {
      kind: 'postgres',
      url: server.url,
      dataDir: undefined,
      connectTimeoutMs: 500,
      statementTimeoutMs: 1_000,
    },
    stop: () => server.stop(),
  };
}

describe('payments /readyz reports each dependency', () => {
  let redis: RunningServer;
  let restarted: RunningServer | undefined;
  let database: { stop(): Promise<void> };
  let issuer: TestIssuer;
  let api: PaymentsFixture;

  before(async () => {
    redis = await startRedisServer();
    const own = await startOwnDatabase();
    database = own;
    issuer = await startTestIssuer();
    api = await startPayments(issuer, {
      redisUrl: redis.url,
      rateLimit: { perSecond: 100, burst: 100 },
      storage: own.storage,
    });
  });
  after(async () => {
    await api.close();
    await issuer.close();
    await redis.stop();
    await restarted?.stop();
    await database.stop();
  });

  const ready = async () => {
    const response = await api.app.inject({ url: '/readyz' });
    return { code: response.statusCode, body: response.json(), retryAfter: response.headers['retry-after'] };
  };

  it('is ready with every dependency up, degraded (200) while Redis is down, and ready again after', async () => {
    assert.deepEqual(await ready(), {
      code: 200,
      body: { status: 'ready', checks: { database: 'ok', redis: 'ok' } },
      retryAfter: undefined,
    });

    const port = redis.port;
    await redis.stop();
    let last: Awaited<ReturnType<typeof ready>> | undefined;
    const degraded = await eventually(async () => {
      last = await ready();
      return last.body.checks?.redis === 'down';
    }, 15_000);
    assert.ok(degraded, `redis reported down: ${JSON.stringify(last)}`);
    assert.deepEqual(last, {
      code: 200,
      body: { status: 'degraded', checks: { database: 'ok', redis: 'down' } },
      retryAfter: undefined,
    });
    // Degraded, not unavailable: it still serves, on its in-memory fallbacks.
    const token = await issuer.mint(demoCaller('A', 'viewer'));
    assert.equal((await api.gql(token, LIST)).status, 200);

    restarted = await startRedisServer({ port });
    assert.ok(
      await eventually(async () => (await ready()).body.status === 'ready', 15_000),
      'ready again once Redis is back',
    );
  });

  it('is unavailable (503 + Retry-After) while its database is down', async () => {
    await database.stop();
    const answer = await ready();
    assert.equal(answer.code, 503);
    assert.equal(answer.retryAfter, '5');
    assert.equal(answer.body.status, 'unavailable');
    assert.equal(answer.body.checks.database, 'down');
  });
});
