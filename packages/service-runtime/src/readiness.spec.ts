import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { combineReadiness, readinessHandler } from './index.ts';

test('a required dependency down is 503 unavailable; an optional one 200 degraded; a hung probe is down', async () => {
  const app = Fastify();
  let database = true;
  let cache = true;
  app.get(
    '/readyz',
    readinessHandler([
      {
        name: 'database',
        required: true,
        probe: async () => (database ? undefined : Promise.reject(new Error())),
      },
      // Hangs when down, as a probe over a black-holed connection does.
      { name: 'cache', required: false, probe: () => (cache ? Promise.resolve() : new Promise(() => {})) },
    ]),
  );
  const ready = async () => {
    const response = await app.inject({ url: '/readyz' });
    return [response.statusCode, response.json(), response.headers['retry-after']];
  };
  assert.deepEqual(await ready(), [
    200,
    { status: 'ready', checks: { database: 'ok', cache: 'ok' } },
    undefined,
  ]);
  cache = false;
  assert.deepEqual(await ready(), [
    200,
    { status: 'degraded', checks: { database: 'ok', cache: 'down' } },
    undefined,
  ]);
  database = false;
  assert.deepEqual(await ready(), [
    503,
    { status: 'unavailable', checks: { database: 'down', cache: 'down' } },
    '5',
  ]);
  await app.close();
});

test('several services combine into one answer: checks by service, the worst verdict wins', () => {
  assert.deepEqual(
    combineReadiness({
      identity: { status: 'ready', checks: { database: 'ok' } },
      payments: { status: 'degraded', checks: { database: 'ok', redis: 'down' } },
    }),
    {
      status: 'degraded',
      checks: { 'identity.database': 'ok', 'payments.database': 'ok', 'payments.redis': 'down' },
    },
  );
  assert.equal(
    combineReadiness({
      identity: { status: 'unavailable', checks: { database: 'down' } },
      payments: { status: 'degraded', checks: { redis: 'down' } },
    }).status,
    'unavailable',
  );
});
