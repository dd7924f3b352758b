import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from './config.ts';

test('defaults describe the embedded process on port 8080', () => {
  const config = loadConfig({ ATRIUM_DATA_DIR: '/tmp/x' });
  assert.equal(config.issuer, 'http://localhost:8080/auth');
  assert.equal(config.basePath, '/auth');
  assert.deepEqual(config.shellRedirectUris, [
    'http://localhost:8080/callback',
    'http://localhost:8080/silent-callback.html',
  ]);
  assert.equal(config.accessTokenTtlSeconds, 900);
  assert.equal(config.refreshTokenTtlSeconds, 30 * 86400);
  assert.equal(config.seedDemo, true);
});

test('ATRIUM_PUBLIC_URL moves the issuer and redirects', () => {
  const config = loadConfig({ ATRIUM_PUBLIC_URL: 'https://portal.example.com/' });
  assert.equal(config.issuer, 'https://portal.example.com/auth');
  assert.deepEqual(config.shellPostLogoutRedirectUris, ['https://portal.example.com/']);
});

test('every bad variable is named in one error', () => {
  assert.throws(
    () =>
      loadConfig({
        PORT: 'eighty',
        ATRIUM_PUBLIC_URL: 'ftp://nope',
        ACCESS_TOKEN_TTL: '5',
        ATRIUM_DEMO: 'maybe',
        DATABASE_URL: 'mysql://x',
      }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      for (const name of ['PORT', 'ATRIUM_PUBLIC_URL', 'ACCESS_TOKEN_TTL', 'ATRIUM_DEMO', 'DATABASE_URL']) {
        assert.ok(
          error.problems.some((p) => p.startsWith(`${name}:`)),
          `${name} named in ${error.message}`,
        );
      }
      return true;
    },
  );
});

test('production mode never seeds demo users and wants https', () => {
  assert.throws(() => loadConfig({ NODE_ENV: 'production', ATRIUM_DEMO: 'true' }), /ATRIUM_DEMO/);
  assert.throws(() => loadConfig({ NODE_ENV: 'production' }), /https issuer/);
  const config = loadConfig({ NODE_ENV: 'production', ATRIUM_PUBLIC_URL: 'https://a.example' });
  assert.equal(config.seedDemo, false);
});

test('a PostgreSQL server is never seeded with demo users', () => {
  assert.equal(loadConfig({ DATABASE_URL: 'postgres://u@h/db' }).seedDemo, false);
});

test('sign-in throttling defaults, and the old lockout variable refused with its replacement named', () => {
  const { loginThrottle } = loadConfig({ ATRIUM_DATA_DIR: '/tmp/x' });
  assert.deepEqual(loginThrottle, {
    firstDelaySeconds: 1,
    perAccountAndAddress: { freeFailures: 5, maxDelaySeconds: 900 },
    perAccount: { freeFailures: 20, maxDelaySeconds: 30 },
    perAddress: { freeFailures: 50, maxDelaySeconds: 30 },
  });
  assert.throws(
    () => loadConfig({ ATRIUM_DATA_DIR: '/tmp/x', LOGIN_LOCKOUT_SECONDS: '900' }),
    (error: ConfigError) =>
      error.problems.some(
        (p) => p.startsWith('LOGIN_LOCKOUT_SECONDS') && p.includes('LOGIN_MAX_DELAY_SECONDS'),
      ),
  );
});

test('signing keys: reloaded every 10 s, a new key signs after 60 s; a window within one reload is refused', () => {
  assert.deepEqual(loadConfig({ ATRIUM_DATA_DIR: '/tmp/x' }).signingKeys, {
    reloadMs: 10_000,
    publishWindowSeconds: 60,
  });
  assert.equal(
    loadConfig({ ATRIUM_DATA_DIR: '/tmp/x', KEY_RELOAD_MS: '30000' }).signingKeys.publishWindowSeconds,
    80,
  );
  assert.throws(
    () => loadConfig({ ATRIUM_DATA_DIR: '/tmp/x', KEY_RELOAD_MS: '20000', KEY_PUBLISH_WINDOW_SECONDS: '20' }),
    (error: ConfigError) =>
      error.problems.some((p) => p.startsWith('KEY_PUBLISH_WINDOW_SECONDS') && p.includes('KEY_RELOAD_MS')),
  );
});
