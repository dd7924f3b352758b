import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { freePort, loginWithPassword, makeTempDir } from '@atrium/test-kit';
import { createEmbeddedServer, type EmbeddedServer } from './app.ts';
import { loadConfig } from './config.ts';

// ADR 0005 end to end: the payments API asks the REAL accounts API (mounted beside it, seeded with the
// demo accounts) whether a from-account is the caller's tenant's, with the caller's own token.

const TENANT_A_OPERATING = 'DK5000400440116243';
const TENANT_A_PAYROLL = 'DK2800400440116251';
const TENANT_B_MAIN = 'DK3352950001234560';

let dataDir: string;
let server: EmbeddedServer;
let base: string;
const tokens: Record<string, string> = {};

interface GraphqlAnswer {
  data?: Record<string, { id: string; from_account: string; _version: number } | null> | null;
  errors?: Array<{ message: string; errorType?: string; extensions?: Record<string, unknown> }>;
}

async function graphql(
  who: string,
  query: string,
  variables: Record<string, unknown>,
): Promise<GraphqlAnswer> {
  const response = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphqlAnswer;
}

const CREATE = `mutation($input: CreatePaymentInput!) { createPayment(input: $input) { id from_account _version } }`;
const UPDATE = `mutation($input: UpdatePaymentInput!) { updatePayment(input: $input) { id from_account _version } }`;
const GET = `query($id: ID!) { getPayment(id: $id) { id from_account _version } }`;
const COUNT = `query { listPayments(limit: 100) { items { id } } }`;

const draft = (from: string, overrides: Record<string, unknown> = {}) => ({
  input: {
    amount: 42,
    currency: 'DKK',
    dueDate: '2027-02-01T00:00:00.000Z',
    from_account: from,
    to_account: 'PAYEE001',
    type: 'DOMESTIC',
    ...overrides,
  },
});

const fieldCodes = (answer: GraphqlAnswer) =>
  (answer.errors ?? []).map((e) => `${String(e.extensions?.['field'])}:${String(e.extensions?.['code'])}`);

async function paymentCount(who: string): Promise<number> {
  const answer = (await graphql(who, COUNT, {})) as { data?: { listPayments?: { items: unknown[] } } };
  return answer.data?.listPayments?.items.length ?? -1;
}

