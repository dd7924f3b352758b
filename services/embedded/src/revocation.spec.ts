import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { createClient, type Client } from 'graphql-ws';
import * as oidc from 'openid-client';
import WebSocket from 'ws';
import { eventually, freePort, makeTempDir, OidcSession } from '@atrium/test-kit';
import { createEmbeddedServer, type EmbeddedServer } from './app.ts';
import { loadConfig } from './config.ts';

// Disabling a user or resetting their password takes effect at every API within the revocation
// poll (REVOCATION_POLL_MS, 200 ms here), not when the user's access token expires (15 min).

const POLL_MS = 200;
const PASSWORD = 'a long enough password';
let dataDir: string;
let server: EmbeddedServer;
let base: string;
let adminToken: string;
let payerToken: string;

async function signIn(username: string, password = PASSWORD) {
  const session = await OidcSession.discover({
    issuer: `${base}/auth`,
    redirectUri: `${base}/callback`,
    username,
    password,
  });
  return { session, tokens: await session.login() };
}

async function admin(method: string, path: string, body?: unknown) {
  const response = await fetch(`${base}/auth/admin${path}`, {
    method,
    headers: {
      authorization: `Bearer ${adminToken}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${await response.clone().text()}`);
  return response.status === 204 ? undefined : ((await response.json()) as { id: string });
}

const createUser = async (username: string) =>
  (await admin('POST', '/users', {
    username,
    email: `${username.toLowerCase()}@example.com`,
    password: PASSWORD,
    roles: ['member'],
  })) as { id: string };

/** The accounts API's and the payments API's answers to a token: status and machine-readable code. */
async function accountsAnswer(token: string): Promise<{ status: number; code: unknown }> {
  const response = await fetch(`${base}/api/accounts`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await response.json()) as { code?: unknown };
  return { status: response.status, code: body.code };
}

async function paymentsAnswer(token: string): Promise<{ status: number; code: unknown }> {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ listPayments(limit: 1) { items { id } } }' }),
  });
  const body = (await response.json()) as { errors?: Array<{ extensions?: { reason?: unknown } }> };
  return { status: response.status, code: body.errors?.[0]?.extensions?.reason };
}

async function createPayment(message: string): Promise<void> {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${payerToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'mutation($input: CreatePaymentInput!) { createPayment(input: $input) { id } }',
      variables: {
        input: {
          amount: 10,
          currency: 'DKK',
          dueDate: '2027-02-01T00:00:00.000Z',
          from_account: 'DK5000400440116243',
          to_account: 'PAYEE001',
          message,
          type: 'DOMESTIC',
        },
      },
    }),
  });
  const body = (await response.json()) as { errors?: unknown };
  assert.equal(body.errors, undefined, JSON.stringify(body.errors));
}

