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

test('an empty variable is unset: the default, as in every service', () => {
  const config = loadConfig({ ATRIUM_DATA_DIR: '/tmp/x', PORT: '', ATRIUM_DEMO: '', ATRIUM_MODE: '' });
  assert.equal(config.port, 8080);
  assert.equal(config.seedDemo, true);
  assert.equal(config.production, false);
});

test('ATRIUM_MODE, when set, decides the mode over NODE_ENV and must be development or production', () => {
  assert.equal(loadConfig({ ATRIUM_MODE: 'development', NODE_ENV: 'production' }).production, false);
  const production = loadConfig({ ATRIUM_MODE: 'production', ATRIUM_PUBLIC_URL: 'https://a.example' });
  assert.equal(production.production, true);
  assert.throws(
    () => loadConfig({ ATRIUM_MODE: 'staging' }),
    (error: ConfigError) => error.problems.some((p) => p.startsWith('ATRIUM_MODE:')),
  );
});

test('booleans are true or false only, as in every service: ATRIUM_DEMO=yes or 1 is refused', () => {
  for (const value of ['yes', '1', 'no', '0'])
    assert.throws(
      () => loadConfig({ ATRIUM_DATA_DIR: '/tmp/x', ATRIUM_DEMO: value }),
      (error: ConfigError) => error.problems.some((p) => p.startsWith('ATRIUM_DEMO:') && p.includes(value)),
    );
  assert.equal(loadConfig({ ATRIUM_DATA_DIR: '/tmp/x', ATRIUM_DEMO: 'false' }).seedDemo, false);
});

test('production mode refuses a publish window within one reload plus the APIs’ 30 s JWKS cooldown', () => {
  const production = { NODE_ENV: 'production', ATRIUM_PUBLIC_URL: 'https://a.example' };
  assert.throws(
    () => loadConfig({ ...production, KEY_RELOAD_MS: '10000', KEY_PUBLISH_WINDOW_SECONDS: '40' }),
    (error: ConfigError) =>
      error.problems.some(
        (p) => p.startsWith('KEY_PUBLISH_WINDOW_SECONDS') && p.includes('40 s') && p.includes('30 s'),
      ),
  );
  assert.equal(
    loadConfig({ ...production, KEY_RELOAD_MS: '10000', KEY_PUBLISH_WINDOW_SECONDS: '41' }).signingKeys
      .publishWindowSeconds,
    41,
  );
  // Development (tests with a verifier whose cooldown is shortened in code) only needs one reload.
  assert.equal(
    loadConfig({ ATRIUM_DATA_DIR: '/tmp/x', KEY_RELOAD_MS: '300', KEY_PUBLISH_WINDOW_SECONDS: '6' })
      .signingKeys.publishWindowSeconds,
    6,
  );
});

test('what a host fixes replaces its variables, and derivations follow the fixed values', () => {
  const config = loadConfig(
    {
      PORT: '1234',
      ATRIUM_PUBLIC_URL: 'http://elsewhere.example',
      IDENTITY_ISSUER: 'http://elsewhere.example/idp',
      ATRIUM_DATA_DIR: '/tmp/elsewhere',
    },
    {
      port: 9000,
      publicUrl: 'http://localhost:9000',
      issuer: 'http://localhost:9000/auth',
      dataDir: '/tmp/e',
    },
  );
  assert.equal(config.port, 9000);
  assert.equal(config.issuer, 'http://localhost:9000/auth');
  assert.equal(config.basePath, '/auth');
  assert.equal(config.dataDir, '/tmp/e');
  assert.deepEqual(config.shellRedirectUris, [
    'http://localhost:9000/callback',
    'http://localhost:9000/silent-callback.html',
  ]);
});

test("the checks run on what a host fixes: production's https issuer, an issuer with a path", () => {
  assert.throws(
    () => loadConfig({ ATRIUM_MODE: 'production' }, { issuer: 'http://portal.example/auth' }),
    /IDENTITY_ISSUER: production mode requires an https issuer/,
  );
  assert.throws(
    () => loadConfig({ ATRIUM_DATA_DIR: '/tmp/x' }, { issuer: 'https://portal.example' }),
    /IDENTITY_ISSUER: the issuer needs a path/,
  );
  assert.throws(
    () => loadConfig({ ATRIUM_DATA_DIR: '/tmp/x' }, { publicUrl: 'ftp://portal.example' }),
    /ATRIUM_PUBLIC_URL: expected an http\(s\) URL/,
  );
});
