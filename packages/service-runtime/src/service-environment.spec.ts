import { test } from 'node:test';
import assert from 'node:assert/strict';
import { outgoingRequestIdHeaders } from './request-id.ts';
import { ServiceEnvironment } from './service-environment.ts';

test('collects every problem and names them all in one error', () => {
  const read = new ServiceEnvironment({
    PORT: 'x',
    PUBLIC: 'ftp://nope',
    OIDC_TOKEN_USE: 'refresh',
    CORS_ORIGINS: '*, null, https://ok.example/path, https://fine.example/',
  });
  read.integer('PORT', 1, 0, 65535);
  read.url('PUBLIC', 'http://x');
  read.verifier('http://localhost/auth');
  assert.deepEqual(read.origins('CORS_ORIGINS'), ['https://ok.example', 'https://fine.example']);
  assert.throws(
    () => read.check('test configuration'),
    (error: Error) =>
      [
        'Invalid test configuration',
        'PORT: an integer 0-65535',
        'PUBLIC: an http(s) URL',
        'OIDC_TOKEN_USE: access or id',
        '"*" is never allowed',
        '"null" is never allowed',
        '"https://ok.example/path" is not a bare http(s) origin',
      ].every((part) => error.message.includes(part)) && !error.message.includes('fine.example'),
  );
});

test('defaults, trailing slashes and unset optional values', () => {
  const read = new ServiceEnvironment({ OIDC_ISSUER: 'https://id.example/auth/', EMPTY: '' });
  assert.deepEqual(read.verifier('http://unused'), {
    issuer: 'https://id.example/auth',
    audience: 'atrium-api',
    tokenUse: 'access',
    jwksRequestHeaders: outgoingRequestIdHeaders,
  });
  assert.equal(read.optionalUrl('EMPTY'), undefined);
  assert.equal(read.optional('MISSING'), undefined);
  assert.equal(read.integer('MISSING', 42, 0, 100), 42);
  read.check('test configuration');
});

test("OIDC_TOKEN_USE=access,id accepts both kinds, with OIDC_CLIENT_ID as the ID tokens' audience", () => {
  const both = new ServiceEnvironment({
    OIDC_TOKEN_USE: 'access, id',
    OIDC_CLIENT_ID: 'atrium-shell,articles-app',
  }).verifier('http://localhost/auth');
  assert.deepEqual(both.tokenUse, ['access', 'id']);
  assert.deepEqual(both.idTokenAudience, ['atrium-shell', 'articles-app']);
  assert.equal(both.audience, 'atrium-api');

  const withoutClient = new ServiceEnvironment({ OIDC_TOKEN_USE: 'access,id' });
  withoutClient.verifier('http://localhost/auth');
  assert.throws(() => withoutClient.check('test configuration'), /OIDC_CLIENT_ID: required/);

  const unknown = new ServiceEnvironment({ OIDC_TOKEN_USE: 'access,refresh', OIDC_CLIENT_ID: 'x' });
  unknown.verifier('http://localhost/auth');
  assert.throws(() => unknown.check('test configuration'), /OIDC_TOKEN_USE: access or id/);
});