/** A subscription to the tenant's new payments, recording what arrives and how the socket ends. */
function subscribeToPayments(token: string) {
  const received: string[] = [];
  const state: { closedWith?: { code: number; reason: string }; acknowledged: boolean } = {
    acknowledged: false,
  };
  const client: Client = createClient({
    url: `${base.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    on: {
      connected: () => (state.acknowledged = true),
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string };
        state.closedWith = { code, reason };
      },
    },
  });
  client.subscribe(
    { query: 'subscription { onCreatePayment { message } }' },
    {
      next: (result) =>
        received.push((result.data as { onCreatePayment: { message: string } }).onCreatePayment.message),
      error: () => undefined,
      complete: () => undefined,
    },
  );
  return { received, state, close: () => client.dispose() };
}

/** Waits, generously (a loaded 2-core machine), for a condition; the bound under test is the poll. */
async function until(condition: () => Promise<boolean> | boolean, what: string): Promise<void> {
  assert.ok(await eventually(async () => condition(), 30_000), `timed out waiting until ${what}`);
}

before(async () => {
  dataDir = await makeTempDir('embedded-revocation');
  const port = await freePort();
  base = `http://localhost:${port}`;
  const env = {
    PORT: String(port),
    ATRIUM_DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    REVOCATION_POLL_MS: String(POLL_MS),
  };
  server = await createEmbeddedServer(loadConfig(env), env);
  await server.app.listen({ port, host: '127.0.0.1' });
  adminToken = (await signIn('adminTenantA', 'demo-password')).tokens.access_token;
  payerToken = (await signIn('userTenantA', 'demo-password')).tokens.access_token;
});
after(async () => {
  await server.app.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('revoking a user takes effect at every API within the revocation poll', () => {
  test('the APIs poll the issuer every 200 ms in this test', () => {
    assert.equal(server.revocations.intervalMs, POLL_MS);
  });

  test('a disabled user is refused by both APIs and their open subscription is closed', async () => {
    const leaver = await createUser('leaverA');
    const { tokens } = await signIn('leaverA');
    const token = tokens.access_token;
    assert.equal((await accountsAnswer(token)).status, 200);
    assert.equal((await paymentsAnswer(token)).status, 200);
    const live = subscribeToPayments(token);
    await until(() => live.state.acknowledged, 'the subscription is acknowledged');
    // The subscription works before the disable: wait for a payment to arrive through it.
    await until(async () => {
      await createPayment('before');
      return live.received.includes('before');
    }, 'a payment reaches the subscription');

    await admin('POST', `/users/${leaver.id}/disable`);

    await until(
      async () => (await accountsAnswer(token)).code === 'token_revoked',
      'the accounts API refuses',
    );
    assert.deepEqual(await accountsAnswer(token), { status: 401, code: 'token_revoked' });
    await until(
      async () => (await paymentsAnswer(token)).code === 'token_revoked',
      'the payments API refuses',
    );
    assert.deepEqual(await paymentsAnswer(token), { status: 401, code: 'token_revoked' });
    await until(() => live.state.closedWith !== undefined, 'the socket is closed');
    assert.equal(live.state.closedWith?.code, 4403);
    assert.match(live.state.closedWith?.reason ?? '', /revoked/i);

    const receivedBefore = live.received.length;
    await createPayment('after');
    // The payer's own subscription proves the payment was published before we look.
    const witness = subscribeToPayments(payerToken);
    await until(() => witness.state.acknowledged, 'the witness subscription is acknowledged');
    await until(async () => {
      await createPayment('after, witnessed');
      return witness.received.includes('after, witnessed');
    }, 'the witness receives a later payment');
    await witness.close();
    assert.equal(live.received.length, receivedBefore, 'nothing reached the revoked subscription');
    await live.close();
  });

  test('a password reset ends the refresh token and refuses the access token at both APIs', async () => {
    const user = await createUser('resetA');
    const { session, tokens } = await signIn('resetA');
    assert.equal((await accountsAnswer(tokens.access_token)).status, 200);

    await admin('PUT', `/users/${user.id}/password`, { password: 'a brand new long password' });

    await assert.rejects(
      oidc.refreshTokenGrant(session.config, tokens.refresh_token as string),
      (error: { error?: string }) => error.error === 'invalid_grant',
    );
    await until(
      async () => (await accountsAnswer(tokens.access_token)).code === 'token_revoked',
      'the accounts API refuses',
    );
    await until(
      async () => (await paymentsAnswer(tokens.access_token)).code === 'token_revoked',
      'the payments API refuses',
    );
    assert.equal((await accountsAnswer(tokens.access_token)).status, 401);
    assert.equal((await paymentsAnswer(tokens.access_token)).status, 401);
    // The new password signs in, and its token works (once past the revocation's second).
    await until(async () => {
      const answer = await fetch(`${base}/auth/revocations`);
      const { items } = (await answer.json()) as { items: Array<{ sub: string; revokedAt: string }> };
      const entry = items.find((item) => item.sub === user.id);
      return entry !== undefined && Date.now() >= Date.parse(entry.revokedAt) + 1000;
    }, 'a second has passed since the revocation');
    const again = await signIn('resetA', 'a brand new long password');
    assert.equal((await accountsAnswer(again.tokens.access_token)).status, 200);
    assert.equal((await paymentsAnswer(again.tokens.access_token)).status, 200);
  });

  test('a user enabled again signs in anew and is served', async () => {
    const user = await createUser('returnerA');
    await admin('POST', `/users/${user.id}/disable`);
    await admin('POST', `/users/${user.id}/enable`);
    // iat has one-second granularity: a token from the revocation's own second is refused too.
    await until(async () => {
      const answer = await fetch(`${base}/auth/revocations`);
      const { items } = (await answer.json()) as { items: Array<{ sub: string; revokedAt: string }> };
      const entry = items.find((item) => item.sub === user.id);
      return entry !== undefined && Date.now() >= Date.parse(entry.revokedAt) + 1000;
    }, 'a second has passed since the revocation');
    const { tokens } = await signIn('returnerA');
    // Give the APIs a few polls to have seen the revocation: the fresh token must still pass.
    await until(() => server.revocations.isRevoked(user.id, 0), 'the APIs know the revocation');
    assert.equal((await accountsAnswer(tokens.access_token)).status, 200);
    assert.equal((await paymentsAnswer(tokens.access_token)).status, 200);
  });
});
