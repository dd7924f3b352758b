import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { OidcSession } from '@atrium/test-kit';
import { startIdentity, type RunningIdentity } from './test-server.ts';

let identity: RunningIdentity;

before(async () => {
  identity = await startIdentity();
});
after(() => identity.stop());

/** A GET with headers fetch() will not send as given (Host). */
function get(
  url: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function assertPageHeaders(headers: Headers, what: string): void {
  const csp = headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'none'/, `${what}: CSP`);
  assert.match(csp, /frame-ancestors 'none'/, `${what}: frame-ancestors`);
  assert.equal(headers.get('x-frame-options'), 'DENY', `${what}: x-frame-options`);
  assert.equal(headers.get('x-content-type-options'), 'nosniff', `${what}: nosniff`);
  assert.equal(headers.get('referrer-policy'), 'same-origin', `${what}: referrer-policy`);
}

describe('pages the OpenID provider renders', () => {
  test('the sign-out confirmation carries the login page security headers', async () => {
    const rp = await OidcSession.discover({
      issuer: identity.issuer,
      redirectUri: identity.redirectUri,
      username: 'userTenantA',
      password: 'demo-password',
    });
    const tokens = await rp.login();
    const response = await rp.fetch(
      `${identity.issuer}/session/end?id_token_hint=${encodeURIComponent(tokens.id_token as string)}`,
    );
    assert.equal(response.status, 200);
    assert.match(await response.text(), /Sign out of Atrium\?/);
    assertPageHeaders(response.headers, 'logout page');
  });

  test('the sign-out without a session may run only its own auto-submit script', async () => {
    const response = await fetch(`${identity.issuer}/session/end`);
    assert.equal(response.status, 200);
    const html = await response.text();
    assert.match(html, /document\.forms\[0\]\.submit\(\)/);
    assertPageHeaders(response.headers, 'auto-submitted sign-out');
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] as string;
    const digest = createHash('sha256').update(script).digest('base64');
    assert.match(
      response.headers.get('content-security-policy') ?? '',
      new RegExp(`script-src 'sha256-${digest.replace(/[+/]/g, '\\$&')}'`),
    );
  });

  test('an error page (unknown client) carries them too', async () => {
    const response = await fetch(
      `${identity.issuer}/auth?client_id=no-such-client&response_type=code&scope=openid`,
      { redirect: 'manual' },
    );
    assert.equal(response.status, 400);
    assert.match(await response.text(), /Something went wrong/);
    assertPageHeaders(response.headers, 'error page');
  });

  test('https issuers add HSTS to the provider pages', async () => {
    const secure = await startIdentity({ IDENTITY_ISSUER: 'https://id.atrium.example/auth' });
    try {
      const response = await fetch(`http://127.0.0.1:${secure.config.port}/auth/session/end`);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('strict-transport-security'), 'max-age=31536000');
      assertPageHeaders(response.headers, 'logout page over https');
    } finally {
      await secure.stop();
    }
  });
});

describe('discovery', () => {
  test('names only the configured issuer, whatever Host or X-Forwarded-Host say', async () => {
    const proxied = await startIdentity({
      ATRIUM_PUBLIC_URL: 'https://atrium.example',
      TRUST_PROXY: 'true',
    });
    try {
      const url = `http://127.0.0.1:${proxied.config.port}/auth/.well-known/openid-configuration`;
      const forged: Array<Record<string, string>> = [
        { host: 'evil.example' },
        { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http' },
        { 'x-forwarded-host': 'evil.example:8443' },
      ];
      for (const headers of forged) {
        const response = await get(url, headers);
        assert.equal(response.status, 200);
        assert.doesNotMatch(response.body, /evil\.example/, JSON.stringify(headers));
        const doc = JSON.parse(response.body) as Record<string, unknown>;
        assert.equal(doc['issuer'], 'https://atrium.example/auth');
        for (const [name, value] of Object.entries(doc)) {
          if (name !== 'issuer' && typeof value === 'string' && /^https?:/.test(value))
            assert.ok(value.startsWith('https://atrium.example/auth/'), `${name}: ${value}`);
        }
        assert.equal(doc['authorization_endpoint'], 'https://atrium.example/auth/auth');
      }
    } finally {
      await proxied.stop();
    }
  });
});

describe('bad input to the provider', () => {
  test('a NUL byte in a parameter is a 4xx, never a server error', async () => {
    const authorize = (extra: string) =>
      fetch(
        `${identity.issuer}/auth?client_id=atrium-shell&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(identity.redirectUri)}&code_challenge=abcdefghijklmnopqrstuvwxyzabcdefghijklmnopq&code_challenge_method=S256${extra}`,
        { redirect: 'manual' },
      );
    // Once the client and its redirect URI are known, OAuth errors go back to the client.
    const hinted = await authorize('&login_hint=user%00TenantA');
    assert.equal(hinted.status, 303);
    assert.match(hinted.headers.get('location') ?? '', /error=invalid_request/);
    const unknownClient = await fetch(`${identity.issuer}/auth?client_id=atrium%00shell&response_type=code`);
    assert.equal(unknownClient.status, 400);
    for (const body of [
      'grant_type=authorization_code&client_id=atrium-shell&code=ab%00cd&redirect_uri=x&code_verifier=abcdefghijklmnopqrstuvwxyzabcdefghijklmnopq',
      'grant_type=refresh_token&client_id=atrium-shell&refresh_token=ab%00cd',
    ]) {
      const token = await fetch(`${identity.issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
      assert.equal(token.status, 400, body);
      assert.equal(((await token.json()) as { error: string }).error, 'invalid_grant');
    }
  });
});
