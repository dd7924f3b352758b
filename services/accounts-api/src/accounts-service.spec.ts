import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import Fastify from 'fastify';
import { demoCaller, makeTempDir, startTestIssuer, type TestIssuer } from '@atrium/test-kit';
import accountsService from './accounts-service.ts';
import { loadConfig } from './config.ts';
import { DEMO_ACCOUNTS } from './demo-data.ts';

// The accounts API mounted from its validated config alone, as the standalone and the embedded
// servers mount it: the prefix, the issuer, the data folder and the demo decision all come from it.

describe('the accounts service from its config', () => {
  let issuer: TestIssuer;
  const folders: string[] = [];

  before(async () => {
    issuer = await startTestIssuer();
  });
  after(async () => {
    await issuer.close();
    for (const folder of folders) await rm(folder, { recursive: true, force: true });
  });

  /** Starts the service on a port of its own with `env`; returns the tenant A admin's view of `path`. */
  async function accountsSeen(env: Record<string, string>, path: string) {
    const dataDir = await makeTempDir('accounts-service');
    folders.push(dataDir);
    const config = loadConfig({
      OIDC_ISSUER: issuer.issuer,
      OIDC_JWKS_URI: issuer.jwksUri,
      ATRIUM_DATA_DIR: dataDir,
      ...env,
    });
    const app = Fastify({ logger: false, pluginTimeout: 120_000 });
    try {
      await app.register(accountsService, { config });
      const url = await app.listen({ host: '127.0.0.1', port: 0 });
      const token = await issuer.mint(demoCaller('A', 'admin'));
      const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
      return { status: response.status, body: (await response.json()) as { items?: { nickname: string }[] } };
    } finally {
      await app.close();
    }
  }

  it('answers at its configured prefix with the demo accounts seeded by its own rule', async () => {
    const seen = await accountsSeen({ ACCOUNTS_PREFIX: '/books' }, '/books');
    assert.equal(seen.status, 200);
    assert.deepEqual(
      seen.body.items?.map((a) => a.nickname).sort(),
      DEMO_ACCOUNTS.TenantA.map((a) => a.nickname).sort(),
    );
  });

  it('seeds nothing when ATRIUM_DEMO=false', async () => {
    const seen = await accountsSeen({ ATRIUM_DEMO: 'false' }, '/api/accounts');
    assert.equal(seen.status, 200);
    assert.deepEqual(seen.body.items, []);
  });
});
