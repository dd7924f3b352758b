import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  demoCaller,
  eventually,
  startPostgresServer,
  startTestIssuer,
  type PostgresServer,
  type TestIssuer,
} from '@atrium/test-kit';
import { startPayments, type PaymentsFixture } from '../../payments-fixture.ts';

// A PostgreSQL server going away under the API: callers get a retryable, named answer within the
// pool's deadlines, never INTERNAL, and the API serves again by itself once the server is back.

const LIST = '{ listPayments(limit: 5) { items { id } nextToken } }';
const CREATE = `mutation($input: CreatePaymentInput!, $key: String) { createPayment(input: $input, idempotencyKey: $key) { id amount } }`;
const input = {
  amount: 10,
  currency: 'DKK',
  dueDate: '2027-03-01T00:00:00.000Z',
  from_account: '12345678',
  to_account: '87654321',
  type: 'DOMESTIC',
};

describe('payments on a PostgreSQL server that goes away', () => {
  let server: PostgresServer;
  let issuer: TestIssuer;
  let api: PaymentsFixture;
  let token: string;

  before(async () => {
    server = await startPostgresServer();
    issuer = await startTestIssuer();
    api = await startPayments(issuer, {
      storage: {
        kind: 'postgres',
        url: server.url,
        dataDir: undefined,
        connectTimeoutMs: 500,
        statementTimeoutMs: 1_000,
      },
    });
    token = await issuer.mint(demoCaller('A', 'member'));
  });
  after(async () => {
    await api.close();
    await issuer.close();
    await server.stop();
  });

  it('answers DATABASE_UNAVAILABLE while it is down, and serves again once it is back', async () => {
    assert.equal((await api.gql(token, CREATE, { input, key: 'outage-before' })).body.errors, undefined);
    await server.faults.stop();
    for (const [query, variables] of [
      [LIST, {}],
      [CREATE, { input, key: 'outage-during' }],
    ] as const) {
      const { body } = await api.gql(token, query, variables);
      const error = body.errors?.[0];
      assert.equal(error?.extensions?.['code'], 'DATABASE_UNAVAILABLE', JSON.stringify(body.errors));
      assert.equal(error?.errorType, 'ServiceUnavailable');
    }
    await server.faults.start();
    assert.ok(
      await eventually(async () => (await api.gql(token, LIST)).body.errors === undefined, 30_000),
      'lists again once the server is back',
    );
    // The create refused during the outage, retried with its key, lands once.
    const retried = await api.gql(token, CREATE, { input, key: 'outage-during' });
    assert.equal(retried.body.errors, undefined, JSON.stringify(retried.body.errors));
    const items = (await api.gql(token, LIST)).body.data?.['listPayments'] as { items: unknown[] };
    assert.equal(items.items.length, 2);
  });
});
