import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { demoCaller, startTestIssuer, type TestIssuer } from '@atrium/test-kit';
import { loadConfig } from '../config.ts';
import { startPayments, TEST_STORE, type PaymentsFixture } from '../payments-fixture.ts';

// AppSync's generated list queries return up to 100 items without a `limit`: the articles' UI relied
// on it (it listed without a limit and paged on the client), so Atrium's default is the same.

const CREATE = `mutation($input: CreatePaymentInput!) { createPayment(input: $input) { id } }`;
const LIST = `query($limit: Int, $nextToken: String) {
  listPayments(limit: $limit, nextToken: $nextToken) { items { id } nextToken } }`;
const LIMIT_DESCRIPTION = `{ __type(name: "Query") { fields { name args { name description } } } }`;

interface Page {
  readonly items: readonly { id: string }[];
  readonly nextToken: string | null;
}

describe(`listPayments without a limit on ${TEST_STORE}`, () => {
  let issuer: TestIssuer;
  let api: PaymentsFixture;
  let configured: PaymentsFixture;
  let member: string;
  before(async () => {
    issuer = await startTestIssuer();
    api = await startPayments(issuer);
    configured = await startPayments(issuer, {
      listDefaultLimit: loadConfig({ PAYMENTS_LIST_DEFAULT_LIMIT: '30' }).listDefaultLimit,
    });
    member = await issuer.mint(demoCaller('A', 'member'));
    for (const target of [api, configured])
      for (let n = 0; n < 120; n += 1) {
        const { body } = await target.gql(member, CREATE, {
          input: {
            amount: n + 1,
            currency: 'DKK',
            dueDate: '2026-12-24T00:00:00.000Z',
            from_account: 'DK001',
            to_account: 'DK002',
            message: `Payment ${n}`,
            type: 'DOMESTIC',
          },
        });
        assert.equal(body.errors, undefined, JSON.stringify(body.errors));
      }
  });
  after(async () => {
    await Promise.allSettled([api, configured].map(async (target) => target.close()));
    await issuer.close();
  });

  async function page(target: PaymentsFixture, variables: Record<string, unknown>): Promise<Page> {
    const { body } = await target.gql(member, LIST, variables);
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    return body.data?.['listPayments'] as Page;
  }

  test("returns AppSync's 100 items and a nextToken to the other 20", async () => {
    const first = await page(api, {});
    assert.equal(first.items.length, 100);
    assert.notEqual(first.nextToken, null);
    const rest = await page(api, { nextToken: first.nextToken });
    assert.equal(rest.items.length, 20);
    assert.equal(rest.nextToken, null);
    const ids = new Set([...first.items, ...rest.items].map((item) => item.id));
    assert.equal(ids.size, 120);
  });

  test('a limit above the bound of 100 is refused with LIMIT_TOO_LARGE; 100 itself is served', async () => {
    const tooMany = await api.gql(member, LIST, { limit: 101 });
    assert.equal(tooMany.body.errors?.[0]?.extensions?.['code'], 'LIMIT_TOO_LARGE');
    assert.match(String(tooMany.body.errors?.[0]?.message), /100/);
    assert.equal(tooMany.body.data?.['listPayments'] ?? null, null);
    assert.equal((await page(api, { limit: 100 })).items.length, 100);
  });

  test('PAYMENTS_LIST_DEFAULT_LIMIT sets the default; an explicit limit still wins', async () => {
    assert.equal((await page(configured, {})).items.length, 30);
    assert.equal((await page(configured, { limit: 70 })).items.length, 70);
  });

  test("the schema says the limit's default and bound", async () => {
    const { body } = await api.gql(member, LIMIT_DESCRIPTION);
    const fields = (
      body.data?.['__type'] as {
        fields: { name: string; args: { name: string; description: string | null }[] }[];
      }
    ).fields;
    const limit = fields.find((f) => f.name === 'listPayments')?.args.find((a) => a.name === 'limit');
    assert.match(String(limit?.description), /default 100/);
    assert.match(String(limit?.description), /at most 100/);
    const own = (await configured.gql(member, LIMIT_DESCRIPTION)).body.data?.['__type'] as typeof body.data;
    assert.match(JSON.stringify(own), /default 30/);
  });
});
