import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as client from 'openid-client';
import { createVerifier } from '@atrium/auth';
import { OidcSession } from '@atrium/test-kit';
import { startIdentity, type RunningIdentity } from './test-server.ts';

let identity: RunningIdentity;
const session = (username = 'userTenantA', password = 'demo-password') =>
  OidcSession.discover({ issuer: identity.issuer, redirectUri: identity.redirectUri, username, password });

before(async () => {
  identity = await startIdentity();
});
after(() => identity.stop());

/** openid-client's ResponseBodyError carries the OAuth error code in `error`. */
const oauthError = (code: string) => (error: unknown) => (error as { error?: string }).error === code;

async function postForm(url: string, form: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
}

describe('discovery', () => {
  test('publishes the issuer, JWKS and a code + PKCE S256 only profile', async () => {
    const response = await fetch(`${identity.issuer}/.well-known/openid-configuration`);
    assert.equal(response.status, 200);
    const doc = (await response.json()) as Record<string, unknown>;
    assert.equal(doc['issuer'], identity.issuer);
    assert.equal(doc['jwks_uri'], `${identity.issuer}/jwks`);
    assert.deepEqual(doc['response_types_supported'], ['code']);
    assert.deepEqual(doc['code_challenge_methods_supported'], ['S256']);
    assert.ok(doc['end_session_endpoint'], 'RP-initiated logout');
    assert.ok(doc['revocation_endpoint'], 'revocation');
    assert.equal(doc['registration_endpoint'], undefined, 'no sign-up, no dynamic registration');
    const jwks = (await (await fetch(doc['jwks_uri'] as string)).json()) as {
      keys: Array<Record<string, unknown>>;
    };
    assert.ok(jwks.keys.length >= 1);
    for (const key of jwks.keys) assert.equal(key['d'], undefined, 'no private key material is published');
  });
});

