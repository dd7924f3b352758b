import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OidcSession } from '@atrium/test-kit';
import { startIdentity, type RunningIdentity } from './test-server.ts';

// A user's own locale (issue 15): set through the admin API, issued as the OIDC standard `locale`
// claim of the profile scope, so the shell and its elements prefer it over the browser's languages.

let identity: RunningIdentity;

async function login(username: string) {
  const rp = await OidcSession.discover({
    issuer: identity.issuer,
    redirectUri: identity.redirectUri,
    username,
    password: 'demo-password',
  });
  return rp.login();
}

async function admin(method: string, path: string, body?: unknown) {
  const token = (await login('adminTenantA')).access_token;
  const response = await fetch(`${identity.issuer}/admin${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

async function userId(username: string): Promise<string> {
  const { body } = await admin('GET', '/users');
  return (body.items as { id: string; username: string }[]).find((u) => u.username === username)!.id;
}

before(async () => {
  identity = await startIdentity();
});
after(() => identity.stop());

describe("a user's locale", () => {
  test('is no claim until set; then the ID token carries it, canonical, and null removes it', async () => {
    assert.equal((await login('userTenantA')).claims()?.['locale'], undefined);
    const id = await userId('userTenantA');

    const set = await admin('PUT', `/users/${id}/locale`, { locale: 'da-dk' });
    assert.equal(set.status, 200);
    assert.equal(set.body.locale, 'da-DK');
    assert.equal((await login('userTenantA')).claims()?.['locale'], 'da-DK');
    const listed = (await admin('GET', '/users')).body.items.find((u: { id: string }) => u.id === id);
    assert.equal(listed.locale, 'da-DK');

    const cleared = await admin('PUT', `/users/${id}/locale`, { locale: null });
    assert.equal(cleared.status, 200);
    assert.equal(cleared.body.locale, null);
    assert.equal((await login('userTenantA')).claims()?.['locale'], undefined);
  });

  test('refuses a tag that is no language tag, and changes nothing', async () => {
    const id = await userId('userTenantA');
    await admin('PUT', `/users/${id}/locale`, { locale: 'en-GB' });
    for (const locale of ['not a tag', 'da_DK', '', 'x'.repeat(40), 42]) {
      const refused = await admin('PUT', `/users/${id}/locale`, { locale });
      assert.equal(refused.status, 400, JSON.stringify(locale));
      assert.equal(refused.body.code, 'validation_failed');
      assert.ok(refused.body.errors ?? refused.body.fields ?? refused.body.detail);
    }
    assert.equal((await login('userTenantA')).claims()?.['locale'], 'en-GB');
    await admin('PUT', `/users/${id}/locale`, { locale: null });
  });
});
