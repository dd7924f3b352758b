import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { freePort, loginWithPassword, makeTempDir, metricSample } from '@atrium/test-kit';
import { createEmbeddedServer, type EmbeddedServer } from './app.ts';
import { loadConfig } from './config.ts';

// What an operator watches, on the embedded process as `npm start` runs it: one /metrics for all
// services, request ids echoed, logged and passed on to the sibling call a request causes.

let dataDir: string;
let server: EmbeddedServer;
let base: string;
let token: string;
const lines: string[] = [];

interface LogLine {
  readonly reqId?: string;
  readonly msg: string;
  readonly req?: { readonly url: string };
}
const logged = () => lines.map((line) => JSON.parse(line) as LogLine);

before(async () => {
  dataDir = await makeTempDir('embedded-observability');
  const port = await freePort();
  base = `http://localhost:${port}`;
  const env = { PORT: String(port), ATRIUM_DATA_DIR: dataDir, LOG_LEVEL: 'info' };
  server = await createEmbeddedServer(loadConfig(env), env, {
    logDestination: { write: (line) => void lines.push(line) },
  });
  await server.app.listen({ port, host: '127.0.0.1' });
  const login = await loginWithPassword({
    issuer: `${base}/auth`,
    redirectUri: `${base}/callback`,
    username: 'userTenantA',
    password: 'demo-password',
  });
  token = login.access_token;
});
after(async () => {
  await server.app.close();
  await rm(dataDir, { recursive: true, force: true });
});

const CREATE = `mutation CreatePayment($input: CreatePaymentInput!) { createPayment(input: $input) { id } }`;
const input = {
  amount: 42,
  currency: 'DKK',
  dueDate: '2027-02-01T00:00:00.000Z',
  from_account: 'DK5000400440116243',
  to_account: 'PAYEE001',
  type: 'DOMESTIC',
};

async function graphql(query: string, operationName: string, requestId?: string): Promise<Response> {
  return fetch(`${base}/graphql`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      ...(requestId === undefined ? {} : { 'x-request-id': requestId }),
    },
    body: JSON.stringify({ query, operationName, variables: { input } }),
  });
}

test("a payment's X-Request-Id is echoed, logged, and carried by the calls it causes (accounts lookup, JWKS)", async () => {
  const requestId = 'edge-4b1d.create-payment';
  const response = await graphql(CREATE, 'CreatePayment', requestId);
  assert.equal(response.status, 200);
  const body = (await response.json()) as { data?: { createPayment?: { id: string } }; errors?: unknown };
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
  assert.equal(response.headers.get('x-request-id'), requestId);

  const ofRequest = logged().filter((line) => line.reqId === requestId);
  // The payments request itself, and the accounts lookup it made over the internal listener.
  assert.ok(
    ofRequest.some((line) => line.req?.url === '/graphql'),
    JSON.stringify(ofRequest),
  );
  assert.ok(
    ofRequest.some((line) => line.req?.url.startsWith('/api/accounts?limit=1&account_number=') === true),
    JSON.stringify(ofRequest),
  );
  // The first token the payments API sees makes it fetch the issuer's keys: that fetch names it too.
  assert.ok(
    ofRequest.some((line) => line.req?.url === '/auth/jwks'),
    JSON.stringify(ofRequest),
  );
});

test('requests without an id get UUIDs, never a per-process counter', async () => {
  const response = await fetch(`${base}/registry.json`);
  assert.match(response.headers.get('x-request-id') ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-/);
  assert.ok(!logged().some((line) => /^req-\d+$/.test(line.reqId ?? '')));
});

test('/metrics counts requests by route template and GraphQL operations by bounded name', async () => {
  await (
    await fetch(`${base}/api/accounts?limit=5`, { headers: { authorization: `Bearer ${token}` } })
  ).text();
  await (await graphql(CREATE, 'CreatePayment')).text();
  // A name the service does not know is counted as "other", whatever a client calls it.
  await (await graphql(CREATE.replace('CreatePayment(', 'Invented9f2c('), 'Invented9f2c')).text();

  const response = await fetch(`${base}/metrics`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  const service = 'embedded';
  assert.ok(
    (metricSample(text, 'http_requests_total', { service, route: '/api/accounts', status: '200' }) ?? 0) >= 1,
  );
  assert.ok(
    (metricSample(text, 'http_requests_total', { route: '/graphql', method: 'POST', status: '200' }) ?? 0) >=
      2,
  );
  assert.ok(
    (metricSample(text, 'graphql_operations_total', {
      operation: 'CreatePayment',
      type: 'mutation',
      outcome: 'ok',
    }) ?? 0) >= 1,
    text,
  );
  assert.equal(metricSample(text, 'graphql_operations_total', { operation: 'other', type: 'mutation' }), 1);
  assert.doesNotMatch(text, /Invented9f2c/);
  // Every service's database, embedded PGlite here: one connection each.
  for (const database of ['identity', 'accounts', 'payments'])
    assert.equal(metricSample(text, 'db_pool_connections', { database }), 1, `${database}\n${text}`);
  assert.equal(metricSample(text, 'websocket_connections', { endpoint: '/graphql' }), 0);
  assert.equal(metricSample(text, 'graphql_subscriptions_active', { endpoint: '/graphql' }), 0);
});

test('/metrics is not answered to a request that came through a proxy', async () => {
  const response = await fetch(`${base}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.5' } });
  assert.equal(response.status, 403);
  assert.equal(((await response.json()) as { code: string }).code, 'metrics_forbidden');
});
