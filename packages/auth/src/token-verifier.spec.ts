import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSecretKey } from 'node:crypto';
import { base64url, SignJWT } from 'jose';
import { demoCaller, startTestIssuer, type TestIssuer } from '@atrium/test-kit';
import { AuthError } from './auth-error.ts';
import { authenticate, createVerifier, type TokenVerifier } from './token-verifier.ts';

let issuer: TestIssuer;
let verifier: TokenVerifier;

before(async () => {
  issuer = await startTestIssuer();
  verifier = createVerifier(issuer.verifierConfig());
});
after(() => issuer.close());

async function refused(token: string, code: AuthError['code']): Promise<void> {
  await assert.rejects(verifier.verify(token), (error: unknown) => {
    assert.ok(error instanceof AuthError, `expected AuthError, got ${String(error)}`);
    assert.equal(error.code, code, error.reason);
    assert.equal(error.status, 401);
    return true;
  });
}

function resign(
  token: string,
  mutate: (header: Record<string, unknown>, payload: Record<string, unknown>) => void,
) {
  const [h, p, s] = token.split('.') as [string, string, string];
  const header = JSON.parse(new TextDecoder().decode(base64url.decode(h)));
  const payload = JSON.parse(new TextDecoder().decode(base64url.decode(p)));
  mutate(header, payload);
  const enc = (v: unknown) => base64url.encode(JSON.stringify(v));
  return { header, payload, unsigned: `${enc(header)}.${enc(payload)}`, signature: s };
}

describe('a valid access token', () => {
  test('gives the typed caller context from the Cognito-named claims', async () => {
    const token = await issuer.mint(demoCaller('A', 'approver'));
    assert.deepEqual(await verifier.verify(token), {
      userId: 'sub-approverTenantA',
      username: 'approverTenantA',
      email: 'approvertenanta@example.test',
      tenantId: 'TenantA',
      tenantName: 'Tenant A',
      roles: ['approver'],
    });
  });

  test('drops unknown group names instead of trusting them as roles', async () => {
    const token = await issuer.mint({
      ...demoCaller('A', 'viewer'),
      roles: ['viewer', 'superuser' as 'viewer'],
    });
    assert.deepEqual((await verifier.verify(token)).roles, ['viewer']);
  });

  test('authenticate reads the Bearer header', async () => {
    const token = await issuer.mint(demoCaller('B', 'member'));
    assert.equal((await authenticate(verifier, `Bearer ${token}`)).tenantId, 'TenantB');
  });
});

describe('token verification refuses', () => {
  test('a missing Authorization header, with a bare challenge', async () => {
    await assert.rejects(authenticate(verifier, undefined), (e: AuthError) => {
      assert.equal(e.code, 'missing_token');
      assert.equal(e.wwwAuthenticate, 'Bearer realm="atrium"');
      return true;
    });
  });

  test('a non-Bearer scheme', async () => {
    await assert.rejects(
      authenticate(verifier, 'Basic dXNlcjpwYXNz'),
      (e: AuthError) => e.code === 'invalid_token',
    );
  });

  test('alg: none', async () => {
    const token = await issuer.mint(demoCaller('A', 'member'));
    const { unsigned } = resign(token, (header) => {
      header['alg'] = 'none';
    });
    await refused(`${unsigned}.`, 'invalid_token');
  });

  test('HS256 signed with the public key', async () => {
    const token = await issuer.mint(demoCaller('A', 'member'));
    const { payload } = resign(token, () => {});
    const secret = createSecretKey(Buffer.from(JSON.stringify(issuer.publicJwk)));
    const forged = await new SignJWT(payload)
      .setProtectedHeader({ alg: 'HS256', kid: issuer.publicJwk.kid as string, typ: 'at+jwt' })
      .sign(secret);
    await refused(forged, 'invalid_token');
  });

  test('an expired token', async () => {
    await refused(await issuer.mint(demoCaller('A', 'member'), { expiresInSeconds: -120 }), 'token_expired');
  });

  test('a token not yet valid', async () => {
    await refused(await issuer.mint(demoCaller('A', 'member'), { notBeforeSeconds: 600 }), 'invalid_token');
  });

  test('a wrong issuer', async () => {
    await refused(
      await issuer.mint(demoCaller('A', 'member'), { issuer: 'https://evil.example' }),
      'invalid_token',
    );
  });

  test('a wrong audience', async () => {
    await refused(await issuer.mint(demoCaller('A', 'member'), { audience: 'another-api' }), 'invalid_token');
  });

  test('an unknown kid', async () => {
    const token = await issuer.mint(demoCaller('A', 'member'));
    const { unsigned, signature } = resign(token, (header) => {
      header['kid'] = 'not-a-published-key';
    });
    await refused(`${unsigned}.${signature}`, 'invalid_token');
  });

  test('a tampered payload (tenant switched)', async () => {
    const token = await issuer.mint(demoCaller('A', 'member'));
    const { unsigned, signature } = resign(token, (_header, payload) => {
      payload['custom:tenantId'] = 'TenantB';
    });
    await refused(`${unsigned}.${signature}`, 'invalid_token');
  });

  test("another key pair's signature", async () => {
    await refused(await issuer.mint(demoCaller('A', 'member'), { foreignKey: true }), 'invalid_token');
  });

  test('a missing tenant claim', async () => {
    const { tenantId: _t, tenantName: _n, ...claims } = demoCaller('A', 'member');
    await refused(await issuer.mint(claims), 'missing_tenant');
  });

  test('an ID token where access tokens are expected', async () => {
    await refused(await issuer.mint(demoCaller('A', 'member'), { tokenUse: 'id' }), 'invalid_token');
  });

  test('an access token where ID tokens are expected (Cognito mode)', async () => {
    const idVerifier = createVerifier({ ...issuer.verifierConfig(), tokenUse: 'id' });
    await assert.rejects(idVerifier.verify(await issuer.mint(demoCaller('A', 'member'))), AuthError);
    const idToken = await issuer.mint(demoCaller('A', 'member'), { tokenUse: 'id' });
    assert.equal((await idVerifier.verify(idToken)).tenantId, 'TenantA');
  });
});

