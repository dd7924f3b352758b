import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { demoCaller, makeTempDir, startTestIssuer, type TestIssuer } from '@atrium/test-kit';
import { startPayments, TEST_STORE, type PaymentsFixture } from '../payments-fixture.ts';
import { readAnnotatedSchema } from './definition.ts';
import { matchesFilter, type Filter, type ModelRecord } from './filter.ts';

// What every adapter of the store port must do alike, driven through the GraphQL API.

const FIELDS =
  'id amount currency dueDate from_account to_account message type tenantId status createdBy confirmedBy createdAt updatedAt _version';
const CREATE = `mutation($input: CreatePaymentInput!) { createPayment(input: $input) { ${FIELDS} } }`;
const LIST = `query($filter: ModelPaymentFilterInput, $limit: Int, $nextToken: String, $sortField: PaymentSortField, $sortDirection: ModelSortDirection) {
  listPayments(filter: $filter, limit: $limit, nextToken: $nextToken, sortField: $sortField, sortDirection: $sortDirection) { items { ${FIELDS} } nextToken } }`;

interface PageOut {
  items: ModelRecord[];
  nextToken: string | null;
}

describe(`the store port on ${TEST_STORE}`, () => {
  let issuer: TestIssuer;
  let api: PaymentsFixture;
  let token: string;
  const created: ModelRecord[] = [];

  const list = async (variables: Record<string, unknown>): Promise<PageOut> => {
    const { body } = await api.gql(token, LIST, variables);
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    return body.data?.['listPayments'] as PageOut;
  };
  const listAll = async (variables: Record<string, unknown>): Promise<ModelRecord[]> => {
    const all: ModelRecord[] = [];
    let nextToken: string | null = null;
    do {
      const page = await list({ ...variables, limit: 7, nextToken });
      all.push(...page.items);
      nextToken = page.nextToken;
    } while (nextToken !== null);
    return all;
  };

  before(async () => {
    issuer = await startTestIssuer();
    api = await startPayments(issuer);
    token = await issuer.mint(demoCaller('A', 'member'));
    const currencies = ['DKK', 'EUR', 'KWD'];
    for (let i = 0; i < 24; i += 1) {
      const { body } = await api.gql(token, CREATE, {
        input: {
          amount: [0.1, 2, 10.5, 100, 99.99, 0.2][i % 6],
          currency: currencies[i % 3],
          dueDate: new Date(Date.UTC(2027, i % 12, 1 + i)).toISOString(),
          from_account: `ACC${i % 4}`,
          to_account: `DK50009${String(i).padStart(7, '0')}`,
          ...(i % 5 === 0 ? {} : { message: i % 2 === 0 ? `rent ${i}` : `Invoice ${i}` }),
          type: i % 3 === 0 ? 'INTERNATIONAL' : 'DOMESTIC',
        },
      });
      assert.equal(body.errors, undefined, JSON.stringify(body.errors));
      created.push(body.data?.['createPayment'] as ModelRecord);
    }
  });
  after(async () => {
    await api.close();
    await issuer.close();
  });

  it('filters exactly as the in-memory evaluator of conditions and subscriptions does', async () => {
    const model = readAnnotatedSchema(
      `type Payment @model @auth(rules: [{ allow: owner, ownerField: "tenantId", identityClaim: "custom:tenantId" }]) {
        id: ID! amount: Float! @sortable currency: String! dueDate: AWSDateTime! @sortable from_account: String!
        to_account: String! message: String type: String! tenantId: ID! status: String createdBy: String confirmedBy: String }`,
    ).models[0];
    assert.ok(model);
    // Every record, as the API shows it (Float as exact text, as the evaluator sees stored records).
    const records: ModelRecord[] = created.map((r) => ({ ...r, amount: String(r['amount']) }));
    const filters: Filter[] = [
      { amount: { gt: 10 } },
      { amount: { between: [0.1, 10.5] } },
      { amount: { eq: 0.3 } },
      { amount: { le: 0.2 }, currency: { ne: 'EUR' } },
      { message: { beginsWith: 'rent' } },
      { message: { contains: 'voice 1' } },
      { message: { notContains: 'rent' } },
      { message: { attributeExists: false } },
      { message: { ne: 'rent 2' } },
      { message: { size: { gt: 6 } } },
      { message: { attributeType: '_null' } },
      { dueDate: { ge: '2027-06-01' } },
      { dueDate: { lt: '2027-03-01T00:00:00.000Z' } },
      { createdAt: { gt: '2000' } },
      { from_account: { eq: 'ACC1' }, type: { eq: 'INTERNATIONAL' } },
      { or: [{ from_account: { eq: 'ACC1' } }, { amount: { ge: 100 } }] },
      { not: { message: { beginsWith: 'rent' } } },
      { and: [{ type: { eq: 'DOMESTIC' } }, { not: { currency: { eq: 'DKK' } } }] },
      { or: [] },
      { status: { eq: 'UNCONFIRMED' }, to_account: { beginsWith: 'DK5000900000' } },
    ];
    for (const filter of filters) {
      const expected: unknown[] = records
        .filter((r) => matchesFilter(model, r, filter))
        .map((r) => r['id'])
        .sort();
      const listed = (await listAll({ filter })).map((r) => r['id']).sort();
      assert.deepEqual(listed, expected, JSON.stringify(filter));
    }
  });

  it('pages every sort order without gaps or repeats, in order', async () => {
    for (const sortField of ['AMOUNT', 'DUE_DATE', 'CREATED_AT'])
      for (const sortDirection of ['ASC', 'DESC']) {
        const items = await listAll({ sortField, sortDirection });
        assert.equal(
          new Set(items.map((r) => r['id'])).size,
          created.length,
          `${sortField} ${sortDirection}`,
        );
        const key = sortField === 'AMOUNT' ? 'amount' : sortField === 'DUE_DATE' ? 'dueDate' : 'createdAt';
        const values = items.map((r) => r[key] as number | string);
        const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        assert.deepEqual(
          values,
          sortDirection === 'ASC' ? sorted : sorted.reverse(),
          `${sortField} ${sortDirection}`,
        );
      }
  });

  it("lists the seed's own-tenant filter as the unfiltered list: same items, same nextToken", async () => {
    const plain = await list({ limit: 5 });
    const own = await list({ limit: 5, filter: { tenantId: { eq: 'TenantA' } } });
    assert.deepEqual(own, plain);
    assert.notEqual(plain.nextToken, null);
    // Another tenant named in the filter is not the caller's own: nothing matches.
    assert.deepEqual((await list({ filter: { tenantId: { eq: 'TenantB' } } })).items, []);
  });
});

describe('an old embedded data folder (dynalite, before ADR 0106)', () => {
  it('stops the start with a message naming the folder, the import command and the alternative, and touches nothing', async () => {
    const issuer = await startTestIssuer();
    const folder = await makeTempDir('payments-old');
    await mkdir(join(folder, 'dynamodb'));
    try {
      await assert.rejects(
        startPayments(issuer, { storage: { kind: 'postgres', url: undefined, dataDir: folder } }),
        (error: Error) =>
          error.message.includes(join(folder, 'dynamodb')) &&
          /dynalite/.test(error.message) &&
          error.message.includes('npm run payments -- import-dynalite') &&
          /move that folder/.test(error.message),
      );
    } finally {
      await rm(folder, { recursive: true, force: true });
      await issuer.close();
    }
  });
});
