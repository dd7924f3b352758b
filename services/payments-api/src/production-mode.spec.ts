import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { demoCaller, eventually, startTestIssuer, type TestIssuer } from '@atrium/test-kit';
import { startPayments, type PaymentsFixture } from './payments-fixture.ts';

// With introspection off, error messages must not hand the schema out piece by piece either:
// graphql's "Did you mean …" suggestions name the fields, arguments and enum values next to a typo.

const CREATE = `mutation($input: CreatePaymentInput!) { createPayment(input: $input) { id } }`;
const input = {
  amount: 10,
  currency: 'DKK',
  dueDate: '2026-12-24T00:00:00.000Z',
  from_account: 'L1',
  to_account: 'L2',
  type: 'DOMESTIC',
};

/** Names of the schema a suggestion would reveal for the typos below. */
const SCHEMA_NAMES = ['listPayments', 'getPayment', 'limit', 'amount', 'DOMESTIC', 'INTERNATIONAL'];

const messagesOf = (body: { errors?: { message: string }[] }): string =>
  (body.errors ?? []).map((e) => e.message).join('\n');

describe('error messages in production name nothing the caller did not write', () => {
  let issuer: TestIssuer;
  let production: PaymentsFixture;
  let development: PaymentsFixture;
  let viewer: string;
  let member: string;
  before(async () => {
    issuer = await startTestIssuer();
    production = await startPayments(issuer, { production: true });
    development = await startPayments(issuer);
    viewer = await issuer.mint(demoCaller('A', 'viewer'));
    member = await issuer.mint(demoCaller('A', 'member'));
  });
  after(async () => {
    await production.close();
    await development.close();
    await issuer.close();
  });

  const typos = [
    ['a misspelled field', 'viewer', '{ listPaymentz { items { id } } }', undefined],
    ['a misspelled argument', 'viewer', '{ listPayments(limt: 1) { nextToken } }', undefined],
    [
      'a misspelled enum value in the document',
      'viewer',
      '{ listPayments(sortDirection: ASCC) { nextToken } }',
      undefined,
    ],
    ['a misspelled input field in variables', 'member', CREATE, { input: { ...input, amout: 10 } }],
    ['a misspelled enum value in variables', 'member', CREATE, { input: { ...input, type: 'DOMESTICC' } }],
  ] as const;

  for (const [name, who, query, variables] of typos)
    it(`${name}: refused with the code, no suggestion`, async () => {
      const token = who === 'viewer' ? viewer : member;
      const answer = await production.gql(token, query, variables);
      assert.equal(answer.status, 400, JSON.stringify(answer.body));
      assert.ok(answer.body.errors?.[0]?.extensions?.['code'], 'a machine-readable code');
      const messages = messagesOf(answer.body);
      assert.doesNotMatch(messages, /did you mean/i);
      const written = query + JSON.stringify(variables ?? {});
      for (const schemaName of SCHEMA_NAMES.filter((n) => !written.includes(n)))
        assert.ok(!messages.includes(schemaName), `"${schemaName}" is not revealed: ${messages}`);
    });

  it('a misspelled field in a graphql-ws subscription: no suggestion either', async () => {
    const live = await startPayments(issuer, { production: true, listen: true });
    const client = createClient({
      url: `${live.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${viewer}` },
      retryAttempts: 0,
    });
    try {
      const errors: { message: string; extensions?: { code?: string } }[] = [];
      client.subscribe(
        { query: 'subscription { onCreatePaymnt { id } }' },
        {
          next: () => undefined,
          error: (e) => errors.push(...(e as typeof errors)),
          complete: () => undefined,
        },
      );
      assert.ok(await eventually(async () => errors.length > 0, 10_000), 'refused');
      assert.equal(errors[0]?.extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
      assert.doesNotMatch(errors.map((e) => e.message).join('\n'), /did you mean|onCreatePayment\b/i);
    } finally {
      await client.dispose();
      await live.close();
    }
  });

  it('development keeps the suggestions (they help whoever writes the queries)', async () => {
    const answer = await development.gql(viewer, '{ listPaymentz { items { id } } }');
    assert.match(messagesOf(answer.body), /Did you mean "listPayments"/);
  });
});
