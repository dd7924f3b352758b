import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('defaults to embedded PostgreSQL under the data folder, access tokens, audience atrium-api', () => {
    const config = loadConfig({ ATRIUM_DATA_DIR: '/tmp/atrium-x' });
    assert.equal(config.storage.kind, 'postgres');
    assert.equal(config.storage.kind === 'postgres' ? config.storage.url : 'x', undefined);
    assert.equal(config.storage.dataDir, '/tmp/atrium-x/payments');
    assert.equal(config.verifier.audience, 'atrium-api');
    assert.equal(config.verifier.tokenUse, 'access');
    assert.equal(config.production, false);
    assert.equal(config.redisUrl, undefined);
    assert.equal(config.accountsApiUrl, undefined);
  });
  it('takes a PostgreSQL server from PAYMENTS_DATABASE_URL, else DATABASE_URL', () => {
    const own = loadConfig({
      PAYMENTS_DATABASE_URL: 'postgres://p@db/payments',
      DATABASE_URL: 'postgres://x@db/x',
    });
    assert.deepEqual(own.storage.kind === 'postgres' && [own.storage.url, own.storage.dataDir], [
      'postgres://p@db/payments',
      undefined,
    ]);
    const shared = loadConfig({ DATABASE_URL: 'postgres://x@db/x' });
    assert.equal(shared.storage.kind === 'postgres' && shared.storage.url, 'postgres://x@db/x');
  });
  it('points the same code at DynamoDB, with tables managed by the operator when told, and reads production mode', () => {
    const config = loadConfig({
      PAYMENTS_STORE: 'dynamodb',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
      DYNAMODB_MANAGE_TABLES: 'false',
      AWS_REGION: 'us-east-1',
      NODE_ENV: 'production',
      REDIS_URL: 'redis://127.0.0.1:6379',
      ACCOUNTS_API_URL: 'http://127.0.0.1:8081/api/accounts',
    });
    assert.deepEqual(config.storage, {
      kind: 'dynamodb',
      endpoint: 'http://127.0.0.1:8000',
      region: 'us-east-1',
      credentials: undefined,
      tablePrefix: 'atrium-',
      manageTables: false,
    });
    assert.equal(loadConfig({ DYNAMODB_ENDPOINT: 'aws' }).storage.kind, 'dynamodb');
    assert.equal(config.production, true);
    assert.equal(config.redisUrl, 'redis://127.0.0.1:6379');
    assert.equal(config.accountsApiUrl, 'http://127.0.0.1:8081/api/accounts');
  });
  it('refuses the retired embedded DynamoDB engine and unknown stores, naming the variable', () => {
    for (const [env, name] of [
      [{ DYNAMODB_ENDPOINT: 'embedded' }, 'DYNAMODB_ENDPOINT'],
      [{ PAYMENTS_STORE: 'dynalite' }, 'PAYMENTS_STORE'],
      [{ PAYMENTS_STORE: 'dynamodb' }, 'DYNAMODB_ENDPOINT'],
      [
        { PAYMENTS_STORE: 'dynamodb', DYNAMODB_ENDPOINT: 'aws', DYNAMODB_MANAGE_TABLES: 'no' },
        'DYNAMODB_MANAGE_TABLES',
      ],
      [{ PAYMENTS_DATABASE_URL: 'mysql://x' }, 'PAYMENTS_DATABASE_URL'],
    ] as const)
      assert.throws(
        () => loadConfig(env),
        (error: Error) => error.message.includes(name),
      );
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

describe('the rules every service shares', () => {
  it('reads an empty variable as unset: PAYMENTS_RATE_LIMIT= keeps 200/s, PORT= keeps 8082', () => {
    const config = loadConfig({
      PORT: '',
      PAYMENTS_RATE_LIMIT: '',
      PAYMENTS_RATE_BURST: '',
      PAYMENTS_LIST_DEFAULT_LIMIT: '',
      ATRIUM_MODE: '',
    });
    assert.equal(config.port, 8082);
    assert.deepEqual(config.rateLimit, { perSecond: 200, burst: 400 });
    assert.equal(config.production, false);
    const dynamo = loadConfig({
      PAYMENTS_STORE: 'dynamodb',
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
      DYNAMODB_MANAGE_TABLES: '',
    });
    assert.equal(dynamo.storage.kind === 'dynamodb' && dynamo.storage.manageTables, true);
  });
  it('lets ATRIUM_MODE, when set, decide over NODE_ENV, and refuses any other value', () => {
    assert.equal(loadConfig({ ATRIUM_MODE: 'development', NODE_ENV: 'production' }).production, false);
    assert.equal(loadConfig({ NODE_ENV: 'production' }).production, true);
    assert.throws(() => loadConfig({ ATRIUM_MODE: 'staging' }), /ATRIUM_MODE: development or production/);
  });
  it('takes booleans as true or false only', () => {
    assert.throws(
      () =>
        loadConfig({
          PAYMENTS_STORE: 'dynamodb',
          DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
          DYNAMODB_MANAGE_TABLES: 'yes',
        }),
      /DYNAMODB_MANAGE_TABLES: true or false, got "yes"/,
    );
  });
});
