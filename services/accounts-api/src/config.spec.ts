import { test } from 'node:test';
import assert from 'node:assert/strict';
import { outgoingRequestIdHeaders } from '@atrium/service-runtime';
import { loadConfig } from './config.ts';

test('defaults serve the embedded layout', () => {
  const config = loadConfig({ ATRIUM_DATA_DIR: '/tmp/atrium-x' });
  assert.equal(config.prefix, '/api/accounts');
  assert.equal(config.verifier.issuer, 'http://localhost:8080/auth');
  assert.equal(config.verifier.audience, 'atrium-api');
  assert.equal(config.database.url, undefined);
  assert.equal(config.database.dataDir, '/tmp/atrium-x');
  assert.deepEqual(config.corsOrigins, []);
});

test('reads every variable', () => {
  const config = loadConfig({
    PORT: '9000',
    ATRIUM_PUBLIC_URL: 'https://api.example/',
    OIDC_ISSUER: 'https://id.example',
    OIDC_AUDIENCE: 'client-1',
    OIDC_JWKS_URI: 'https://id.example/keys',
    OIDC_TOKEN_USE: 'id',
    DATABASE_URL: 'postgres://atrium_accounts@db/atrium',
    DATABASE_MIGRATION_URL: 'postgres://owner@db/atrium',
    CORS_ORIGINS: 'https://accounts.example, http://localhost:4201',
    ACCOUNTS_PREFIX: '/accounts/',
  });
  assert.equal(config.port, 9000);
  assert.equal(config.publicUrl, 'https://api.example');
  assert.equal(config.prefix, '/accounts');
  assert.deepEqual(config.verifier, {
    issuer: 'https://id.example',
    audience: 'client-1',
    tokenUse: 'id',
    jwksUri: 'https://id.example/keys',
    jwksRequestHeaders: outgoingRequestIdHeaders,
  });
  assert.equal(config.database.migrationUrl, 'postgres://owner@db/atrium');
  assert.deepEqual(config.corsOrigins, ['https://accounts.example', 'http://localhost:4201']);
});

test('one error names every bad variable; wildcard and null origins are refused', () => {
  assert.throws(
    () =>
      loadConfig({
        PORT: 'x',
        OIDC_TOKEN_USE: 'refresh',
        DATABASE_URL: 'mysql://db',
        CORS_ORIGINS: '*,null,https://ok.example/path',
      }),
    (error: Error) => {
      for (const name of [
        'PORT',
        'OIDC_TOKEN_USE',
        'DATABASE_URL',
        '"*"',
        '"null"',
        'https://ok.example/path',
      ]) {
        assert.ok(error.message.includes(name), `${name} in ${error.message}`);
      }
      return true;
    },
  );
  assert.throws(
    () => loadConfig({ DATABASE_MIGRATION_URL: 'postgres://owner@db/x' }),
    /only with DATABASE_URL/,
  );
});

test('demo accounts are seeded into the embedded database outside production only', () => {
  assert.equal(loadConfig({}).seedDemo, true);
  assert.equal(loadConfig({ ATRIUM_DEMO: 'false' }).seedDemo, false);
  assert.equal(loadConfig({ DATABASE_URL: 'postgres://u@db/atrium' }).seedDemo, false);
  assert.equal(loadConfig({ NODE_ENV: 'production' }).seedDemo, false);
  assert.throws(() => loadConfig({ NODE_ENV: 'production', ATRIUM_DEMO: 'true' }), /ATRIUM_DEMO/);
  assert.throws(() => loadConfig({ ATRIUM_DEMO: 'yes' }), /ATRIUM_DEMO: true or false/);
});

test('an empty variable is unset: the default, as in every service', () => {
  const config = loadConfig({
    ATRIUM_DATA_DIR: '/tmp/atrium-x',
    PORT: '',
    DATABASE_POOL_SIZE: '',
    REVOCATION_POLL_MS: '',
    ATRIUM_DEMO: '',
    ATRIUM_MODE: '',
  });
  assert.equal(config.port, 8081);
  assert.equal(config.database.poolSize, 10);
  assert.equal(config.revocations.intervalMs, 5_000);
  assert.equal(config.seedDemo, true);
});

test('ATRIUM_MODE, when set, decides the mode over NODE_ENV and must be development or production', () => {
  // Development mode seeds the demo accounts by default; production mode never does.
  assert.equal(loadConfig({ ATRIUM_MODE: 'development', NODE_ENV: 'production' }).seedDemo, true);
  assert.equal(loadConfig({ ATRIUM_MODE: 'production' }).seedDemo, false);
  assert.throws(() => loadConfig({ ATRIUM_MODE: 'staging' }), /ATRIUM_MODE: development or production/);
});

test('booleans are true or false only, as in every service: ATRIUM_DEMO=yes is refused', () => {
  assert.throws(() => loadConfig({ ATRIUM_DEMO: 'yes' }), /ATRIUM_DEMO: true or false, got "yes"/);
});