describe('a whole login with openid-client', () => {
  test('code + PKCE, the form, the exchange, a refresh, a revocation and a logout', async () => {
    const rp = await session();
    const tokens = await rp.login();

    const id = tokens.claims();
    assert.ok(id);
    assert.equal(id['cognito:username'], 'userTenantA');
    assert.equal(id['custom:tenantId'], 'TenantA');
    assert.equal(id['custom:tenantName'], 'Tenant A');
    assert.deepEqual(id['cognito:groups'], ['member']);
    assert.equal(id['email'], 'usertenanta@example.com');
    assert.equal(id['token_use'], 'id');
    assert.equal(id.aud, 'atrium-shell');
    assert.equal((id.exp as number) - (id.iat as number), 900, 'short-lived ID token');

    // The access token is a JWT for the APIs, verified exactly as every API verifies it.
    const verifier = createVerifier({ issuer: identity.issuer, audience: 'atrium-api' });
    const caller = await verifier.verify(tokens.access_token);
    assert.equal(caller.username, 'userTenantA');
    assert.equal(caller.tenantId, 'TenantA');
    assert.equal(caller.userId, id.sub);
    assert.deepEqual(caller.roles, ['member']);
    assert.equal(tokens.expires_in, 900);
    // ID tokens are not accepted where access tokens are.
    await assert.rejects(verifier.verify(tokens.id_token as string));

    // Refresh rotates the refresh token.
    assert.ok(tokens.refresh_token);
    const refreshed = await client.refreshTokenGrant(rp.config, tokens.refresh_token);
    assert.ok(refreshed.refresh_token);
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
    assert.equal((await verifier.verify(refreshed.access_token)).tenantId, 'TenantA');

    // Revocation: the revoked refresh token no longer works.
    await client.tokenRevocation(rp.config, refreshed.refresh_token as string);
    await assert.rejects(
      client.refreshTokenGrant(rp.config, refreshed.refresh_token as string),
      oauthError('invalid_grant'),
    );

    // RP-initiated logout: the confirmation form, then back to the shell.
    const endSession = client.buildEndSessionUrl(rp.config, {
      id_token_hint: tokens.id_token as string,
      post_logout_redirect_uri: identity.config.shellPostLogoutRedirectUris[0] as string,
    });
    const confirm = await rp.fetch(endSession.href);
    assert.equal(confirm.status, 200);
    const html = await confirm.text();
    assert.match(html, /Sign out of Atrium\?/);
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1] as string;
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1] as string;
    const done = await rp.fetch(new URL(action, endSession).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf, logout: 'yes' }).toString(),
    });
    assert.equal(done.status, 303);
    assert.equal(done.headers.get('location'), identity.config.shellPostLogoutRedirectUris[0]);
    // Signed out: a new authorization request shows the login form again.
    const { page } = await rp.start();
    assert.match(page.html, /<h1>Sign in<\/h1>/);
  });

  test('reuse of a rotated refresh token revokes the whole chain', async () => {
    const rp = await session('approverTenantA');
    const first = await rp.login();
    const second = await client.refreshTokenGrant(rp.config, first.refresh_token as string);
    await assert.rejects(
      client.refreshTokenGrant(rp.config, first.refresh_token as string),
      oauthError('invalid_grant'),
    );
    await assert.rejects(
      client.refreshTokenGrant(rp.config, second.refresh_token as string),
      oauthError('invalid_grant'),
    );
  });

  test('PKCE is required and only S256 is accepted', async () => {
    const base = `${identity.issuer}/auth?client_id=atrium-shell&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(identity.redirectUri)}&state=s`;
    for (const query of [
      '',
      '&code_challenge=abcdefghijklmnopqrstuvwxyzabcdefghijklmnopq&code_challenge_method=plain',
    ]) {
      const response = await fetch(base + query, { redirect: 'manual' });
      const location = response.headers.get('location') ?? '';
      assert.ok(location.startsWith(identity.redirectUri), `error goes back to the client: ${location}`);
      assert.match(location, /error=invalid_request/);
    }
  });

  test('the implicit flow is not offered', async () => {
    const response = await fetch(
      `${identity.issuer}/auth?client_id=atrium-shell&response_type=id_token%20token&scope=openid&nonce=n&redirect_uri=${encodeURIComponent(identity.redirectUri)}`,
      { redirect: 'manual' },
    );
    assert.match(response.headers.get('location') ?? (await response.text()), /unsupported_response_type/);
  });

  test('a redirect URI that is not registered is refused without redirecting', async () => {
    const response = await fetch(
      `${identity.issuer}/auth?client_id=atrium-shell&response_type=code&scope=openid&code_challenge=abcdefghijklmnopqrstuvwxyzabcdefghijklmnopq&code_challenge_method=S256&redirect_uri=${encodeURIComponent('https://evil.example/callback')}`,
      { redirect: 'manual' },
    );
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('location'), null);
  });
});

