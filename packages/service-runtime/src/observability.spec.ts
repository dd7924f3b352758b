import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { metricSample as sample } from '@atrium/test-kit';
import { MAX_REQUEST_ID_LENGTH, observability, serviceLoggerOptions, ServiceEnvironment } from './index.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A service as its server.ts builds one: logger, the plugin, then its routes (here in a prefix). */
async function service(lines: string[] = [], token?: string): Promise<FastifyInstance> {
  const app = Fastify({ logger: serviceLoggerOptions('info', { write: (line) => void lines.push(line) }) });
  await app.register(observability, { service: 'accounts', token });
  await app.register(
    async (api) => {
      api.get('/accounts/:id', async () => ({ ok: true }));
      api.get('/broken', async () => {
        throw new Error('boom');
      });
    },
    { prefix: '/api' },
  );
  running.push(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return app;
}

// Closed even when an assertion failed, so a failing test does not hold the process open.
const running: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((app) => app.close()));
});

const base = (app: FastifyInstance) => `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;

test('/metrics answers the Prometheus text format with requests counted under their route template', async () => {
  const app = await service();
  for (const id of ['1', '2', '3'])
    assert.equal((await fetch(`${base(app)}/api/accounts/${id}`)).status, 200);
  assert.equal((await fetch(`${base(app)}/api/broken`)).status, 500);
  assert.equal((await fetch(`${base(app)}/no/such/${'x'.repeat(20)}`)).status, 404);

  const response = await fetch(`${base(app)}/metrics`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  const route = '/api/accounts/:id';
  assert.equal(
    sample(text, 'http_requests_total', { route, status: '200', method: 'GET', service: 'accounts' }),
    3,
  );
  assert.equal(sample(text, 'http_requests_total', { route: '/api/broken', status: '500' }), 1);
  assert.equal(sample(text, 'http_requests_total', { route: 'unmatched', status: '404' }), 1);
  assert.equal(sample(text, 'http_request_duration_seconds_count', { route, method: 'GET' }), 3);
  assert.equal(sample(text, 'http_request_duration_seconds_bucket', { route, le: '+Inf' }), 3);
  // Raw URLs never become labels: their values are unbounded.
  assert.doesNotMatch(text, /\/api\/accounts\/1|no\/such/);
  // The default process metrics.
  assert.ok(sample(text, 'process_cpu_user_seconds_total', { service: 'accounts' }) !== undefined);
  assert.ok(sample(text, 'nodejs_eventloop_lag_seconds', { service: 'accounts' }) !== undefined);
});

test('an acceptable X-Request-Id is echoed and written in the log lines; anything else gets a new UUID', async () => {
  const lines: string[] = [];
  const app = await service(lines);
  const sent = 'nginx-7f3a.42:edge@eu-1';
  const echoed = await fetch(`${base(app)}/api/accounts/1`, { headers: { 'x-request-id': sent } });
  assert.equal(echoed.headers.get('x-request-id'), sent);

  for (const bad of ['a b', 'x'.repeat(MAX_REQUEST_ID_LENGTH + 1), '{"level":60}', 'id\u00e9', '']) {
    const response = await fetch(`${base(app)}/api/accounts/1`, { headers: { 'x-request-id': bad } });
    assert.equal(response.status, 200);
    const id = response.headers.get('x-request-id') ?? '';
    assert.match(id, UUID, `${JSON.stringify(bad)} was answered with ${id}`);
  }
  // An error answer carries it too.
  const failed = await fetch(`${base(app)}/api/broken`, { headers: { 'x-request-id': 'failing-1' } });
  assert.equal(failed.headers.get('x-request-id'), 'failing-1');

  const logged = lines.map((line) => JSON.parse(line) as { reqId?: string; msg: string });
  const ofSent = logged.filter((line) => line.reqId === sent).map((line) => line.msg);
  assert.deepEqual(ofSent, ['incoming request', 'request completed']);
  assert.ok(logged.some((line) => line.reqId === 'failing-1' && line.msg === 'boom'));
});

test('two instances of a service never generate the same request id', async () => {
  const [one, two] = [await service(), await service()];
  const ids = new Set<string>();
  for (let i = 0; i < 20; i += 1) {
    for (const app of [one, two]) {
      const id = (await fetch(`${base(app)}/api/accounts/1`)).headers.get('x-request-id') ?? '';
      assert.match(id, UUID);
      ids.add(id);
    }
  }
  assert.equal(ids.size, 40);
});

test('/metrics: loopback only without a token, never through a proxy; with METRICS_TOKEN only with it', async () => {
  const open = await service();
  const proxied = await fetch(`${base(open)}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
  assert.equal(proxied.status, 403);
  assert.equal(((await proxied.json()) as { code: string }).code, 'metrics_forbidden');
  // From another address (inject's remote address is set by the caller).
  const remote = await open.inject({ url: '/metrics', remoteAddress: '198.51.100.7' });
  assert.equal(remote.statusCode, 403);

  const token = 'a-metrics-token-of-32-characters';
  const guarded = await service([], token);
  for (const authorization of [undefined, 'Bearer wrong', `Basic ${token}`]) {
    const response = await fetch(`${base(guarded)}/metrics`, {
      headers: authorization === undefined ? {} : { authorization },
    });
    assert.equal(response.status, 401, String(authorization));
    assert.equal(response.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    assert.equal(((await response.json()) as { code: string }).code, 'metrics_token_required');
  }
  const withToken = await guarded.inject({
    url: '/metrics',
    remoteAddress: '198.51.100.7',
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(withToken.statusCode, 200);
});

test('METRICS_TOKEN shorter than 16 characters is refused at start, by name', () => {
  const read = new ServiceEnvironment({ METRICS_TOKEN: 'short' });
  read.metricsAccess();
  assert.throws(() => read.check('configuration'), /METRICS_TOKEN: at least 16 characters/);
});

test('the plugin refuses a Fastify that would take X-Request-Id unvalidated', async () => {
  const app = Fastify({ requestIdHeader: 'x-request-id' });
  await assert.rejects(async () => {
    await app.register(observability, { service: 'x' });
    await app.ready();
  }, /requestIdHeader/);
});
