import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import { decodeProtectedHeader } from 'jose';
import { createVerifier } from '@atrium/auth';
import { eventually, OidcSession, startPostgresServer, type RunningServer } from '@atrium/test-kit';
import { openIdentityDatabase } from './app.ts';
import { loadConfig } from './config.ts';
import { seedDemoIdentity } from './demo-data.ts';
import { rotateSigningKey } from './signing-keys.ts';
import { startIdentity } from './test-server.ts';
import { UserDirectory } from './user-directory.ts';

const kidsOf = async (issuer: string) =>
  ((await (await fetch(`${issuer}/jwks`)).json()) as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid);

describe('embedded data across restarts', () => {
  test('a restart logs nobody out and re-seeds nothing; a rotated key keeps old tokens valid', async () => {
    let identity = await startIdentity();
    // A short publish window (ADR 0008), so the rotated key signs within the test.
    const env = {
      ATRIUM_DATA_DIR: identity.config.dataDir,
      PORT: String(identity.config.port),
      KEY_RELOAD_MS: '200',
      KEY_PUBLISH_WINDOW_SECONDS: '1',
    };
    try {
      const rp = await OidcSession.discover({
        issuer: identity.issuer,
        redirectUri: identity.redirectUri,
        username: 'userTenantA',
        password: 'demo-password',
      });
      const first = await rp.login();
      const [oldKid] = await kidsOf(identity.issuer);

      await identity.stop({ keepData: true });
      // Between the two runs: an operator rotates the signing key.
      const config = loadConfig(env);
      const db = await openIdentityDatabase(config);
      const newKid = await rotateSigningKey(db);
      const usersBefore = (await new UserDirectory(db).listUsers(undefined)).length;
      await db.close();

      identity = await startIdentity(env);
      assert.deepEqual(
        (await kidsOf(identity.issuer)).sort(),
        [newKid, oldKid].sort(),
        'both keys published',
      );
      assert.ok(
        await eventually(async () => (await kidsOf(identity.issuer))[0] === newKid, 30_000),
        'the new key signs once its publish window has passed',
      );

      // The session cookie still signs the user in without the form.
      const { url } = await rp.follow(
        client.buildAuthorizationUrl(rp.config, {
          redirect_uri: identity.redirectUri,
          scope: 'openid',
          code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
          code_challenge_method: 'S256',
        }).href,
      );
      assert.ok(url.startsWith(identity.redirectUri), `went straight back to the shell: ${url}`);

      // The refresh token from before the restart still works, and new tokens use the new key.
      const refreshed = await client.refreshTokenGrant(rp.config, first.refresh_token as string);
      assert.equal(decodeProtectedHeader(refreshed.access_token).kid, newKid);
      const verifier = createVerifier({ issuer: identity.issuer, audience: 'atrium-api' });
      assert.equal(
        (await verifier.verify(first.access_token)).username,
        'userTenantA',
        'old-key token still valid',
      );
      assert.equal((await verifier.verify(refreshed.access_token)).username, 'userTenantA');

      const check = await openIdentityDatabase(config).catch((error: Error) => error);
      assert.ok(check instanceof Error, 'the running server holds the embedded database');
      await identity.stop({ keepData: true });
      const db2 = await openIdentityDatabase(config);
      assert.equal(
        (await new UserDirectory(db2).listUsers(undefined)).length,
        usersBefore,
        'nothing re-seeded',
      );
      await db2.close();
      identity = await startIdentity(env);
    } finally {
      await identity.stop();
    }
  });
});

describe('two instances on one PostgreSQL server', () => {
  let server: RunningServer;
  before(async () => {
    server = await startPostgresServer();
  });
  after(() => server.stop());

  test('share sessions, refresh tokens and signing keys', async () => {
    const env = { DATABASE_URL: server.url, ATRIUM_DEMO: 'false' };
    const one = await startIdentity(env);
    // Both answer as one issuer (as behind a load balancer): the second gets the first's public URL.
    const two = await startIdentity({ ...env, ATRIUM_PUBLIC_URL: one.config.publicUrl });
    try {
      const db = await openIdentityDatabase(one.config);
      await seedDemoIdentity(db, new UserDirectory(db));
      await db.close();
      assert.deepEqual(await kidsOf(`http://127.0.0.1:${two.config.port}/auth`), await kidsOf(one.issuer));

      const rp = await OidcSession.discover({
        issuer: one.issuer,
        redirectUri: one.redirectUri,
        username: 'approverTenantB',
        password: 'demo-password',
      });
      const tokens = await rp.login();
      // The refresh goes to the other instance.
      const response = await fetch(`http://127.0.0.1:${two.config.port}/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: tokens.refresh_token as string,
          client_id: 'atrium-shell',
        }).toString(),
      });
      assert.equal(response.status, 200, await response.clone().text());
      const body = (await response.json()) as { access_token: string };
      const verifier = createVerifier({ issuer: one.issuer, audience: 'atrium-api' });
      assert.equal((await verifier.verify(body.access_token)).tenantId, 'TenantB');

      // The browser session made on instance one is known to instance two.
      const authorize = client.buildAuthorizationUrl(rp.config, {
        redirect_uri: one.redirectUri,
        scope: 'openid',
        code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
        code_challenge_method: 'S256',
      });
      authorize.port = String(two.config.port);
      const answer = await rp.fetch(authorize.href);
      assert.equal(answer.status, 303);
      assert.ok(
        (answer.headers.get('location') ?? '').startsWith(one.redirectUri),
        'no login form on instance two',
      );
    } finally {
      await two.stop();
      await one.stop();
    }
  });
});

describe('readiness on a PostgreSQL server', () => {
  test('readyz reports the database ok, then unavailable (503 + Retry-After) while the server is down', async () => {
    const server = await startPostgresServer();
    const identity = await startIdentity({ DATABASE_URL: server.url, ATRIUM_DEMO: 'false' });
    try {
      const up = await fetch(`${identity.issuer}/readyz`);
      assert.equal(up.status, 200);
      assert.deepEqual(await up.json(), { status: 'ready', checks: { database: 'ok' } });

      await server.stop();
      const down = await fetch(`${identity.issuer}/readyz`);
      assert.equal(down.status, 503);
      assert.equal(down.headers.get('retry-after'), '5');
      assert.deepEqual(await down.json(), { status: 'unavailable', checks: { database: 'down' } });
    } finally {
      await identity.stop();
      await server.stop();
    }
  });
});
