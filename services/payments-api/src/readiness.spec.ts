import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import {
  demoCaller,
  eventually,
  freePort,
  startRedisServer,
  startTestIssuer,
  type RunningServer,
  type TestIssuer,
} from '@atrium/test-kit';
import { startPayments, type PaymentsFixture } from './payments-fixture.ts';

const require = createRequire(import.meta.url);
const LIST = '{ listPayments(limit: 1) { nextToken } }';

/** A DynamoDB API (dynalite) on its own port, so the test can take the database away. */
async function startDynalite(port: number): Promise<{ stop(): Promise<void> }> {
  const dynalite = require('dynalite') as (options: Record<string, unknown>) => Server;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
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
    const dynamoPort = await freePort();
    database = await startDynalite(dynamoPort);
    issuer = await startTestIssuer();
    api = await startPayments(issuer, {
      redisUrl: redis.url,
      rateLimit: { perSecond: 100, burst: 100 },
      storage: {
        kind: 'endpoint',
        endpoint: `http://127.0.0.1:${dynamoPort}`,
        region: 'eu-west-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      },
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
