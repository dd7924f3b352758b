import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, rm, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { eventually, makeTempDir } from '@atrium/test-kit';
import type { Registry } from '@atrium/contracts';
import hostPlugin, { type ShellRuntimeConfig } from './app.ts';
import { MfeStore } from './mfe-store.ts';
import { writeFakeMfe, writeFakeShell } from './fake-builds.ts';

const runtime: ShellRuntimeConfig = {
  productName: 'Atrium',
  oidc: { issuer: 'http://localhost:8080/auth', clientId: 'atrium-shell', scope: 'openid' },
  api: {
    paymentsGraphql: 'http://localhost:8102/graphql',
    paymentsGraphqlWs: 'ws://localhost:8102/graphql',
    accounts: 'http://localhost:8103/api/accounts',
    identityAdmin: 'http://localhost:8080/auth/admin',
  },
};

let dir: string;
let app: FastifyInstance;
let store: MfeStore;

before(async () => {
  dir = await makeTempDir('host-app');
  await writeFakeShell(join(dir, 'shell'));
  await writeFakeMfe(join(dir, 'payments-build'));
  await writeFakeMfe(join(dir, 'accounts-build'), { name: 'accounts' });
  store = new MfeStore(join(dir, 'data'));
  await store.publish(join(dir, 'payments-build'));
  await store.publish(join(dir, 'accounts-build'));
  // Mounted the way the embedded server mounts it: at `/`, beside other services' plugins.
  app = Fastify({ trustProxy: true });
  await app.register(async (api) => {
    api.get('/api/accounts/accounts', async () => ({ items: [] }));
  });
  await app.register(hostPlugin, {
    dataDir: join(dir, 'data'),
    shellDir: join(dir, 'shell'),
    runtimeConfig: runtime,
    mfeOrigins: { accounts: 'http://localhost:8105' },
    reservedPrefixes: ['/auth', '/graphql', '/api'],
    store,
  });
});

after(async () => {
  await app.close();
  await rm(dir, { recursive: true, force: true });
});

const get = (url: string, headers: Record<string, string> = {}) =>
  app.inject({ method: 'GET', url, headers });

test('content-hashed shell assets are immutable for a year', async () => {
  const res = await get('/assets/index-AbCd1234.js');
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.match(String(res.headers['content-type']), /^text\/javascript/);
});

test('a published micro-frontend file is immutable and loadable cross-origin', async () => {
  const registry = JSON.parse((await get('/registry.json')).body) as Registry;
  const payments = registry.microFrontends.find((m) => m.name === 'payments');
  assert.ok(payments);
  const res = await get(payments.entry);
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.equal(res.headers['access-control-allow-origin'], '*');
  // The integrity in the registry is the SRI hash of exactly these bytes.
  const sri = `sha384-${createHash('sha384').update(res.rawPayload).digest('base64')}`;
  assert.equal(payments.integrity, sri);
});

test('index.html and the registry are revalidated with ETag and 304', async () => {
  for (const url of ['/', '/index.html', '/registry.json', '/config.json']) {
    const first = await get(url);
    assert.equal(first.statusCode, 200, url);
    assert.equal(first.headers['cache-control'], 'no-cache', url);
    const etag = String(first.headers['etag']);
    assert.match(etag, /^"[^"]+"$/, url);
    const again = await get(url, { 'if-none-match': etag });
    assert.equal(again.statusCode, 304, url);
    assert.equal(again.body, '', url);
    const changed = await get(url, { 'if-none-match': '"something-else"' });
    assert.equal(changed.statusCode, 200, url);
  }
});

test('an unhashed shell file is revalidated, not cached forever', async () => {
  const res = await get('/favicon.svg');
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['cache-control'], 'no-cache');
  assert.ok(res.headers['etag']);
});

