import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import * as client from 'openid-client';
import { OidcSession } from '@atrium/test-kit';
import { startIdentity, type RunningIdentity } from './test-server.ts';

const run = promisify(execFile);
let identity: RunningIdentity;
const tokens = new Map<string, string>();

async function login(username: string, password = 'demo-password') {
  const rp = await OidcSession.discover({
    issuer: identity.issuer,
    redirectUri: identity.redirectUri,
    username,
    password,
  });
  return { rp, tokens: await rp.login() };
}

async function tokenOf(username: string): Promise<string> {
  if (!tokens.has(username)) tokens.set(username, (await login(username)).tokens.access_token);
  return tokens.get(username) as string;
}

async function api(as: string | undefined, method: string, path: string, body?: unknown) {
  const headers: Record<string, string> = {};
  if (as !== undefined) headers['authorization'] = `Bearer ${await tokenOf(as)}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${identity.issuer}/admin${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? undefined : JSON.parse(text),
  };
}

const userCount = async () => (await api('operator', 'GET', '/users')).body.items.length as number;

before(async () => {
  identity = await startIdentity();
});
after(() => identity.stop());

describe('the admin API', () => {
  test('refuses a missing token with 401 and a challenge', async () => {
    const response = await api(undefined, 'GET', '/users');
    assert.equal(response.status, 401);
    assert.equal(response.body.code, 'missing_token');
    assert.match(response.headers.get('www-authenticate') ?? '', /^Bearer/);
    assert.match(response.headers.get('content-type') ?? '', /application\/problem\+json/);
  });

  test('refuses members, approvers and viewers', async () => {
    for (const user of ['userTenantA', 'approverTenantA', 'viewerTenantA']) {
      const response = await api(user, 'GET', '/users');
      assert.equal(response.status, 403, user);
      assert.equal(response.body.code, 'forbidden');
    }
  });

  test('a tenant admin sees only their own tenant, whatever they ask for', async () => {
    const own = await api('adminTenantA', 'GET', '/users');
    assert.equal(own.status, 200);
    assert.ok(own.body.items.length >= 4);
    assert.ok(own.body.items.every((u: { tenantId: string }) => u.tenantId === 'TenantA'));
    const other = await api('adminTenantA', 'GET', '/users?tenantId=TenantB');
    assert.equal(other.status, 403);
    assert.equal((await api('adminTenantA', 'GET', '/tenants')).status, 403);
  });

  test('a tenant admin cannot create users in another tenant, nor operators', async () => {
    const before = await userCount();
    const foreign = await api('adminTenantA', 'POST', '/users', {
      username: 'sneaky',
      email: 'sneaky@example.com',
      password: 'a long enough password',
      tenantId: 'TenantB',
      roles: ['admin'],
    });
    assert.equal(foreign.status, 403);
    const operator = await api('adminTenantA', 'POST', '/users', {
      username: 'sneaky',
      email: 'sneaky@example.com',
      password: 'a long enough password',
      roles: ['operator'],
    });
    assert.equal(operator.status, 403);
    assert.equal(await userCount(), before, 'nothing was created');
  });

  test("a tenant admin cannot disable or re-password another tenant's user (404)", async () => {
    const b = (await api('operator', 'GET', '/users?tenantId=TenantB')).body.items[0];
    assert.equal((await api('adminTenantA', 'POST', `/users/${b.id}/disable`)).status, 404);
    assert.equal(
      (await api('adminTenantA', 'PUT', `/users/${b.id}/password`, { password: 'another long password' }))
        .status,
      404,
    );
  });

  test('bad input gets a clear error and changes nothing', async () => {
    const before = await userCount();
    const base = {
      username: 'newperson',
      email: 'new@example.com',
      password: 'a long enough password',
      roles: ['member'],
    };
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ ...base, username: 'userTenantA' }, 409, 'duplicate_username'],
      [{ ...base, username: 'USERTENANTA' }, 409, 'duplicate_username'],
      [{ ...base, password: 'short' }, 400, 'weak_password'],
      [{ ...base, password: 'newperson-and-more' }, 400, 'weak_password'],
      [{ ...base, roles: ['superuser'] }, 400, 'unknown_role'],
      [{ ...base, roles: [] }, 400, 'validation_failed'],
      [{ ...base, email: 'not-an-email' }, 400, 'validation_failed'],
      [{ ...base, username: 'a b' }, 400, 'validation_failed'],
      [{ ...base, tenantId: 'NoSuchTenant' }, 404, 'unknown_tenant'],
      [{ ...base, isAdmin: true }, 400, 'validation_failed'],
    ];
    for (const [body, status, code] of cases) {
      const response = await api('operator', 'POST', '/users', { tenantId: 'TenantA', ...body });
      assert.equal(response.status, status, JSON.stringify(body));
      assert.equal(response.body.code, code, JSON.stringify(response.body));
      assert.equal(typeof response.body.detail, 'string');
    }
    const tenant = await api('operator', 'POST', '/tenants', { id: 'TenantA', name: 'Again' });
    assert.equal(tenant.status, 409);
    assert.equal(tenant.body.code, 'duplicate_tenant');
    assert.equal(await userCount(), before);
  });

  test('an operator creates a tenant and its admin, who then manages it', async () => {
    assert.equal(
      (await api('operator', 'POST', '/tenants', { id: 'TenantC', name: 'Tenant C' })).status,
      201,
    );
    const created = await api('operator', 'POST', '/users', {
      username: 'adminTenantC',
      email: 'admin@c.example',
      password: 'a long enough password',
      tenantId: 'TenantC',
      roles: ['admin'],
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.tenantName, 'Tenant C');
    assert.equal(created.body.password_hash, undefined);
    const { tokens: t } = await login('adminTenantC', 'a long enough password');
    const member = await fetch(`${identity.issuer}/admin/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        username: 'memberC',
        email: 'm@c.example',
        password: 'a long enough password',
        roles: ['member'],
      }),
    });
    assert.equal(member.status, 201);
    assert.equal(((await member.json()) as { tenantId: string }).tenantId, 'TenantC');
  });

  test('a disabled user cannot log in or refresh, and their refresh tokens are revoked', async () => {
    const created = await api('adminTenantA', 'POST', '/users', {
      username: 'leavingSoon',
      email: 'leaving@example.com',
      password: 'a long enough password',
      roles: ['viewer'],
    });
    assert.equal(created.status, 201);
    const { rp, tokens: t } = await login('leavingSoon', 'a long enough password');
    assert.equal(
      (await api('adminTenantA', 'POST', `/users/${created.body.id}/disable`)).body.disabled,
      true,
    );
    await assert.rejects(
      client.refreshTokenGrant(rp.config, t.refresh_token as string),
      (error: { error?: string }) => error.error === 'invalid_grant',
    );
    const fresh = await OidcSession.discover({
      issuer: identity.issuer,
      redirectUri: identity.redirectUri,
      username: 'x',
      password: 'y',
    });
    const { page } = await fresh.start();
    const result = await fresh.submit(page, 'leavingSoon', 'a long enough password');
    assert.equal(result.page?.status, 401);
    assert.match(result.page?.html ?? '', /Incorrect username or password/);
    // Enabled again, the same password works.
    await api('adminTenantA', 'POST', `/users/${created.body.id}/enable`);
    assert.ok((await login('leavingSoon', 'a long enough password')).tokens.access_token);
  });

  test('an admin cannot disable themself', async () => {
    const me = (await api('adminTenantB', 'GET', '/users')).body.items.find(
      (u: { username: string }) => u.username === 'adminTenantB',
    );
    assert.equal((await api('adminTenantB', 'POST', `/users/${me.id}/disable`)).status, 403);
  });
});

