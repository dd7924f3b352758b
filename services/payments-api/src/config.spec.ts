import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('defaults to embedded dynalite under the data folder, access tokens, audience atrium-api', () => {
    const config = loadConfig({ ATRIUM_DATA_DIR: '/tmp/atrium-x' });
    assert.deepEqual(config.storage, {
      kind: 'embedded',
      dataDir: '/tmp/atrium-x/payments/dynamodb',
      region: 'eu-west-1',
    });
    assert.equal(config.verifier.audience, 'atrium-api');
    assert.equal(config.verifier.tokenUse, 'access');
    assert.equal(config.production, false);
    assert.equal(config.redisUrl, undefined);
    assert.equal(config.accountsApiUrl, undefined);
  });
  it('points the same code at a real endpoint, and reads production mode', () => {
    const config = loadConfig({
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
      AWS_REGION: 'us-east-1',
      NODE_ENV: 'production',
      REDIS_URL: 'redis://127.0.0.1:6379',
      ACCOUNTS_API_URL: 'http://127.0.0.1:8081/api/accounts',
    });
    assert.equal(config.storage.kind, 'endpoint');
    assert.equal(config.storage.kind === 'endpoint' ? config.storage.endpoint : '', 'http://127.0.0.1:8000');
    assert.equal(config.production, true);
    assert.equal(config.redisUrl, 'redis://127.0.0.1:6379');
    assert.equal(config.accountsApiUrl, 'http://127.0.0.1:8081/api/accounts');
  });
  it('names every bad variable in one error', () => {
    assert.throws(
      () =>
        loadConfig({
          PORT: 'x',
          OIDC_TOKEN_USE: 'both',
          REDIS_URL: 'http://nope',
          DYNAMODB_ENDPOINT: 'ftp://x',
          CORS_ORIGINS: 'not a url',
          ACCOUNTS_API_URL: 'accounts',
        }),
      (error: Error) =>
        [
          'PORT',
          'OIDC_TOKEN_USE',
          'REDIS_URL',
          'DYNAMODB_ENDPOINT',
          'CORS_ORIGINS',
          'ACCOUNTS_API_URL',
        ].every((name) => error.message.includes(name)),
    );
  });
  it('bounds subscriptions per connection (20) and per tenant on an instance (1000) unless told', () => {
    assert.deepEqual(loadConfig({}).subscriptionLimits, { perConnection: 20, perTenant: 1000 });
    assert.deepEqual(
      loadConfig({ PAYMENTS_SUBSCRIPTIONS_PER_CONNECTION: '5', PAYMENTS_SUBSCRIPTIONS_PER_TENANT: '50' })
        .subscriptionLimits,
      { perConnection: 5, perTenant: 50 },
    );
    assert.throws(
      () =>
        loadConfig({ PAYMENTS_SUBSCRIPTIONS_PER_CONNECTION: '0', PAYMENTS_SUBSCRIPTIONS_PER_TENANT: 'many' }),
      (error: Error) =>
        ['PAYMENTS_SUBSCRIPTIONS_PER_CONNECTION', 'PAYMENTS_SUBSCRIPTIONS_PER_TENANT'].every((name) =>
          error.message.includes(name),
        ),
    );
  });
});
