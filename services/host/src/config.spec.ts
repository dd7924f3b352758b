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
