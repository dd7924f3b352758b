import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import {
  buildClientSchema,
  buildSchema,
  getIntrospectionQuery,
  introspectionFromSchema,
  Kind,
  lexicographicSortSchema,
  parse,
  printSchema,
  type GraphQLSchema,
  type IntrospectionQuery,
  type OperationDefinitionNode,
} from 'graphql';
import { demoCaller, eventually, startTestIssuer, type TestIssuer } from '@atrium/test-kit';
import { amplifyOperations, clientModule, servedSchemaSdl, type ClientOperation } from './client-codegen.ts';
import { startPayments, TEST_STORE, type PaymentsFixture } from './payments-fixture.ts';

// Typed clients as Amplify makes them: its codegen introspects the live API (AppSync there, this
// service here) and writes a document per root field. The seed's operations must come out with the
// arguments Amplify's v2 transformer gives them, and every document must run against the API as is.

/** The seed's operations and their arguments as the Amplify v2 transformer generates them. */
const AMPLIFY_V2 = {
  query: { getPayment: ['id'], listPayments: ['filter', 'limit', 'nextToken'] },
  mutation: {
    createPayment: ['input', 'condition'],
    updatePayment: ['input', 'condition'],
    deletePayment: ['input', 'condition'],
  },
  subscription: {
    onCreatePayment: ['filter', 'tenantId'],
    onUpdatePayment: ['filter', 'tenantId'],
    onDeletePayment: ['filter', 'tenantId'],
  },
} as const;

const PAYMENT_FIELDS = [
  'id',
  'amount',
  'currency',
  'dueDate',
  'from_account',
  'to_account',
  'message',
  'type',
];

function operationOf(document: string): OperationDefinitionNode {
  const definition = parse(document).definitions[0];
  assert.equal(definition?.kind, Kind.OPERATION_DEFINITION);
  return definition as OperationDefinitionNode;
}

