import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { createVerifier } from '@atrium/auth';
import { freePort, makeTempDir, OidcSession } from '@atrium/test-kit';
import { createEmbeddedServer, type EmbeddedServer } from './app.ts';
import { loadConfig } from './config.ts';

let dataDir: string;
let port: number;
let server: EmbeddedServer;
let base: string;

async function start(): Promise<void> {
  const env = { PORT: String(port), ATRIUM_DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
  server = await createEmbeddedServer(loadConfig(env), env);
  await server.app.listen({ port, host: '127.0.0.1' });
}

before(async () => {
  dataDir = await makeTempDir('embedded');
  port = await freePort();
  base = `http://localhost:${port}`;
  await start();
});
after(async () => {
  await server.app.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the embedded process', () => {
  test('serves the issuer at /auth and a demo user gets tokens with the Cognito claims', async () => {
    const discovery = (await (await fetch(`${base}/auth/.well-known/openid-configuration`)).json()) as {
      issuer: string;
    };
    assert.equal(discovery.issuer, `${base}/auth`);
    const rp = await OidcSession.discover({
      issuer: `${base}/auth`,
      redirectUri: `${base}/callback`,
      username: 'userTenantA',
      password: 'demo-password',
    });
    const { page } = await rp.start();
    assert.match(page.url, new RegExp(`^${base}/auth/interaction/`));
    assert.match(page.html, /<label for="username">Username<\/label>/);
    const tokens = await rp.login();
    const caller = await createVerifier({ issuer: `${base}/auth`, audience: 'atrium-api' }).verify(
      tokens.access_token,
    );
    assert.deepEqual(
      {
        tenantId: caller.tenantId,
        tenantName: caller.tenantName,
        roles: caller.roles,
        username: caller.username,
      },
      { tenantId: 'TenantA', tenantName: 'Tenant A', roles: ['member'], username: 'userTenantA' },
    );
    const id = tokens.claims();
    for (const claim of [
      'sub',
      'email',
      'cognito:username',
      'custom:tenantId',
      'custom:tenantName',
      'cognito:groups',
    ]) {
      assert.ok(id?.[claim] !== undefined, `ID token carries ${claim}`);
    }
  });

  test('serves the accounts API with demo accounts, each tenant seeing only its own', async () => {
    const listFor = async (username: string) => {
      const rp = await OidcSession.discover({
        issuer: `${base}/auth`,
        redirectUri: `${base}/callback`,
        username,
        password: 'demo-password',
      });
      const { access_token } = await rp.login();
      const response = await fetch(`${base}/api/accounts?limit=100`, {
        headers: { authorization: `Bearer ${access_token}` },
      });
      assert.equal(response.status, 200);
      return ((await response.json()) as { items: Array<{ tenant_id?: string; account_number: string }> })
        .items;
    };
    const a = await listFor('viewerTenantA');
    const b = await listFor('viewerTenantB');
    assert.ok(a.length > 0 && b.length > 0, 'demo accounts were seeded');
    const numbersA = new Set(a.map((x) => x.account_number));
    assert.ok(
      b.every((x) => !numbersA.has(x.account_number)),
      'no account of Tenant A is visible to Tenant B',
    );
    assert.equal((await fetch(`${base}/api/accounts`)).status, 401);
  });

  test("serves payments GraphQL at /graphql, scoped to the caller's tenant", async () => {
    const tokenFor = async (username: string) =>
      (
        await (
          await OidcSession.discover({
            issuer: `${base}/auth`,
            redirectUri: `${base}/callback`,
            username,
            password: 'demo-password',
          })
        ).login()
      ).access_token;
    const graphql = async (token: string, query: string, variables: Record<string, unknown> = {}) => {
      const response = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as {
        data?: {
          createPayment?: { id: string; tenantId: string };
          listPayments?: { items: Array<{ id: string }> };
        };
        errors?: unknown[];
      };
    };
    const a = await tokenFor('userTenantA');
    const created = await graphql(
      a,
      `
        mutation Create($input: CreatePaymentInput!) {
          createPayment(input: $input) {
            id
            tenantId
            amount
            currency
          }
        }
      `,
      {
        input: {
          amount: 125.5,
          currency: 'DKK',
          dueDate: '2027-01-15T00:00:00.000Z',
          // Tenant A's demo operating account: payments come from the tenant's own accounts.
          from_account: 'DK5000400440116243',
          to_account: '87654321',
          type: 'DOMESTIC',
          message: 'embedded test',
        },
      },
    );
    assert.equal(created.errors, undefined, JSON.stringify(created.errors));
    assert.equal(created.data?.createPayment?.tenantId, 'TenantA');
    const list = `query L($filter: ModelPaymentFilterInput) { listPayments(filter: $filter, limit: 50) { items { id } nextToken } }`;
    const mine = await graphql(a, list, { filter: { message: { eq: 'embedded test' } } });
    const id = created.data?.createPayment?.id;
    assert.ok(mine.data?.listPayments?.items.some((p) => p.id === id));
    const theirs = await graphql(await tokenFor('userTenantB'), list, { filter: null });
    assert.ok(theirs.data?.listPayments?.items.every((p) => p.id !== id));
  });

  test('answers health and readiness, and keeps unknown paths under /auth out of the shell', async () => {
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    const ready = await fetch(`${base}/readyz`);
    assert.equal(ready.status, 200);
    // Every service's dependencies, by service: what an operator reads when it is not ready.
    assert.deepEqual(await ready.json(), {
      status: 'ready',
      checks: { 'identity.database': 'ok', 'accounts.database': 'ok', 'payments.database': 'ok' },
    });
    assert.equal((await fetch(`${base}/auth/readyz`)).status, 200);
    assert.equal((await fetch(`${base}/api/accounts/readyz`)).status, 200);
    assert.equal((await fetch(`${base}/graphql/readyz`)).status, 200);
    const unknown = await fetch(`${base}/auth/no-such-endpoint`);
    assert.equal(unknown.status, 404);
    assert.doesNotMatch(unknown.headers.get('content-type') ?? '', /text\/html/);
  });

  test('a second start reuses the data: sessions survive and nothing is re-seeded', async () => {
    const rp = await OidcSession.discover({
      issuer: `${base}/auth`,
      redirectUri: `${base}/callback`,
      username: 'adminTenantB',
      password: 'demo-password',
    });
    const tokens = await rp.login();
    const users = async (token: string) =>
      (
        (await (
          await fetch(`${base}/auth/admin/users`, { headers: { authorization: `Bearer ${token}` } })
        ).json()) as {
          items: Array<{ username: string }>;
        }
      ).items.map((u) => u.username);
    const created = await fetch(`${base}/auth/admin/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        username: 'keptAcrossRestarts',
        email: 'kept@example.com',
        password: 'a long enough password',
        roles: ['viewer'],
      }),
    });
    assert.equal(created.status, 201);
    const before = await users(tokens.access_token);

    await server.app.close();
    await start();

    const refreshed = await fetch(`${base}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token as string,
        client_id: 'atrium-shell',
      }),
    });
    assert.equal(refreshed.status, 200);
    const { access_token } = (await refreshed.json()) as { access_token: string };
    assert.deepEqual(await users(access_token), before);
  });
});