describe('access and ID tokens together (OIDC_TOKEN_USE=access,id)', () => {
  const clientId = 'atrium-shell';
  const both = (): TokenVerifier =>
    createVerifier({ ...issuer.verifierConfig(), tokenUse: ['access', 'id'], idTokenAudience: clientId });

  async function refusedBy(subject: TokenVerifier, token: string, reason: RegExp): Promise<void> {
    await assert.rejects(subject.verify(token), (error: unknown) => {
      assert.ok(error instanceof AuthError, `expected AuthError, got ${String(error)}`);
      assert.equal(error.code, 'invalid_token');
      assert.match(String(error.reason), reason);
      return true;
    });
  }

  test("an ID token for the client id and an access token for the API's audience both pass", async () => {
    const idToken = await issuer.mint(demoCaller('A', 'member'), { tokenUse: 'id', audience: clientId });
    const accessToken = await issuer.mint(demoCaller('B', 'admin'));
    assert.equal((await both().verify(idToken)).tenantId, 'TenantA');
    assert.equal((await both().verify(accessToken)).tenantId, 'TenantB');
  });

  test("an ID token for the API's audience, or an access token for the client id, is refused", async () => {
    const idForApi = await issuer.mint(demoCaller('A', 'member'), { tokenUse: 'id' });
    const accessForClient = await issuer.mint(demoCaller('A', 'member'), { audience: clientId });
    await refusedBy(both(), idForApi, /audience/);
    await refusedBy(both(), accessForClient, /audience/);
  });

  test('a token of neither kind is refused', async () => {
    const refresh = await issuer.mint(demoCaller('A', 'member'), { extra: { token_use: 'refresh' } });
    await refusedBy(both(), refresh, /token use/);
  });

  test('with one kind configured, the other kind is refused even for its own audience', async () => {
    const accessOnly = createVerifier({ ...issuer.verifierConfig(), idTokenAudience: clientId });
    const idOnly = createVerifier({ ...issuer.verifierConfig(), tokenUse: 'id', idTokenAudience: clientId });
    const idToken = await issuer.mint(demoCaller('A', 'member'), { tokenUse: 'id', audience: clientId });
    const accessToken = await issuer.mint(demoCaller('A', 'member'));
    // Its client id is no audience this verifier knows, and an ID token for the API's is no access token.
    await refusedBy(accessOnly, idToken, /"aud"/);
    await refusedBy(
      accessOnly,
      await issuer.mint(demoCaller('A', 'member'), { tokenUse: 'id' }),
      /token use/,
    );
    await refusedBy(idOnly, accessToken, /"aud"/);
    await refusedBy(
      idOnly,
      await issuer.mint(demoCaller('A', 'member'), { audience: clientId }),
      /token use/,
    );
    assert.equal((await idOnly.verify(idToken)).tenantId, 'TenantA');
  });

  test("both kinds need the ID tokens' audience: the API's would let an ID token pass as either", () => {
    assert.throws(
      () => createVerifier({ ...issuer.verifierConfig(), tokenUse: ['access', 'id'] }),
      /idTokenAudience/,
    );
  });
});

describe('configuration', () => {
  test('an HMAC or none algorithm cannot be allowed', () => {
    assert.throws(() => createVerifier({ ...issuer.verifierConfig(), algorithms: ['RS256', 'HS256'] }));
    assert.throws(() => createVerifier({ ...issuer.verifierConfig(), algorithms: ['none'] }));
  });

  test('claim names are configurable', async () => {
    const custom = createVerifier({ ...issuer.verifierConfig(), claimNames: { tenantId: 'org' } });
    const token = await issuer.mint(demoCaller('A', 'member'), { extra: { org: 'OrgX' } });
    assert.equal((await custom.verify(token)).tenantId, 'OrgX');
  });

  test('the platform operator has no tenant but verifies as a platform caller', async () => {
    const token = await issuer.mint({ username: 'operator', roles: ['operator'] });
    const caller = await verifier.verifyPlatform(token);
    assert.equal(caller.tenantId, null);
    assert.deepEqual(caller.roles, ['operator']);
  });
});
