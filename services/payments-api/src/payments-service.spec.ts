import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import Fastify from 'fastify';
import { demoCaller, makeTempDir, startTestIssuer, type TestIssuer } from '@atrium/test-kit';
import { loadConfig } from './config.ts';
import paymentsService from './payments-service.ts';

// The payments API mounted from its validated config alone, as the standalone and the embedded
// servers mount it: the issuer, the data folder (its embedded store) and the mode all come from it.

describe('the payments service from its config', () => {
  let issuer: TestIssuer;
  const folders: string[] = [];

  before(async () => {
    issuer = await startTestIssuer();
  });
  after(async () => {
    await issuer.close();
    for (const folder of folders) await rm(folder, { recursive: true, force: true });
  });

  /** Starts the service on a port of its own with `env`; returns what `query` got, with a token or not. */
  async function answer(env: Record<string, string>, query: string, withToken = true) {
    const dataDir = await makeTempDir('payments-service');
    folders.push(dataDir);
    const config = loadConfig({
      OIDC_ISSUER: issuer.issuer,
      OIDC_JWKS_URI: issuer.jwksUri,
      ATRIUM_DATA_DIR: dataDir,
      ...env,
    });
    const app = Fastify({ logger: false, pluginTimeout: 120_000 });
    try {
      await app.register(paymentsService, { config });
      const url = await app.listen({ host: '127.0.0.1', port: 0 });
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (withToken) headers['authorization'] = `Bearer ${await issuer.mint(demoCaller('A', 'admin'))}`;
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ query }),
      });
      const health = await fetch(`${url}/healthz`);
      return {
        status: response.status,
        body: (await response.json()) as { data?: unknown; errors?: unknown[] },
        health: health.status,
      };
    } finally {
      await app.close();
    }
  }

  it('answers GraphQL at /graphql for the configured issuer, with its health routes', async () => {
    const seen = await answer({}, '{ listPayments { items { id } } }');
    assert.equal(seen.status, 200);
    assert.deepEqual(seen.body.data, { listPayments: { items: [] } });
    assert.equal(seen.health, 200);
  });

  it('refuses a request without a token', async () => {
    const seen = await answer({}, '{ listPayments { items { id } } }', false);
    assert.equal(seen.status, 401);
  });

  it('hides introspection in production mode, as its config says', async () => {
    const development = await answer({}, '{ __schema { queryType { name } } }');
    assert.deepEqual(development.body.data, { __schema: { queryType: { name: 'Query' } } });
    const production = await answer({ ATRIUM_MODE: 'production' }, '{ __schema { queryType { name } } }');
    assert.equal(production.body.data ?? null, null);
    assert.ok((production.body.errors ?? []).length > 0);
  });
});
