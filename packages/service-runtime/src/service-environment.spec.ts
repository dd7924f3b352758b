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

test('one rule for every service: empty is unset, booleans are true or false, ATRIUM_MODE decides when set', () => {
  const read = new ServiceEnvironment({ N: '', B: '', ATRIUM_MODE: '', NODE_ENV: 'production' });
  assert.equal(read.integer('N', 200, 0, 1000), 200);
  assert.equal(read.boolean('B', true), true);
  assert.equal(read.productionMode(), true);
  assert.deepEqual(read.problems, []);
  assert.equal(
    new ServiceEnvironment({ ATRIUM_MODE: 'development', NODE_ENV: 'production' }).productionMode(),
    false,
  );
  const bad = new ServiceEnvironment({ N: ' ', M: '1e3', B: 'yes', ATRIUM_MODE: 'staging' });
  bad.integer('N', 1, 0, 10);
  bad.integer('M', 1, 0, 10_000);
  bad.boolean('B', false);
  bad.productionMode();
  assert.deepEqual(bad.problems, [
    'N: an integer 0-10, got " "',
    'M: an integer 0-10000, got "1e3"',
    'B: true or false, got "yes"',
    'ATRIUM_MODE: development or production, got "staging"',
  ]);
});