describe('the admin API judges the caller by the database, not only by the token', () => {
  async function newUser(username: string, roles: string[]): Promise<{ id: string }> {
    const created = await api('adminTenantA', 'POST', '/users', {
      username,
      email: `${username.toLowerCase()}@example.com`,
      password: 'a long enough password',
      roles,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body;
  }

  async function asToken(token: string, method: string, path: string, body?: unknown) {
    const response = await fetch(`${identity.issuer}/admin${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  }

  test('a disabled admin can neither re-enable themself nor reset a colleague with their old token', async () => {
    const leaving = await newUser('adminLeaving', ['admin']);
    const colleague = await newUser('colleagueStays', ['member']);
    const { tokens: t } = await login('adminLeaving', 'a long enough password');
    assert.equal((await asToken(t.access_token, 'GET', '/users')).status, 200, 'the token works at first');
    assert.equal((await api('adminTenantA', 'POST', `/users/${leaving.id}/disable`)).status, 200);

    const enable = await asToken(t.access_token, 'POST', `/users/${leaving.id}/enable`);
    assert.equal(enable.status, 401);
    assert.equal(enable.body.code, 'token_revoked');
    const reset = await asToken(t.access_token, 'PUT', `/users/${colleague.id}/password`, {
      password: 'the attacker chose this',
    });
    assert.equal(reset.status, 401);
    assert.equal(reset.body.code, 'token_revoked');

    const users = (await api('adminTenantA', 'GET', '/users')).body.items as Array<{
      id: string;
      disabled: boolean;
    }>;
    assert.equal(users.find((u) => u.id === leaving.id)?.disabled, true, 'still disabled');
    assert.ok((await login('colleagueStays', 'a long enough password')).tokens.access_token, 'password kept');
  });

  test('an admin cannot enable themself', async () => {
    const me = (await api('adminTenantB', 'GET', '/users')).body.items.find(
      (u: { username: string }) => u.username === 'adminTenantB',
    );
    const response = await api('adminTenantB', 'POST', `/users/${me.id}/enable`);
    assert.equal(response.status, 403);
    assert.equal(response.body.code, 'forbidden');
  });

  test("a password reset ends the user's refresh tokens and refuses their earlier access token", async () => {
    const resetAdmin = await newUser('adminReset', ['admin']);
    const { rp, tokens: t } = await login('adminReset', 'a long enough password');
    const reset = await api('adminTenantA', 'PUT', `/users/${resetAdmin.id}/password`, {
      password: 'a brand new long password',
    });
    assert.equal(reset.status, 204);
    await assert.rejects(
      client.refreshTokenGrant(rp.config, t.refresh_token as string),
      (error: { error?: string }) => error.error === 'invalid_grant',
    );
    const old = await asToken(t.access_token, 'GET', '/users');
    assert.equal(old.status, 401);
    assert.equal(old.body.code, 'token_revoked');
  });

  test('GET /auth/revocations lists the recent revocations, never cached', async () => {
    const gone = await newUser('goneSoon', ['viewer']);
    const before = Date.now();
    assert.equal((await api('adminTenantA', 'POST', `/users/${gone.id}/disable`)).status, 200);
    const response = await fetch(`${identity.issuer}/revocations`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const body = (await response.json()) as { items: Array<{ sub: string; revokedAt: string }> };
    const entry = body.items.find((item) => item.sub === gone.id);
    assert.ok(entry, 'the disabled user is listed');
    assert.ok(Date.parse(entry.revokedAt) >= before - 1000, entry.revokedAt);
  });
});

describe('the CLI', () => {
  test('creates users who can log in, and refuses bad input with a coded error', async () => {
    // The running server holds the embedded database: the CLI must say so, not corrupt it.
    const env = {
      ...process.env,
      ATRIUM_DATA_DIR: identity.config.dataDir,
      PORT: String(identity.config.port),
    };
    const cli = ['services/identity/src/cli.ts'];
    await assert.rejects(
      run(process.execPath, [...cli, 'tenant', 'list'], {
        env,
        cwd: new URL('../../../', import.meta.url).pathname,
      }),
      (error: { stderr: string; code: number }) => error.code === 2 && /in use by process/.test(error.stderr),
    );
    await identity.stop({ keepData: true });
    const cwd = new URL('../../../', import.meta.url).pathname;
    await run(process.execPath, [...cli, 'tenant', 'create', '--id', 'TenantD', '--name', 'Tenant D'], {
      env,
      cwd,
    });
    await run(
      process.execPath,
      [
        ...cli,
        'user',
        'create',
        '--tenant',
        'TenantD',
        '--username',
        'dora',
        '--email',
        'dora@d.example',
        '--role',
        'member',
        '--password',
        'a long enough password',
      ],
      { env, cwd },
    );
    await assert.rejects(
      run(
        process.execPath,
        [
          ...cli,
          'user',
          'create',
          '--tenant',
          'TenantD',
          '--username',
          'dora',
          '--email',
          'x@d.example',
          '--role',
          'member',
          '--password',
          'another long password',
        ],
        { env, cwd },
      ),
      (error: { stderr: string; code: number }) =>
        error.code === 2 && /duplicate_username/.test(error.stderr),
    );
    await assert.rejects(
      run(
        process.execPath,
        [
          ...cli,
          'user',
          'create',
          '--tenant',
          'TenantD',
          '--username',
          'zed',
          '--email',
          'z@d.example',
          '--role',
          'chief',
          '--password',
          'another long password',
        ],
        { env, cwd },
      ),
      (error: { stderr: string }) => /unknown_role/.test(error.stderr),
    );
    const { stdout } = await run(process.execPath, [...cli, 'user', 'list', '--tenant', 'TenantD'], {
      env,
      cwd,
    });
    assert.match(stdout, /dora\s+TenantD\s+member\s+active/);
    assert.doesNotMatch(stdout, /zed/);

    identity = await startIdentity({
      ATRIUM_DATA_DIR: identity.config.dataDir,
      PORT: String(identity.config.port),
    });
    tokens.clear();
    const { tokens: t } = await login('dora', 'a long enough password');
    assert.equal(t.claims()?.['custom:tenantId'], 'TenantD');
  });
});