describe(`typed clients generated from the live schema on ${TEST_STORE}`, () => {
  let issuer: TestIssuer;
  let api: PaymentsFixture;
  let member: string;
  let introspection: IntrospectionQuery;
  let operations: ClientOperation[];
  const documentOf = (field: string): string => {
    const found = operations.find((operation) => operation.field === field);
    assert.ok(found, `a document for ${field}`);
    return found.document;
  };
  /** Real HTTP, as a generated client sends it. */
  async function run(field: string, variables: Record<string, unknown>): Promise<Record<string, unknown>> {
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${member}` },
      body: JSON.stringify({ query: documentOf(field), variables }),
    });
    const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
    assert.equal(response.status, 200, JSON.stringify(body));
    assert.equal(body.errors, undefined, `${field}: ${JSON.stringify(body.errors)}`);
    return body.data ?? {};
  }

  before(async () => {
    issuer = await startTestIssuer();
    api = await startPayments(issuer, { listen: true });
    member = await issuer.mint(demoCaller('A', 'member'));
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${member}` },
      body: JSON.stringify({ query: getIntrospectionQuery({ inputValueDeprecation: true }) }),
    });
    const body = (await response.json()) as { data: IntrospectionQuery; errors?: unknown[] };
    assert.equal(response.status, 200, JSON.stringify(body.errors));
    introspection = body.data;
    operations = amplifyOperations(introspection);
  });
  after(async () => {
    await api.close();
    await issuer.close();
  });

  test("Amplify's codegen writes the seed's queries, mutations and subscriptions with Amplify's arguments", () => {
    for (const [kind, fields] of Object.entries(AMPLIFY_V2))
      for (const [field, args] of Object.entries(fields)) {
        const operation = operations.find((o) => o.field === field);
        assert.equal(operation?.kind, kind, `${field} is a ${kind}`);
        const definition = operationOf(operation.document);
        assert.equal(definition.operation, kind);
        const variables = (definition.variableDefinitions ?? []).map((v) => v.variable.name.value);
        for (const arg of args) assert.ok(variables.includes(arg), `${field}(${arg}): ${variables.join()}`);
      }
    // The model's fields are selected, two levels deep with __typename, as in Amplify's files.
    for (const field of ['getPayment', 'createPayment', 'onCreatePayment'])
      for (const name of [...PAYMENT_FIELDS, '__typename'])
        assert.match(documentOf(field), new RegExp(`^\\s+${name}$`, 'm'), `${field} selects ${name}`);
  });

  test('the documents of the build (from the service schema, without a server) are those of the live API', async () => {
    const sdl = await servedSchemaSdl();
    // Types, fields and arguments; the scalars' descriptions come from their resolvers, not the SDL.
    const shape = (schema: GraphQLSchema): string =>
      printSchema(
        lexicographicSortSchema(buildClientSchema(introspectionFromSchema(schema, { descriptions: false }))),
      );
    assert.equal(shape(buildSchema(sdl)), shape(buildClientSchema(introspection)));
    assert.deepEqual(amplifyOperations(introspectionFromSchema(buildSchema(sdl))), operations);
  });

  test('every generated query and mutation runs against the API as it is generated', async () => {
    const input = {
      amount: 12.5,
      currency: 'DKK',
      dueDate: '2026-12-24T00:00:00.000Z',
      from_account: 'DK001',
      to_account: 'DK002',
      message: 'generated',
      type: 'DOMESTIC',
    };
    const created = (await run('createPayment', { input, idempotencyKey: 'codegen-1' }))['createPayment'] as {
      id: string;
      _version: number;
      __typename: string;
    };
    assert.equal(created.__typename, 'Payment');
    assert.equal((await run('getPayment', { id: created.id }))['getPayment'] !== null, true);
    // A filter as a variable of the recursive ModelPaymentFilterInput, asked more than once.
    const filter = { or: [{ from_account: { contains: 'DK0' } }, { message: { contains: 'generated' } }] };
    for (let n = 0; n < 3; n += 1) {
      const page = (await run('listPayments', { filter, limit: 10 }))['listPayments'] as {
        items: { id: string }[];
      };
      assert.deepEqual(
        page.items.map((p) => p.id),
        [created.id],
      );
    }
    const updated = (
      await run('updatePayment', {
        input: { id: created.id, _version: created._version, message: 'changed' },
      })
    )['updatePayment'] as { _version: number };
    await run('paymentAudit', { paymentId: created.id });
    await run('deletePayment', { input: { id: created.id, _version: updated._version } });
    assert.equal((await run('getPayment', { id: created.id }))['getPayment'], null);
  });

  test('a generated subscription delivers over graphql-ws', async () => {
    const client = createClient({
      url: `${api.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${member}` },
      retryAttempts: 0,
    });
    const received: unknown[] = [];
    const errors: unknown[] = [];
    try {
      const stop = client.subscribe(
        { query: documentOf('onCreatePayment'), variables: {} },
        { next: (value) => received.push(value), error: (e) => errors.push(e), complete: () => undefined },
      );
      // Subscribed once a create made now is delivered; retried until then, with fresh ids.
      let attempt = 0;
      const delivered = await eventually(async () => {
        attempt += 1;
        await run('createPayment', {
          input: {
            amount: 1,
            currency: 'DKK',
            dueDate: '2026-12-24T00:00:00.000Z',
            from_account: 'DK001',
            to_account: 'DK002',
            type: 'DOMESTIC',
          },
          idempotencyKey: `codegen-live-${attempt}`,
        });
        return received.length > 0 || errors.length > 0;
      }, 20_000);
      stop();
      assert.ok(delivered, 'an event arrived');
      assert.deepEqual(errors, []);
      const event = received[0] as { data?: { onCreatePayment?: { __typename?: string } } };
      assert.equal(event.data?.onCreatePayment?.__typename, 'Payment');
    } finally {
      await client.dispose();
    }
  });

  test('the typed module has a type for each operation, and refuses a document that drifted from the schema', async () => {
    const sdl = await servedSchemaSdl();
    const module = await clientModule(sdl, operations);
    for (const name of [
      'ListPaymentsQuery',
      'ListPaymentsQueryVariables',
      'CreatePaymentMutation',
      'OnCreatePaymentSubscription',
    ])
      assert.match(module, new RegExp(`export type ${name} =`), name);
    assert.match(module, /export const listPayments = \/\* GraphQL \*\/ `query ListPayments\(/);
    assert.match(module, /as GeneratedQuery<ListPaymentsQueryVariables, ListPaymentsQuery>;/);
    const drifted: ClientOperation = {
      field: 'getPayment',
      kind: 'query',
      operationName: 'GetPayment',
      document: 'query GetPayment($id: ID!) { getPayment(id: $id) { id amountInCents } }',
    };
    await assert.rejects(clientModule(sdl, [drifted]), /amountInCents/);
  });
});