test('brotli and gzip are served precompressed with Vary: Accept-Encoding', async () => {
  const registry = JSON.parse((await get('/registry.json')).body) as Registry;
  const entry = registry.microFrontends.find((m) => m.name === 'payments')?.entry ?? '';
  for (const url of [entry, '/assets/index-AbCd1234.js']) {
    const plain = await get(url);
    const br = await get(url, { 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(br.headers['content-encoding'], 'br', url);
    assert.equal(br.headers['vary'], 'Accept-Encoding', url);
    assert.ok(br.rawPayload.byteLength < plain.rawPayload.byteLength, url);
    assert.deepEqual(brotliDecompressSync(br.rawPayload), plain.rawPayload, url);
    const gz = await get(url, { 'accept-encoding': 'gzip, br;q=0' });
    assert.equal(gz.headers['content-encoding'], 'gzip', url);
    assert.deepEqual(gunzipSync(gz.rawPayload), plain.rawPayload, url);
    assert.equal(plain.headers['content-encoding'], undefined, url);
    assert.equal(plain.headers['vary'], 'Accept-Encoding', url);
    // Each encoding is its own representation: a different ETag.
    assert.notEqual(br.headers['etag'], plain.headers['etag'], url);
  }
});

test('a missing asset is a 404, never the shell HTML', async () => {
  for (const url of [
    '/assets/index-Missing1.js',
    '/assets/nothing',
    '/favicon.ico',
    '/mfe/payments/9.9.9+000000000000/main.js',
    '/mfe/nothing/x',
    '/payments/main-ABCD1234.js',
  ]) {
    const res = await get(url, { accept: 'text/html,*/*' });
    assert.equal(res.statusCode, 404, url);
    assert.doesNotMatch(res.body, /<html/i, url);
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/, url);
  }
});

test('shell routes, deep links included, fall back to index.html', async () => {
  const index = await get('/index.html');
  for (const url of [
    '/payments',
    '/payments/p-123/edit',
    '/accounts?tenant=x',
    '/admin/users',
    '/callback?code=a&state=b',
  ]) {
    const res = await get(url, { accept: 'text/html' });
    assert.equal(res.statusCode, 200, url);
    assert.equal(res.body, index.body, url);
    assert.equal(res.headers['cache-control'], 'no-cache', url);
  }
});

test('reserved prefixes of the other services never get the shell', async () => {
  for (const url of ['/auth/nope', '/graphql', '/api/unknown', '/api/accounts/nope']) {
    const res = await get(url, { accept: 'text/html' });
    assert.equal(res.statusCode, 404, url);
    assert.doesNotMatch(res.body, /<html/i, url);
  }
  const sibling = await get('/api/accounts/accounts');
  assert.equal(sibling.statusCode, 200);
  assert.deepEqual(JSON.parse(sibling.body), { items: [] });
  // The host's headers stay inside its plugin.
  assert.equal(sibling.headers['content-security-policy'], undefined);
});

test('paths that try to leave the store are refused', async () => {
  for (const url of [
    '/mfe/../registry-state.json',
    '/mfe/%2e%2e/registry-state.json',
    '/mfe/payments/..%2f..%2fregistry-state.json',
    '/assets/..%2f..%2fdata/host/registry-state.json',
    '/mfe/payments/.incoming-x/main.js',
  ]) {
    const res = await get(url);
    assert.equal(res.statusCode, 404, url);
    assert.doesNotMatch(res.body, /microFrontends/, url);
  }
});

test('every response carries the security headers; the CSP keeps scripts strict', async () => {
  for (const url of ['/', '/payments', '/registry.json', '/assets/index-AbCd1234.js', '/nope.js']) {
    const res = await get(url);
    assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
    assert.equal(res.headers['referrer-policy'], 'strict-origin-when-cross-origin', url);
    assert.equal(res.headers['x-frame-options'], 'DENY', url);
    const csp = String(res.headers['content-security-policy']);
    const directive = (name: string): string[] =>
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .find(([n]) => n === name)
        ?.slice(1) ?? [];
    assert.deepEqual(directive('script-src'), ["'self'", 'http://localhost:8105'], url);
    assert.ok(!csp.includes("'unsafe-eval'"), url);
    assert.deepEqual(directive('frame-ancestors'), ["'none'"], url);
    for (const source of [
      'http://localhost:8102',
      'ws://localhost:8102',
      'http://localhost:8103',
      'http://localhost:8080',
    ])
      assert.ok(directive('connect-src').includes(source), `${url}: connect-src ${source}`);
    assert.deepEqual(directive('object-src'), ["'none'"], url);
    assert.ok(directive('form-action').includes('http://localhost:8080'), url);
    // The silent sign-in's iframe goes to the issuer, then to our landing page: nothing else.
    assert.deepEqual(directive('frame-src'), ["'self'", 'http://localhost:8080'], url);
  }
});

test('only the silent sign-in landing page may be framed, and only by the shell origin', async () => {
  const res = await get('/silent-callback.html');
  assert.equal(res.statusCode, 200);
  assert.match(res.body, /silent-callback-Qw3rTy12\.js/);
  assert.equal(res.headers['cache-control'], 'no-cache');
  assert.equal(res.headers['x-frame-options'], 'SAMEORIGIN');
  const csp = String(res.headers['content-security-policy']);
  assert.match(csp, /frame-ancestors 'self'(;|$)/);
  assert.match(csp, /script-src 'self' http:\/\/localhost:8105(;|$)/);
  for (const url of ['/silent-callback.html/', '/silent-callback.htm', '/x?p=/silent-callback.html']) {
    const other = await get(url);
    assert.equal(other.headers['x-frame-options'], 'DENY', url);
    assert.match(String(other.headers['content-security-policy']), /frame-ancestors 'none'/, url);
  }
});

test('HSTS only over HTTPS', async () => {
  const http = await get('/');
  assert.equal(http.headers['strict-transport-security'], undefined);
  const https = await get('/', { 'x-forwarded-proto': 'https' });
  assert.equal(https.headers['strict-transport-security'], 'max-age=63072000; includeSubDomains');
});

test('the registry uses each micro-frontend origin from the configuration', async () => {
  const registry = JSON.parse((await get('/registry.json')).body) as Registry;
  const accounts = registry.microFrontends.find((m) => m.name === 'accounts');
  const payments = registry.microFrontends.find((m) => m.name === 'payments');
  assert.match(
    accounts?.entry ?? '',
    /^http:\/\/localhost:8105\/mfe\/accounts\/1\.0\.0%2B[0-9a-f]{12}\/main-ABCD1234\.js$/,
  );
  assert.match(payments?.entry ?? '', /^\/mfe\/payments\/1\.0\.0%2B[0-9a-f]{12}\/main-ABCD1234\.js$/);
  assert.equal(payments?.styles.length, 1);
  assert.equal(payments?.element, 'atrium-payments');
});

test('the runtime configuration is served, not compiled in', async () => {
  const res = await get('/config.json');
  assert.deepEqual(JSON.parse(res.body), runtime);
});

test('a publish changes the registry and its ETag; rollback restores both', async () => {
  const before = await get('/registry.json');
  await writeFakeMfe(join(dir, 'payments-v2'), { version: '1.1.0', body: 'export const v = 2;' });
  await store.publish(join(dir, 'payments-v2'));
  const after = await get('/registry.json', { 'if-none-match': String(before.headers['etag']) });
  assert.equal(after.statusCode, 200);
  assert.match(after.body, /1\.1\.0%2B/);
  await store.rollback('payments');
  const back = await get('/registry.json');
  assert.equal(back.body, before.body);
  assert.equal(back.headers['etag'], before.headers['etag']);
});

test('a removed file of a published version is a 404', async () => {
  const registry = JSON.parse((await get('/registry.json')).body) as Registry;
  const style = registry.microFrontends.find((m) => m.name === 'accounts')?.styles[0]?.url ?? '';
  const path = new URL(style).pathname;
  assert.equal((await get(path)).statusCode, 200);
  const file = join(dir, 'data', 'host', decodeURIComponent(path));
  await unlink(file);
  await unlink(`${file}.br`).catch(() => {});
  await unlink(`${file}.gz`).catch(() => {});
  assert.equal((await get(path)).statusCode, 404);
});

test('health routes answer', async () => {
  assert.equal((await get('/healthz')).statusCode, 200);
  assert.equal((await get('/readyz')).statusCode, 200);
});

test('an origin that serves only some micro-frontends refuses the others and has no shell', async () => {
  const mfeOnly = Fastify();
  await mfeOnly.register(hostPlugin, {
    dataDir: join(dir, 'data'),
    servedMfes: ['accounts'],
    healthRoutes: false,
  });
  try {
    const registry = await store.registry();
    const accounts = registry.microFrontends.find((m) => m.name === 'accounts')?.entry ?? '';
    const payments = registry.microFrontends.find((m) => m.name === 'payments')?.entry ?? '';
    assert.equal((await mfeOnly.inject({ url: accounts })).statusCode, 200);
    assert.equal((await mfeOnly.inject({ url: payments })).statusCode, 404);
    assert.equal((await mfeOnly.inject({ url: '/' })).statusCode, 404);
    assert.equal((await mfeOnly.inject({ url: '/registry.json' })).statusCode, 404);
  } finally {
    await mfeOnly.close();
  }
});

test('frame-ancestors follows the configuration', async () => {
  const framed = Fastify();
  await framed.register(hostPlugin, {
    dataDir: join(dir, 'data'),
    shellDir: join(dir, 'shell'),
    runtimeConfig: runtime,
    frameAncestors: ['https://portal.example'],
    hsts: 'always',
  });
  try {
    const res = await framed.inject({ url: '/' });
    assert.match(String(res.headers['content-security-policy']), /frame-ancestors https:\/\/portal\.example/);
    assert.equal(res.headers['x-frame-options'], undefined);
    assert.equal(res.headers['strict-transport-security'], 'max-age=63072000; includeSubDomains');
  } finally {
    await framed.close();
  }
});

test("the APIs a published element names join the shell's connect-src, and leave it when it is retired", async () => {
  const connectSrc = async () =>
    (
      String((await get('/payments')).headers['content-security-policy']).match(/connect-src ([^;]*)/)?.[1] ??
      ''
    ).split(' ');
  assert.ok(!(await connectSrc()).includes('https://reports-api.example'));
  await writeFakeMfe(join(dir, 'reports-build'), {
    name: 'reports',
    manifest: {
      api: { reports: 'https://reports-api.example/v1', reportsLive: 'wss://live.reports.example/ws' },
    },
  });
  await store.publish(join(dir, 'reports-build'));
  const sources = await connectSrc();
  assert.ok(sources.includes('https://reports-api.example'), sources.join(' '));
  assert.ok(sources.includes('wss://live.reports.example'), sources.join(' '));
  const registry = JSON.parse((await get('/registry.json')).body) as Registry;
  assert.deepEqual(registry.microFrontends.find((m) => m.name === 'reports')?.api, {
    reports: 'https://reports-api.example/v1',
    reportsLive: 'wss://live.reports.example/ws',
  });
  await store.retire('reports');
  assert.ok(!(await connectSrc()).includes('https://reports-api.example'));
});

test("a page loaded before a shell redeploy still gets the old build's lazy chunks; the new build's are kept too", async () => {
  const shellDir = join(dir, 'redeployed-shell');
  await writeFakeShell(shellDir);
  await writeFile(join(shellDir, 'assets', 'admin-page-Old12345.js'), 'export const admin = "old";');
  const data = join(dir, 'redeploy-data');
  const redeployed = Fastify();
  await redeployed.register(hostPlugin, { dataDir: data, shellDir, runtimeConfig: runtime });
  try {
    assert.equal((await redeployed.inject({ url: '/assets/admin-page-Old12345.js' })).statusCode, 200);
    // The redeploy: the build folder is replaced, the old chunk is gone from it.
    await rm(join(shellDir, 'assets'), { recursive: true });
    await mkdir(join(shellDir, 'assets'));
    await writeFile(join(shellDir, 'assets', 'admin-page-New67890.js'), 'export const admin = "new";');
    await writeFile(
      join(shellDir, 'index.html'),
      '<!doctype html><script type="module" src="/assets/index-New67890.js"></script>',
    );
    await utimes(join(shellDir, 'index.html'), new Date(), new Date(Date.now() + 5_000));
    const old = await redeployed.inject({ url: '/assets/admin-page-Old12345.js' });
    assert.equal(old.statusCode, 200);
    assert.equal(old.body, 'export const admin = "old";');
    assert.equal(old.headers['cache-control'], 'public, max-age=31536000, immutable');
    // Serving the new index.html keeps the new build's chunks as well.
    assert.equal((await redeployed.inject({ url: '/admin' })).statusCode, 200);
    const kept = join(data, 'host', 'shell-assets', 'assets', 'admin-page-New67890.js');
    assert.ok(
      await eventually(
        () =>
          stat(kept).then(
            () => true,
            () => false,
          ),
        30_000,
      ),
    );
    // An unhashed name is never served from the archive, and an unknown chunk stays a 404.
    assert.equal((await redeployed.inject({ url: '/assets/admin-page-Nope0000.js' })).statusCode, 404);
  } finally {
    await redeployed.close();
  }
});

test("the split topology's shell origin serves a third team's element, not those with an origin of their own", async () => {
  await writeFakeMfe(join(dir, 'third-build'), { name: 'third' });
  await store.publish(join(dir, 'third-build'));
  const shellOrigin = Fastify();
  await shellOrigin.register(hostPlugin, {
    dataDir: join(dir, 'data'),
    mfeOrigins: { accounts: 'http://localhost:8105' },
    servedMfes: 'unassigned',
    healthRoutes: false,
  });
  try {
    const registry = await store.registry({ accounts: 'http://localhost:8105' });
    const third = registry.microFrontends.find((m) => m.name === 'third')?.entry ?? '';
    const accounts = new URL(registry.microFrontends.find((m) => m.name === 'accounts')?.entry ?? '')
      .pathname;
    assert.match(third, /^\/mfe\/third\//);
    assert.equal((await shellOrigin.inject({ url: third })).statusCode, 200);
    assert.equal((await shellOrigin.inject({ url: accounts })).statusCode, 404);
  } finally {
    await shellOrigin.close();
    await store.retire('third');
  }
});

test("development mode: a browser's override cookie widens its own CSP by loopback origins only; otherwise it is ignored", async () => {
  const dev = Fastify();
  await dev.register(hostPlugin, {
    dataDir: join(dir, 'data'),
    shellDir: join(dir, 'shell'),
    runtimeConfig: runtime,
    devOverrides: true,
  });
  const cookie = `atrium-mfe-overrides=${encodeURIComponent('http://localhost:5173 https://evil.example http://127.0.0.1:4300')}`;
  const directive = (csp: string, name: string) =>
    csp.match(new RegExp(`${name} ([^;]*)`))?.[1]?.split(' ') ?? [];
  try {
    assert.equal(JSON.parse((await dev.inject({ url: '/config.json' })).body).development, true);
    const widened = String(
      (await dev.inject({ url: '/reports', headers: { cookie } })).headers['content-security-policy'],
    );
    assert.ok(directive(widened, 'script-src').includes('http://localhost:5173'), widened);
    assert.ok(directive(widened, 'script-src').includes('http://127.0.0.1:4300'), widened);
    assert.ok(directive(widened, 'connect-src').includes('ws://localhost:5173'), widened);
    assert.ok(!widened.includes('evil.example'), widened);
    // Another browser (no cookie) keeps the shared policy.
    const plain = String((await dev.inject({ url: '/reports' })).headers['content-security-policy']);
    assert.ok(!plain.includes('localhost:5173'), plain);
  } finally {
    await dev.close();
  }
  // Not in development mode: the same cookie changes nothing, and the shell is not told it may override.
  const production = String((await get('/reports', { cookie })).headers['content-security-policy']);
  assert.ok(!production.includes('localhost:5173'), production);
  assert.equal(JSON.parse((await get('/config.json')).body).development, undefined);
});
