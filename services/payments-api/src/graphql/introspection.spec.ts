import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildClientSchema, getIntrospectionQuery, type IntrospectionQuery } from 'graphql';
import { demoCaller, startTestIssuer, type TestIssuer } from '@atrium/test-kit';
import { startPayments, TEST_STORE, type PaymentsFixture } from '../payments-fixture.ts';

// GraphiQL, Amplify codegen and every schema-aware tool start with graphql-js' standard introspection
// query, 15 fields deep: introspection has its own depth bound, not the data queries' 10.

const FULL_INTROSPECTION = getIntrospectionQuery({
  descriptions: true,
  specifiedByUrl: true,
  directiveIsRepeatable: true,
  schemaDescription: true,
  inputValueDeprecation: true,
});

/** `__type { ofType { … } }` nested `levels` times: linear, but deeper than any tool asks. */
function ofTypeChain(levels: number): string {
  return `{ __type(name: "Payment") { ${'ofType { '.repeat(levels)}name${' }'.repeat(levels)} } }`;
}

/** A data selection 12 fields deep (validation reports the unknown fields after the depth). */
const DEEP_DATA = 'listPayments { items { id { a { b { c { d { e { f { g { h { i } } } } } } } } } } }';

describe(`introspection on ${TEST_STORE}`, () => {
  let issuer: TestIssuer;
  let development: PaymentsFixture;
  let production: PaymentsFixture;
  let viewer: string;
  before(async () => {
    issuer = await startTestIssuer();
    [development, production] = await Promise.all([
      startPayments(issuer),
      startPayments(issuer, { production: true }),
    ]);
    viewer = await issuer.mint(demoCaller('A', 'viewer'));
  });
  after(async () => {
    await Promise.allSettled([development.close(), production.close()]);
    await issuer.close();
  });

  test("graphql-js' standard introspection query answers the whole schema in development", async () => {
    const { status, body } = await development.gql(viewer, FULL_INTROSPECTION);
    assert.equal(status, 200, JSON.stringify(body.errors));
    assert.equal(body.errors, undefined);
    const schema = buildClientSchema(body.data as unknown as IntrospectionQuery);
    assert.ok(schema.getQueryType()?.getFields()['listPayments'], 'listPayments is introspected');
    assert.ok(schema.getType('Payment'), 'Payment is introspected');
  });

  test('an introspection chain deeper than the introspection bound is refused', async () => {
    const { status, body } = await development.gql(viewer, ofTypeChain(30));
    assert.equal(status, 400);
    assert.equal(body.errors?.[0]?.extensions?.['code'], 'QUERY_TOO_COMPLEX');
    assert.match(body.errors?.[0]?.message ?? '', /introspection/i);
  });

  test('introspection that fans out (fields of types of fields …) is refused by graphql-js own bound', async () => {
    const fanOut = '{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }';
    const { status, body } = await development.gql(viewer, fanOut);
    assert.equal(status, 400);
    assert.match(body.errors?.[0]?.message ?? '', /introspection|too deep/i);
  });

  test('data fields keep their depth bound of 10, beside introspection too', async () => {
    for (const query of [`{ ${DEEP_DATA} }`, `{ __schema { queryType { name } } ${DEEP_DATA} }`]) {
      const { status, body } = await development.gql(viewer, query);
      assert.equal(status, 400, query);
      assert.equal(body.errors?.[0]?.extensions?.['code'], 'QUERY_TOO_COMPLEX');
      assert.match(body.errors?.[0]?.message ?? '', /depth 12, at most 10/);
    }
  });

  test('production refuses the standard introspection query', async () => {
    const { status, body } = await production.gql(viewer, FULL_INTROSPECTION);
    assert.equal(status, 400);
    assert.equal(body.errors?.[0]?.extensions?.['code'], 'GRAPHQL_VALIDATION_FAILED');
    assert.equal(body.data ?? null, null);
  });
});