describe('the login page', () => {
  test('is accessible, scriptless and framed by nobody', async () => {
    const rp = await session();
    const { page } = await rp.start();
    assert.equal(page.status, 200);
    assert.match(page.html, /<label for="username">Username<\/label>/);
    assert.match(page.html, /<label for="password">Password<\/label>/);
    assert.match(page.html, /<html lang="en">/);
    assert.doesNotMatch(page.html, /<script/);
    const response = await rp.fetch(page.url);
    const csp = response.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    // With no-referrer, Chromium posts the form with `Origin: null`, which the CSRF check refuses.
    assert.equal(response.headers.get('referrer-policy'), 'same-origin');
    const stylesheet = /<link rel="stylesheet" href="([^"]+)"/.exec(page.html)?.[1] ?? '';
    const css = await fetch(new URL(stylesheet, identity.issuer));
    assert.equal(css.status, 200);
    assert.match(await css.text(), /--atrium-color-primary/);
  });

  test('answers one generic error for a wrong password and for an unknown user', async () => {
    const rp = await session();
    const { page } = await rp.start();
    const wrong = await rp.submit(page, 'viewerTenantB', 'not-the-password');
    const unknown = await rp.submit(page, 'nobodyAtAll', 'not-the-password');
    assert.equal(wrong.page?.status, 401);
    assert.equal(unknown.page?.status, 401);
    const message = (html: string) => /role="alert"[^>]*>([^<]+)</.exec(html)?.[1];
    assert.equal(message(wrong.page?.html ?? ''), 'Incorrect username or password.');
    assert.equal(message(unknown.page?.html ?? ''), 'Incorrect username or password.');
  });

  test('refuses a form without the right CSRF token', async () => {
    const rp = await session();
    const { page } = await rp.start();
    const forged = {
      ...page,
      html: page.html.replace(/name="csrf" value="[^"]+"/, 'name="csrf" value="forged"'),
    };
    const result = await rp.submit(forged, 'userTenantA', 'demo-password');
    assert.equal(result.page?.status, 403);
  });

  test('refuses a form posted from another origin or an opaque one, accepts its own', async () => {
    const rp = await session();
    const { page } = await rp.start();
    const action = /action="([^"]+)"/.exec(page.html)?.[1] as string;
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.html)?.[1] as string;
    const post = (origin: string) =>
      rp.fetch(new URL(action, page.url).href, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
        body: new URLSearchParams({ csrf, username: 'userTenantA', password: 'demo-password' }).toString(),
      });
    assert.equal((await post('https://evil.example')).status, 403);
    assert.equal((await post('null')).status, 403);
    assert.equal((await post(new URL(identity.issuer).origin)).status, 303);
  });

  test('answers bad input in the fields with the wrong-password page, never a server error', async () => {
    const rp = await session();
    const { page } = await rp.start();
    for (const [username, password] of [
      ['user\u0000TenantA', 'demo-password'],
      ['\u0000', '\u0000'],
      ['userTenantA\u0007\u001b[31m', 'demo-password'],
      ['x'.repeat(3000), 'demo-password'],
      ['userTenantA', 'x'.repeat(3000)],
      ['userTenantA', 'demo\u0000password'],
    ]) {
      const result = await rp.submit(page, username as string, password as string);
      assert.equal(result.page?.status, 401, JSON.stringify(username).slice(0, 40));
      assert.match(result.page?.html ?? '', /Incorrect username or password\./);
      assert.doesNotMatch(result.page?.html ?? '', /\u0000|\u0007/, 'control characters are not echoed');
    }
    // Past the form's 8 KiB body limit: refused before anything reads it.
    const huge = await rp.submit(page, 'x'.repeat(100_000), 'demo-password');
    assert.equal(huge.page?.status, 413);
    // The form still works: nothing was counted against the real name.
    assert.ok((await rp.submit(page, 'userTenantA', 'demo-password')).callback);
    // A sign-in hint that could not be a username is not echoed into the form either.
    const hinted = await (await session()).start({ login_hint: 'user\u0007Tenant\u001bA' });
    assert.equal(hinted.page.status, 200);
    assert.match(hinted.page.html, /id="username"[^>]* value=""/);
  });
});

describe('tokens and the token endpoint', () => {
  test('a code cannot be exchanged twice', async () => {
    const rp = await session('userTenantB');
    const { page, verifier, state } = await rp.start();
    const { callback } = await rp.submit(page, 'userTenantB', 'demo-password');
    const code = new URL(callback as string).searchParams.get('code') as string;
    await client.authorizationCodeGrant(rp.config, new URL(callback as string), {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    const again = await postForm(`${identity.issuer}/token`, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: identity.redirectUri,
      client_id: 'atrium-shell',
      code_verifier: verifier,
    });
    assert.equal(again.status, 400);
    assert.equal(((await again.json()) as { error: string }).error, 'invalid_grant');
  });

  test('a wrong PKCE verifier is refused', async () => {
    const rp = await session('userTenantB');
    const { page, state } = await rp.start();
    const { callback } = await rp.submit(page, 'userTenantB', 'demo-password');
    await assert.rejects(
      client.authorizationCodeGrant(rp.config, new URL(callback as string), {
        pkceCodeVerifier: client.randomPKCECodeVerifier(),
        expectedState: state,
      }),
      oauthError('invalid_grant'),
    );
  });
});
