import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildClientSchema,
  getIntrospectionQuery,
  isInputObjectType,
  isObjectType,
  type GraphQLField,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import { demoCaller, startTestIssuer, type TestIssuer } from '@atrium/test-kit';
import { readAnnotatedSchema } from '../model/definition.ts';
import { startPayments, type PaymentsFixture } from '../payments-fixture.ts';

function signature(field: GraphQLField<unknown, unknown>): string {
  const args = field.args.map((a) => `${a.name}: ${a.type.toString()}`).join(', ');
  return `${field.name}${args === '' ? '' : `(${args})`}: ${field.type.toString()}`;
}

describe('model transformer', () => {
  // The schema the service serves (the shipped annotated schema, Payment's extension included),
  // as a client sees it through introspection.
  let schema: GraphQLSchema;
  before(async () => {
    const issuer = await startTestIssuer();
    const api = await startPayments(issuer);
    try {
      const { body } = await api.gql(await issuer.mint(demoCaller('A', 'viewer')), getIntrospectionQuery());
      assert.equal(body.errors, undefined, JSON.stringify(body.errors));
      schema = buildClientSchema(body.data as unknown as IntrospectionQuery);
    } finally {
      await api.close();
      await issuer.close();
    }
  });

  it("generates Amplify v2's root operations for Payment, with their exact argument types", () => {
    const fields = (name: string): Record<string, GraphQLField<unknown, unknown>> => {
      const type = schema.getType(name);
      assert.ok(isObjectType(type));
      return type.getFields();
    };
    const q = fields('Query');
    const m = fields('Mutation');
    const s = fields('Subscription');
    assert.equal(signature(q['getPayment'] as never), 'getPayment(id: ID!): Payment');
    // Amplify's arguments come first, unchanged; Atrium's sort arguments are optional extras.
    assert.match(
      signature(q['listPayments'] as never),
      /^listPayments\(filter: ModelPaymentFilterInput, limit: Int, nextToken: String, sortField: PaymentSortField, sortDirection: ModelSortDirection\): ModelPaymentConnection$/,
    );
    assert.match(
      signature(m['createPayment'] as never),
      /^createPayment\(input: CreatePaymentInput!, condition: ModelPaymentConditionInput, idempotencyKey: String\): Payment$/,
    );
    assert.equal(
      signature(m['updatePayment'] as never),
      'updatePayment(input: UpdatePaymentInput!, condition: ModelPaymentConditionInput): Payment',
    );
    assert.equal(
      signature(m['deletePayment'] as never),
      'deletePayment(input: DeletePaymentInput!, condition: ModelPaymentConditionInput): Payment',
    );
    for (const event of ['onCreatePayment', 'onUpdatePayment', 'onDeletePayment'])
      assert.equal(
        signature(s[event] as never),
        `${event}(filter: ModelSubscriptionPaymentFilterInput, tenantId: String): Payment`,
      );
    assert.equal(
      signature(m['confirmPayment'] as never),
      'confirmPayment(id: ID!, expectedVersion: Int!): Payment',
    );
    assert.equal(signature(q['paymentAudit'] as never), 'paymentAudit(paymentId: ID!): [PaymentAuditEntry!]');
  });

  it("generates Amplify's types and inputs with the seed's field names and types", () => {
    const payment = schema.getType('Payment');
    assert.ok(isObjectType(payment));
    const types = Object.fromEntries(
      Object.values(payment.getFields()).map((f) => [f.name, f.type.toString()]),
    );
    for (const [name, type] of Object.entries({
      id: 'ID!',
      amount: 'Float!',
      currency: 'String!',
      dueDate: 'AWSDateTime!',
      from_account: 'String!',
      to_account: 'String!',
      message: 'String',
      type: 'PaymentType!',
      tenantId: 'ID!',
      createdAt: 'AWSDateTime!',
      updatedAt: 'AWSDateTime!',
      _version: 'Int!',
      status: 'PaymentStatus!',
    }))
      assert.equal(types[name], type, name);
    const create = schema.getType('CreatePaymentInput');
    assert.ok(isInputObjectType(create));
    const createFields = Object.fromEntries(
      Object.values(create.getFields()).map((f) => [f.name, f.type.toString()]),
    );
    assert.deepEqual(createFields, {
      id: 'ID',
      amount: 'Float!',
      currency: 'String!',
      dueDate: 'AWSDateTime!',
      from_account: 'String!',
      to_account: 'String!',
      message: 'String',
      type: 'PaymentType!',
      tenantId: 'ID',
    });
    const filter = schema.getType('ModelPaymentFilterInput');
    assert.ok(isInputObjectType(filter));
    for (const name of [
      'id',
      'amount',
      'currency',
      'dueDate',
      'from_account',
      'to_account',
      'message',
      'type',
      'tenantId',
      'createdAt',
      'updatedAt',
      'and',
      'or',
      'not',
    ])
      assert.ok(name in filter.getFields(), name);
    const stringInput = schema.getType('ModelStringInput');
    assert.ok(isInputObjectType(stringInput));
    assert.deepEqual(Object.keys(stringInput.getFields()), [
      'ne',
      'eq',
      'le',
      'lt',
      'ge',
      'gt',
      'contains',
      'notContains',
      'between',
      'beginsWith',
      'attributeExists',
      'attributeType',
      'size',
    ]);
    for (const name of [
      'ModelPaymentConnection',
      'ModelPaymentConditionInput',
      'UpdatePaymentInput',
      'DeletePaymentInput',
      'ModelSubscriptionPaymentFilterInput',
      'ModelPaymentTypeInput',
      'ModelSortDirection',
      'ModelAttributeTypes',
      'ModelIDInput',
      'ModelFloatInput',
      'ModelIntInput',
      'ModelBooleanInput',
      'ModelSizeInput',
    ])
      assert.ok(schema.getType(name), name);
  });

  it('refuses a model without an owner @auth rule', () => {
    assert.throws(() => readAnnotatedSchema('type Note @model { id: ID!, text: String }'), /@auth/);
  });

  it('refuses, naming the field, a type the served schema does not declare (AWSDate, AWSEmail)', () => {
    for (const type of ['AWSDate', 'AWSEmail'])
      assert.throws(
        () =>
          readAnnotatedSchema(
            `type Note @model @auth(rules: [{ allow: owner, ownerField: "tenantId" }]) { id: ID!, on: ${type}, tenantId: ID! }`,
          ),
        new RegExp(`Note\\.on: type ${type} is not supported`),
      );
  });
});

