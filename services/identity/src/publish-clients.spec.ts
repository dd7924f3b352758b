import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Database } from '@atrium/postgres';
import { createVerifier } from '@atrium/auth';
import { freePort, makeTempDir } from '@atrium/test-kit';
import identityApp, { openIdentityDatabase } from './app.ts';
import { loadConfig, type IdentityConfig } from './config.ts';
import { grantPublisher, listPublishers, revokePublisher } from './publish-clients.ts';

let dataDir: string;
let config: IdentityConfig;
let db: Database;
let app: FastifyInstance;
let secret: string;

before(async () => {
  const port = await freePort();
  dataDir = await makeTempDir('identity-publishers');
  config = loadConfig({ PORT: String(port), ATRIUM_DATA_DIR: dataDir, ATRIUM_DEMO: 'true' });
  db = await openIdentityDatabase(config);
  // The operator's grant (what `npm run atrium -- publisher grant` does), made before and while serving.
  secret = await grantPublisher(db, 'ci-reports', ['reports', 'ledger'], [config.shellClientId]);
  app = Fastify({ logger: false, pluginTimeout: 60_000 });
  await app.register(identityApp, { prefix: config.basePath, config, db });
  await app.listen({ port, host: '127.0.0.1' });
});

after(async () => {
  await app.close();
  await db.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function tokenRequest(
  clientId: string,
  clientSecret: string,
  scope: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${config.issuer}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const verifier = () => createVerifier({ issuer: config.issuer, audience: config.audience });

test("a granted publisher's token carries the scopes of its own micro-frontends only, and the APIs' verifier reads them", async () => {
  const answer = await tokenRequest('ci-reports', secret, 'mfe:publish:reports mfe:publish:payments');
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  assert.equal(answer.body['scope'], 'mfe:publish:reports');
  const verified = await verifier().verifyPlatformToken(String(answer.body['access_token']));
  assert.deepEqual(verified.scopes, ['mfe:publish:reports']);
  assert.equal(verified.clientId, 'ci-reports');
  assert.equal(verified.caller.userId, 'ci-reports');
  assert.deepEqual(verified.caller.roles, []);
  // Nothing it was not granted, however it asks.
  const other = await tokenRequest('ci-reports', secret, 'mfe:publish:payments');
  assert.equal(other.body['scope'], undefined);
  assert.deepEqual((await verifier().verifyPlatformToken(String(other.body['access_token']))).scopes, []);
});

test('a wrong secret, the shell client and a revoked publisher get no token', async () => {
  assert.equal((await tokenRequest('ci-reports', 'wrong', 'mfe:publish:reports')).status, 401);
  const shell = await tokenRequest(config.shellClientId, 'x', 'mfe:publish:reports');
  assert.ok(shell.status >= 400, JSON.stringify(shell.body));
  const second = await grantPublisher(db, 'ci-ledger', ['ledger'], [config.shellClientId]);
  assert.equal((await tokenRequest('ci-ledger', second, 'mfe:publish:ledger')).status, 200);
  assert.deepEqual(
    (await listPublishers(db)).map((p) => [p.clientId, p.microFrontends]),
    [
      ['ci-ledger', ['ledger']],
      ['ci-reports', ['reports', 'ledger']],
    ],
  );
  assert.equal(await revokePublisher(db, 'ci-ledger'), true);
  const revoked = await tokenRequest('ci-ledger', second, 'mfe:publish:ledger');
  assert.equal(revoked.status, 401);
  assert.equal(revoked.body['error'], 'invalid_client');
});

test('an operator cannot grant under the shell client id or with bad names', async () => {
  await assert.rejects(
    grantPublisher(db, config.shellClientId, ['reports'], [config.shellClientId]),
    /built-in/,
  );
  await assert.rejects(grantPublisher(db, 'ci-x', ['Bad Name'], [config.shellClientId]), /bad: Bad Name/);
  await assert.rejects(grantPublisher(db, 'ci-x', [], [config.shellClientId]), /none given/);
});