before(async () => {
  dataDir = await makeTempDir('embedded-payment-accounts');
  const port = await freePort();
  base = `http://localhost:${port}`;
  const env = { PORT: String(port), ATRIUM_DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
  server = await createEmbeddedServer(loadConfig(env), env);
  await server.app.listen({ port, host: '127.0.0.1' });
  for (const username of ['userTenantA', 'adminTenantA', 'userTenantB']) {
    const login = await loginWithPassword({
      issuer: `${base}/auth`,
      redirectUri: `${base}/callback`,
      username,
      password: 'demo-password',
    });
    tokens[username] = login.access_token;
  }
});
after(async () => {
  await server.app.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe("a payment's from-account is one of the caller's tenant's accounts", () => {
  test('the demo IBANs are the ones this test expects', async () => {
    const response = await fetch(`${base}/api/accounts?limit=100`, {
      headers: { authorization: `Bearer ${tokens['userTenantA']}` },
    });
    const numbers = ((await response.json()) as { items: Array<{ account_number: string }> }).items.map(
      (a) => a.account_number,
    );
    assert.ok(numbers.includes(TENANT_A_OPERATING) && numbers.includes(TENANT_A_PAYROLL), numbers.join());
    assert.ok(!numbers.includes(TENANT_B_MAIN));
  });

  test('an account of the tenant is accepted, however it is spaced or cased', async () => {
    const answer = await graphql('userTenantA', CREATE, draft('dk50 0040 0440 1162 43'));
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
    assert.equal(answer.data?.['createPayment']?.from_account, TENANT_A_OPERATING);
  });

  test("another tenant's account, or a free reference, is ACCOUNT_UNKNOWN and nothing is written", async () => {
    const before = await paymentCount('userTenantA');
    const foreign = await graphql('userTenantA', CREATE, draft(TENANT_B_MAIN));
    assert.deepEqual(fieldCodes(foreign), ['from_account:ACCOUNT_UNKNOWN']);
    assert.equal(foreign.errors?.[0]?.message, "From account must be one of Tenant A's accounts");
    assert.equal(foreign.data?.['createPayment'], null);
    const free = await graphql('userTenantA', CREATE, draft('12345678'));
    assert.deepEqual(fieldCodes(free), ['from_account:ACCOUNT_UNKNOWN']);
    assert.equal(await paymentCount('userTenantA'), before);
    // And the other way round: Tenant B pays from its own account, not from Tenant A's.
    assert.equal((await graphql('userTenantB', CREATE, draft(TENANT_B_MAIN))).errors, undefined);
    assert.deepEqual(fieldCodes(await graphql('userTenantB', CREATE, draft(TENANT_A_OPERATING))), [
      'from_account:ACCOUNT_UNKNOWN',
    ]);
  });

  test('an account the admin created a moment ago is accepted at once (misses are never cached)', async () => {
    const number = '1234-0009876543';
    assert.deepEqual(fieldCodes(await graphql('userTenantA', CREATE, draft(number))), [
      'from_account:ACCOUNT_UNKNOWN',
    ]);
    const created = await fetch(`${base}/api/accounts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokens['adminTenantA']}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        nickname: 'New payables',
        type: 'domestic',
        account_number: number,
        currency: 'DKK',
      }),
    });
    assert.equal(created.status, 201, await created.text());
    // Typed without the hyphen: compared as the accounts API stores account numbers.
    const answer = await graphql('userTenantA', CREATE, draft('12340009876543'));
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
    assert.equal(answer.data?.['createPayment']?.from_account, number);
  });

  test("an account beyond the first page of the tenant's accounts is found (one exact lookup by number)", async () => {
    // 100 accounts whose nicknames sort first push the demo accounts to the second page of 100.
    for (let i = 0; i < 100; i += 1) {
      const created = await fetch(`${base}/api/accounts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tokens['adminTenantA']}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          nickname: `Bulk ${String(i).padStart(3, '0')}`,
          type: 'domestic',
          account_number: `5555-${String(i).padStart(8, '0')}`,
          currency: 'DKK',
        }),
      });
      assert.equal(created.status, 201);
    }
    const page = async (cursor?: string) =>
      (await (
        await fetch(`${base}/api/accounts?limit=100${cursor === undefined ? '' : `&cursor=${cursor}`}`, {
          headers: { authorization: `Bearer ${tokens['userTenantA']}` },
        })
      ).json()) as { items: Array<{ nickname: string; account_number: string }>; next_cursor: string | null };
    const first = await page();
    assert.ok(first.next_cursor !== null);
    const taxReserve = (await page(first.next_cursor)).items.find((a) => a.nickname === 'Tax reserve');
    assert.ok(taxReserve, 'Tax reserve is on the second page');
    const answer = await graphql('userTenantA', CREATE, draft(taxReserve.account_number));
    assert.equal(answer.errors, undefined, JSON.stringify(answer.errors));
    assert.equal(answer.data?.['createPayment']?.from_account, taxReserve.account_number);
  });

  test('an update that changes the from-account is checked too; a refused one changes nothing', async () => {
    const created = (await graphql('userTenantA', CREATE, draft(TENANT_A_OPERATING))).data?.['createPayment'];
    assert.ok(created);
    const refused = await graphql('userTenantA', UPDATE, {
      input: { id: created.id, _version: 1, from_account: TENANT_B_MAIN },
    });
    assert.deepEqual(fieldCodes(refused), ['from_account:ACCOUNT_UNKNOWN']);
    const unchanged = (await graphql('userTenantA', GET, { id: created.id })).data?.['getPayment'];
    assert.deepEqual(
      { from: unchanged?.from_account, version: unchanged?._version },
      { from: TENANT_A_OPERATING, version: 1 },
    );
    const moved = await graphql('userTenantA', UPDATE, {
      input: { id: created.id, _version: 1, from_account: TENANT_A_PAYROLL, message: 'Payroll run' },
    });
    assert.equal(moved.errors, undefined, JSON.stringify(moved.errors));
    assert.equal(moved.data?.['updatePayment']?.from_account, TENANT_A_PAYROLL);
  });
});
