import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import Fastify, { type FastifyInstance } from 'fastify';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { observability } from '@atrium/service-runtime';
import {
  demoCaller,
  eventually,
  makeTempDir,
  metricSample,
  startTestIssuer,
  type TestIssuer,
} from '@atrium/test-kit';
import paymentsPlugin from '../app.ts';
import { testStorage } from '../payments-fixture.ts';

// The payments service as server.ts runs it (the observability plugin before it), over real HTTP
// and WebSocket: what it reports beside the HTTP metrics every service has.

describe('payments metrics', () => {
  let issuer: TestIssuer;
  let app: FastifyInstance;
  let url: string;
  let dataDir: string;
  let drop: () => Promise<void>;

  before(async () => {
    issuer = await startTestIssuer();
    dataDir = await makeTempDir('payments-metrics');
    const test = await testStorage();
    drop = test.drop;
    app = Fastify({ logger: false, pluginTimeout: 120_000 });
    await app.register(observability, { service: 'payments' });
    await app.register(paymentsPlugin, {
      verifier: issuer.verifierConfig(),
      storage: test.storage,
      dataDir,
      // One request per tenant, then refusals: one token per 1000 s refills nothing within the test.
      rateLimit: { perSecond: 0.001, burst: 1 },
    });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  after(async () => {
    await app.close();
    await drop();
    await rm(dataDir, { recursive: true, force: true });
    await issuer.close();
  });

  const metrics = async () => (await fetch(`${url}/metrics`)).text();

  it('counts the tenant rate limit refusals', async () => {
    const token = await issuer.mint(demoCaller('B', 'viewer'));
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'query ListPayments { listPayments { items { id } } }' }),
      });
      statuses.push(response.status);
      await response.arrayBuffer();
    }
    assert.deepEqual(statuses, [200, 429, 429]);
    const text = await metrics();
    assert.equal(metricSample(text, 'rate_limit_refusals_total', { limiter: 'payments_tenant' }), 2);
    assert.equal(metricSample(text, 'http_requests_total', { route: '/graphql', status: '429' }), 2);
    assert.equal(
      metricSample(text, 'graphql_operations_total', {
        operation: 'ListPayments',
        type: 'query',
        outcome: 'ok',
      }),
      1,
    );
  });

  it('reports WebSocket connections and live subscriptions while they are open', async () => {
    const client = createClient({
      url: `${url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${await issuer.mint(demoCaller('A', 'viewer'))}` },
      retryAttempts: 0,
      lazy: false,
    });
    const stop = client.subscribe(
      { query: 'subscription { onCreatePayment { id } }' },
      { next: () => {}, error: () => {}, complete: () => {} },
    );
    const live = async () => {
      const text = await metrics();
      return [
        metricSample(text, 'websocket_connections', { endpoint: '/graphql' }),
        metricSample(text, 'graphql_subscriptions_active', { endpoint: '/graphql' }),
      ];
    };
    assert.ok(
      await eventually(async () => JSON.stringify(await live()) === '[1,1]', 30_000),
      JSON.stringify(await live()),
    );
    stop();
    await client.dispose();
    assert.ok(
      await eventually(async () => JSON.stringify(await live()) === '[0,0]', 30_000),
      JSON.stringify(await live()),
    );
  });
});
