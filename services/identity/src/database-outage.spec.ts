import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import {
  eventually,
  OidcSession,
  startPostgresServer,
  type LoginPage,
  type PostgresServer,
} from '@atrium/test-kit';
import { openIdentityDatabase } from './app.ts';
import { seedDemoIdentity } from './demo-data.ts';
import { startIdentity, type RunningIdentity } from './test-server.ts';
import { UserDirectory } from './user-directory.ts';

// A client must learn "try again shortly" within 5 s, whether the database refuses connections
// (stopped) or accepts them and never answers (SIGSTOP).
const ANSWER_WITHIN_MS = 5_000;

describe('identity while its PostgreSQL server is down', () => {
  let pgServer: PostgresServer;
  let identity: RunningIdentity;
  let refreshToken: string;
  // A browser that has not signed in yet, so it is shown the login form.
  const newBrowser = () =>
    OidcSession.discover({
      issuer: identity.issuer,
      redirectUri: identity.redirectUri,
      username: 'userTenantA',
      password: 'demo-password',
    });

  before(async () => {
    pgServer = await startPostgresServer();
    identity = await startIdentity({ DATABASE_URL: pgServer.url, ATRIUM_DEMO: 'false' });
    const db = await openIdentityDatabase(identity.config);
    await seedDemoIdentity(db, new UserDirectory(db));
    await db.close();
    refreshToken = (await (await newBrowser()).login()).refresh_token as string;
  });
  after(async () => {
    await identity.stop();
    await pgServer.stop();
  });

  const timed = async (work: () => Promise<Response>): Promise<Response> => {
    const started = performance.now();
    const response = await work();
    const elapsed = performance.now() - started;
    assert.ok(elapsed < ANSWER_WITHIN_MS, `${response.url}: answered in ${Math.round(elapsed)} ms`);
    return response;
  };
  const refresh = (token: string) =>
    fetch(`${identity.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: token,
        client_id: 'atrium-shell',
      }).toString(),
    });

  async function assertUnavailable(browser: OidcSession, loginPage: LoginPage): Promise<void> {
    const token = await timed(() => refresh(refreshToken));
    assert.equal(token.status, 503, await token.clone().text());
    assert.ok(Number(token.headers.get('retry-after')) > 0, 'Retry-After on the token endpoint');
    assert.equal(((await token.json()) as { error: string }).error, 'temporarily_unavailable');

    const page = await timed(() => browser.fetch(loginPage.url, { headers: { accept: 'text/html' } }));
    assert.equal(page.status, 503);
    assert.ok(Number(page.headers.get('retry-after')) > 0, 'Retry-After on the login page');
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(await page.text(), /temporarily unavailable/i, 'a page a person can read');

    const posted = await timed(() => {
      const action = /<form method="post" action="([^"]+)"/.exec(loginPage.html)?.[1] ?? '';
      const csrf = /name="csrf" value="([^"]+)"/.exec(loginPage.html)?.[1] ?? '';
      return browser.fetch(new URL(action.replace(/&amp;/g, '&'), loginPage.url).href, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        body: new URLSearchParams({ csrf, username: 'userTenantA', password: 'demo-password' }).toString(),
      });
    });
    assert.equal(posted.status, 503, 'the sign-in form post');
    assert.ok(Number(posted.headers.get('retry-after')) > 0);
    assert.match(await posted.text(), /temporarily unavailable/i);

    // A new sign-in: the provider cannot store its interaction, and tells the shell so (RFC 6749 4.1.2.1).
    const fresh = await newBrowser();
    const authorizeUrl = client.buildAuthorizationUrl(fresh.config, {
      redirect_uri: identity.redirectUri,
      scope: 'openid',
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
      state: 'outage',
    });
    const authorize = await timed(() => fresh.fetch(authorizeUrl.href, { headers: { accept: 'text/html' } }));
    assert.equal(authorize.status, 303);
    const back = new URL(authorize.headers.get('location') ?? '', identity.issuer);
    assert.equal(`${back.origin}${back.pathname}`, identity.redirectUri, 'back to the shell');
    assert.equal(back.searchParams.get('error'), 'temporarily_unavailable');
    assert.equal(back.searchParams.get('state'), 'outage');

    const ready = await timed(() => fetch(`${identity.issuer}/readyz`));
    assert.equal(ready.status, 503);
    assert.ok(Number(ready.headers.get('retry-after')) > 0);
  }

  async function assertRecovered(): Promise<void> {
    const ready = await eventually(async () => (await fetch(`${identity.issuer}/readyz`)).ok, 30_000);
    assert.ok(ready, 'ready again without a restart');
    const token = await refresh(refreshToken);
    assert.equal(token.status, 200, await token.clone().text());
    refreshToken = ((await token.json()) as { refresh_token: string }).refresh_token;
  }

  test('stopped: refresh and login pages answer 503 + Retry-After at once; it recovers by itself', async () => {
    const browser = await newBrowser();
    const { page } = await browser.start();
    assert.equal(page.status, 200, 'the login page before the outage');
    await pgServer.faults.stop();
    try {
      await assertUnavailable(browser, page);
    } finally {
      await pgServer.faults.start();
    }
    await assertRecovered();
  });

  test('hung (SIGSTOP): refresh, login pages and readyz answer 503 + Retry-After within 5 s', async () => {
    const browser = await newBrowser();
    const { page } = await browser.start();
    assert.equal(page.status, 200, 'the login page before the outage');
    await pgServer.faults.freeze();
    try {
      await assertUnavailable(browser, page);
    } finally {
      await pgServer.faults.thaw();
    }
    await assertRecovered();
  });
});
