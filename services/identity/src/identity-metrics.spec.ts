import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import Fastify from 'fastify';
import { observability, trustProxyOption } from '@atrium/service-runtime';
import { freePort, makeTempDir, metricSample, OidcSession } from '@atrium/test-kit';
import identityApp from './app.ts';
import { loadConfig } from './config.ts';

// The identity service as server.ts runs it (the observability plugin before it), over real HTTP.

test('identity /metrics: refused sign-ins under identity_login, its database pool, requests by route template', async () => {
  const port = await freePort();
  const dataDir = await makeTempDir('identity-metrics');
  const config = loadConfig({
    PORT: String(port),
    ATRIUM_DATA_DIR: dataDir,
    ATRIUM_DEMO: 'true',
    TRUST_PROXY: 'true',
    LOGIN_MAX_FAILURES: '1',
    LOGIN_FIRST_DELAY_SECONDS: '600',
  });
  const app = Fastify({
    logger: false,
    trustProxy: trustProxyOption(config.trustProxy),
    pluginTimeout: 60_000,
  });
  await app.register(observability, { service: 'identity', ...config.metricsAccess });
  await app.register(identityApp, { prefix: config.basePath, config });
  await app.listen({ port, host: '127.0.0.1' });
  try {
    const rp = await OidcSession.discover({
      issuer: config.issuer,
      redirectUri: config.shellRedirectUris[0] as string,
      username: 'x',
      password: 'y',
    });
    const { page } = await rp.start();
    const action = new URL(
      (/action="([^"]+)"/.exec(page.html)?.[1] as string).replace(/&amp;/g, '&'),
      page.url,
    ).href;
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.html)?.[1] as string;
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const response = await rp.fetch(action, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '203.0.113.7' },
        body: new URLSearchParams({ csrf, username: 'viewerTenantA', password: `wrong-${i}` }).toString(),
      });
      statuses.push(response.status);
      await response.arrayBuffer();
    }
    // One free failure, then refusals for the next 600 s.
    assert.deepEqual(statuses, [401, 429, 429]);

    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    assert.equal(
      metricSample(text, 'rate_limit_refusals_total', { service: 'identity', limiter: 'identity_login' }),
      2,
    );
    assert.equal(metricSample(text, 'db_pool_connections', { database: 'identity' }), 1);
    const loginRoute = new URL(action).pathname.replace(/\/interaction\/[^/]+\//, '/interaction/:uid/');
    assert.equal(
      metricSample(text, 'http_requests_total', { route: loginRoute, method: 'POST', status: '429' }),
      2,
      text,
    );
  } finally {
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
