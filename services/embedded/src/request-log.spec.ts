import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { freePort, makeTempDir, OidcSession } from '@atrium/test-kit';
import { createEmbeddedServer, type EmbeddedServer } from './app.ts';
import { loadConfig } from './config.ts';

let dataDir: string;
let server: EmbeddedServer;
let base: string;
const lines: string[] = [];

before(async () => {
  dataDir = await makeTempDir('embedded-log');
  const port = await freePort();
  base = `http://localhost:${port}`;
  const env = { PORT: String(port), ATRIUM_DATA_DIR: dataDir, LOG_LEVEL: 'info' };
  server = await createEmbeddedServer(loadConfig(env), env, {
    logDestination: { write: (line) => void lines.push(line) },
  });
  await server.app.listen({ port, host: '127.0.0.1' });
});
after(async () => {
  await server.app.close();
  await rm(dataDir, { recursive: true, force: true });
});

test('no service logs an authorization code, a token, a password or a mistyped username', async () => {
  const rp = await OidcSession.discover({
    issuer: `${base}/auth`,
    redirectUri: `${base}/callback`,
    username: 'userTenantA',
    password: 'demo-password',
  });
  // A password typed into the username field, then a wrong password for the real name.
  const typedName = 'MyS3cretPassw0rd';
  const typedPassword = 'not-the-Passw0rd-typed';
  const { page } = await rp.start({ login_hint: 'hinted.user@example.com' });
  assert.equal((await rp.submit(page, typedName, typedPassword)).page?.status, 401);

  const { page: form, verifier, state } = await rp.start();
  const { callback } = await rp.submit(form, 'userTenantA', 'demo-password');
  const code = new URL(callback as string).searchParams.get('code') as string;
  const exchange = await fetch(`${base}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: `${base}/callback`,
      client_id: 'atrium-shell',
      code_verifier: verifier,
    }).toString(),
  });
  assert.equal(exchange.status, 200);
  const tokens = (await exchange.json()) as { id_token: string; access_token: string; refresh_token: string };
  // The browser lands on the shell's /callback with the code; the sign-out names the ID token.
  await (await fetch(callback as string)).arrayBuffer();
  const signOut = await rp.fetch(
    `${base}/auth/session/end?id_token_hint=${tokens.id_token}&post_logout_redirect_uri=${encodeURIComponent(`${base}/`)}`,
  );
  assert.equal(signOut.status, 200);
  // A token in a query string, to each API (none should ever be sent so, none is logged if it is).
  for (const path of ['/api/accounts/accounts', '/graphql', '/registry.json']) {
    await (await fetch(`${base}${path}?access_token=${tokens.access_token}`)).arrayBuffer();
  }

  const log = lines.join('');
  const urls = lines
    .map((line) => (JSON.parse(line) as { req?: { url?: string } }).req?.url)
    .filter((url): url is string => url !== undefined);
  assert.ok(
    urls.some((url) => url.startsWith('/callback?code=[redacted]')),
    urls.join('\n'),
  );
  assert.ok(urls.some((url) => url.startsWith('/auth/session/end?id_token_hint=[redacted]')));
  for (const [what, secret] of Object.entries({
    code,
    state,
    id_token: tokens.id_token,
    access_token: tokens.access_token,
    refresh_token: tokens.refresh_token,
    typedName,
    typedPassword,
    demoPassword: 'demo-password',
    login_hint: 'hinted.user',
  })) {
    assert.ok(!log.includes(secret), `the log carries the ${what}`);
  }
});
