import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from './config.ts';

test('defaults put every URL on the public origin', () => {
  const config = loadConfig({ PORT: '8080' });
  assert.equal(config.publicUrl, 'http://localhost:8080');
  assert.deepEqual(config.runtime.oidc, {
    issuer: 'http://localhost:8080/auth',
    clientId: 'atrium-shell',
    scope: 'openid profile email offline_access',
  });
  assert.deepEqual(config.runtime.api, {
    paymentsGraphql: 'http://localhost:8080/graphql',
    paymentsGraphqlWs: 'ws://localhost:8080/graphql',
    accounts: 'http://localhost:8080/api/accounts',
    identityAdmin: 'http://localhost:8080/auth/admin',
  });
  assert.deepEqual(config.mfeOrigins, {});
  assert.equal(config.hsts, 'auto');
});

test('one error names every bad variable', () => {
  assert.throws(
    () =>
      loadConfig({
        PORT: 'eighty',
        OIDC_ISSUER: 'not a url',
        PAYMENTS_GRAPHQL_WS_URL: 'http://x/graphql',
        MFE_ORIGINS: 'payments=ftp://x,accounts=http://localhost:1',
        HSTS: 'sometimes',
        TRUST_PROXY: 'yes',
      }),
    (error: Error) => {
      for (const name of [
        'PORT',
        'OIDC_ISSUER',
        'PAYMENTS_GRAPHQL_WS_URL',
        'MFE_ORIGINS: "payments=ftp://x"',
        'HSTS',
        'TRUST_PROXY',
      ])
        assert.ok(error.message.includes(name), name);
      assert.ok(!error.message.includes('accounts='));
      return true;
    },
  );
});

test('split settings: micro-frontend origins, an origin without the shell', () => {
  const config = loadConfig({
    PORT: '8104',
    MFE_ORIGINS: 'payments=http://localhost:8104/',
    HOST_SERVE_SHELL: 'false',
    HOST_SERVED_MFES: 'payments',
  });
  assert.deepEqual(config.mfeOrigins, { payments: 'http://localhost:8104' });
  assert.equal(config.shellDir, undefined);
  assert.deepEqual(config.servedMfes, ['payments']);
});

test('the publish API trusts the issuer for OIDC_AUDIENCE; empty optional values as in .env.example are defaults', () => {
  const config = loadConfig({ OIDC_JWKS_URI: '', ATRIUM_MODE: '', OIDC_AUDIENCE: 'atrium-api' });
  assert.deepEqual(config.publishVerifier, { issuer: 'http://localhost:8090/auth', audience: 'atrium-api' });
  assert.equal(config.devOverrides, true);
  assert.equal(loadConfig({ ATRIUM_MODE: 'production' }).devOverrides, false);
  assert.throws(() => loadConfig({ OIDC_JWKS_URI: 'not a url' }), /OIDC_JWKS_URI/);
});

test('the store is the data folder unless HOST_STORE=postgres (or HOST_DATABASE_URL) names a shared server', () => {
  assert.deepEqual(loadConfig({}).store, { kind: 'files' });
  const shared = loadConfig({ HOST_STORE: 'postgres', DATABASE_URL: 'postgres://host@db:5432/atrium' }).store;
  assert.equal(shared.kind, 'postgres');
  assert.equal(shared.kind === 'postgres' && shared.url, 'postgres://host@db:5432/atrium');
  assert.equal(shared.kind === 'postgres' && shared.pollMs, 1_000);
  // HOST_DATABASE_URL alone selects the shared store and wins over DATABASE_URL.
  const own = loadConfig({
    HOST_DATABASE_URL: 'postgres://host@db/hosts',
    DATABASE_URL: 'postgres://other@db/other',
    HOST_REGISTRY_POLL_MS: '250',
    HOST_FILE_CACHE_MB: '16',
  }).store;
  assert.deepEqual(own.kind === 'postgres' && [own.url, own.pollMs, own.cacheBytes], [
    'postgres://host@db/hosts',
    250,
    16 * 1024 * 1024,
  ]);
});

test('a shared store without a server, or a store that does not exist, is refused by name', () => {
  assert.throws(() => loadConfig({ HOST_STORE: 'postgres' }), /HOST_STORE=postgres: set HOST_DATABASE_URL/);
  assert.throws(() => loadConfig({ HOST_STORE: 's3' }), /HOST_STORE: files or postgres/);
  assert.throws(
    () => loadConfig({ HOST_STORE: 'files', HOST_DATABASE_URL: 'postgres://db/x' }),
    /HOST_DATABASE_URL: only with HOST_STORE=postgres/,
  );
  assert.throws(
    () => loadConfig({ HOST_DATABASE_URL: 'http://db/x', HOST_REGISTRY_POLL_MS: '0' }),
    (error: Error) =>
      /HOST_DATABASE_URL: a postgres/.test(error.message) && /HOST_REGISTRY_POLL_MS/.test(error.message),
  );
});

test('an empty variable is unset: the default, as in every service', () => {
  const config = loadConfig({ PORT: '', HOST_SERVE_SHELL: '', TRUST_PROXY: '', ATRIUM_MODE: '' });
  assert.equal(config.port, 8090);
  assert.notEqual(config.shellDir, undefined);
  assert.equal(config.trustProxy, false);
  assert.equal(config.devOverrides, true);
});

test('ATRIUM_MODE, when set, decides the mode over NODE_ENV and must be development or production', () => {
  assert.equal(loadConfig({ ATRIUM_MODE: 'development', NODE_ENV: 'production' }).devOverrides, true);
  assert.equal(loadConfig({ NODE_ENV: 'production' }).devOverrides, false);
  assert.throws(() => loadConfig({ ATRIUM_MODE: 'staging' }), /ATRIUM_MODE: development or production/);
});

test('booleans are true or false only, as in every service', () => {
  assert.throws(() => loadConfig({ HOST_SERVE_SHELL: 'yes' }), /HOST_SERVE_SHELL: true or false, got "yes"/);
  // `1` would read as a hop count to anyone used to Express' trust proxy setting.
  assert.throws(() => loadConfig({ TRUST_PROXY: '1' }), /TRUST_PROXY:/);
});