describe('a second @model needs no hand-written resolver', () => {
  const TWO_MODELS = `
type Payment @model @auth(rules: [{ allow: owner, ownerField: "tenantId", identityClaim: "custom:tenantId" }]) {
  id: ID!
  amount: Float! @sortable
  tenantId: ID!
}
type Invoice @model @auth(rules: [{ allow: owner, ownerField: "tenantId", identityClaim: "custom:tenantId" }]) {
  id: ID!
  number: String!
  total: Float! @sortable
  paid: Boolean
  tenantId: ID!
}`;
  let issuer: TestIssuer;
  let api: PaymentsFixture;
  before(async () => {
    issuer = await startTestIssuer();
    api = await startPayments(issuer, { schemaSdl: TWO_MODELS, behaviours: {} });
  });
  after(async () => {
    await api.close();
    await issuer.close();
  });

  it('serves CRUD, sorted lists and tenant isolation for the throwaway Invoice model', async () => {
    const a = await issuer.mint(demoCaller('A', 'member'));
    const b = await issuer.mint(demoCaller('B', 'member'));
    const ids: string[] = [];
    for (const [number, total] of [
      ['I-1', 30.5],
      ['I-2', 10.25],
      ['I-3', 20],
    ] as const) {
      const { body } = await api.gql(
        a,
        'mutation($i: CreateInvoiceInput!) { createInvoice(input: $i) { id tenantId total _version } }',
        { i: { number, total } },
      );
      assert.equal(body.errors, undefined, JSON.stringify(body.errors));
      ids.push((body.data?.['createInvoice'] as { id: string }).id);
    }
    const list = await api.gql(
      a,
      '{ listInvoices(sortField: TOTAL, sortDirection: ASC) { items { number total } nextToken } }',
    );
    assert.deepEqual(
      (list.body.data?.['listInvoices'] as { items: { number: string }[] }).items.map((i) => i.number),
      ['I-2', 'I-3', 'I-1'],
    );
    const updated = await api.gql(
      a,
      'mutation($i: UpdateInvoiceInput!) { updateInvoice(input: $i) { paid _version } }',
      { i: { id: ids[0], paid: true, _version: 1 } },
    );
    assert.deepEqual(updated.body.data?.['updateInvoice'], { paid: true, _version: 2 });
    assert.equal(
      (await api.gql(b, 'query($id: ID!) { getInvoice(id: $id) { id } }', { id: ids[0] })).body.data?.[
        'getInvoice'
      ],
      null,
    );
    const forged = await api.gql(a, 'mutation($i: CreateInvoiceInput!) { createInvoice(input: $i) { id } }', {
      i: { number: 'X', total: 1, tenantId: 'TenantB' },
    });
    assert.equal(forged.body.errors?.[0]?.message, 'Not Authorized to access createInvoice on type Mutation');
    const audit = await api.gql(a, 'query($id: ID!) { invoiceAudit(invoiceId: $id) { operation } }', {
      id: ids[0],
    });
    assert.deepEqual(audit.body.data?.['invoiceAudit'], [{ operation: 'CREATE' }, { operation: 'UPDATE' }]);
    // The Payment model keeps working beside it, generic rules only (no behaviour given).
    const p = await api.gql(a, 'mutation { createPayment(input: { amount: 5 }) { id amount } }');
    assert.equal((p.body.data?.['createPayment'] as { amount: number }).amount, 5);
  });
});
