import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { demoCaller, freePort, startTestIssuer, type TestIssuer } from '@atrium/test-kit';
import { startPayments, type GqlResponse, type PaymentsFixture } from '../payments-fixture.ts';

// The account-reference rule (ADR 0005) through the real service on the suite's store. The membership check
// against the real accounts API is in services/embedded (the one place both services meet).

const CREATE = `mutation($input: CreatePaymentInput!) { createPayment(input: $input) { id from_account to_account _version } }`;
const UPDATE = `mutation($input: UpdatePaymentInput!) { updatePayment(input: $input) { id from_account to_account _version } }`;
const COUNT = `query { listPayments(limit: 100) { items { id } } }`;

function draft(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    amount: 10,
    currency: 'DKK',
    dueDate: '2027-03-01T00:00:00.000Z',
    from_account: '12345678',
    to_account: '87654321',
    type: 'DOMESTIC',
    ...overrides,
  };
}

const problems = (body: GqlResponse['body']): Record<string, string> =>
  Object.fromEntries(
    (body.errors ?? []).map((e) => [String(e.extensions?.['field']), String(e.extensions?.['code'])]),
  );

describe('payment account references', () => {
  let issuer: TestIssuer;
  let api: PaymentsFixture;
  let member: string;

  before(async () => {
    issuer = await startTestIssuer();
    api = await startPayments(issuer);
    member = await issuer.mint(demoCaller('A', 'member'));
  });
  after(async () => {
    await api.close();
    await issuer.close();
  });

  it("keeps the articles' 8-character references and stores IBANs normalised", async () => {
    const short = await api.gql(member, CREATE, { input: draft() });
    assert.equal(short.body.errors, undefined, JSON.stringify(short.body.errors));
    const iban = await api.gql(member, CREATE, {
      input: draft({ from_account: ' dk50 0040 0440 1162 43 ', to_account: 'gb29 nwbk 6016 1331 9268 19' }),
    });
    assert.equal(iban.body.errors, undefined, JSON.stringify(iban.body.errors));
    assert.deepEqual(
      {
        from: (iban.body.data?.['createPayment'] as Record<string, unknown>)['from_account'],
        to: (iban.body.data?.['createPayment'] as Record<string, unknown>)['to_account'],
      },
      { from: 'DK5000400440116243', to: 'GB29NWBK60161331926819' },
    );
    const national = await api.gql(member, CREATE, { input: draft({ from_account: '1234-0001234567' }) });
    assert.equal(national.body.errors, undefined, JSON.stringify(national.body.errors));
  });

  it('refuses with one machine-readable code per field, a clear message, and writes nothing', async () => {
    const before = ((await api.gql(member, COUNT)).body.data?.['listPayments'] as { items: unknown[] }).items
      .length;
    const bad = await api.gql(member, CREATE, {
      input: draft({ from_account: 'DK5100400440116243', to_account: 'A'.repeat(35) }),
    });
    assert.deepEqual(problems(bad.body), { from_account: 'IBAN_INVALID', to_account: 'TOO_LONG' });
    assert.deepEqual(
      bad.body.errors?.map((e) => e.message),
      [
        'From account is not a valid IBAN: the IBAN check digits do not match',
        'To account must be at most 34 characters',
      ],
    );
    const chars = await api.gql(member, CREATE, { input: draft({ to_account: 'ACC_0001' }) });
    assert.deepEqual(problems(chars.body), { to_account: 'INVALID_CHARACTERS' });
    assert.equal(chars.body.errors?.[0]?.message, 'To account may contain only letters, digits and -');
    const blank = await api.gql(member, CREATE, { input: draft({ from_account: '   ' }) });
    assert.deepEqual(problems(blank.body), { from_account: 'REQUIRED' });
    const after = ((await api.gql(member, COUNT)).body.data?.['listPayments'] as { items: unknown[] }).items
      .length;
    assert.equal(after, before);
  });

  it('compares the two sides as account numbers, so one account written twice ways is refused', async () => {
    const same = await api.gql(member, CREATE, {
      input: draft({ from_account: '1234 0001234567', to_account: '12340001234567' }),
    });
    assert.deepEqual(problems(same.body), { to_account: 'SAME_ACCOUNT' });
    const iban = await api.gql(member, CREATE, {
      input: draft({ from_account: 'DK5000400440116243', to_account: 'dk50 0040 0440 1162 43' }),
    });
    assert.deepEqual(problems(iban.body), { to_account: 'SAME_ACCOUNT' });
  });

  it('an update is held to the same rule and a refused one changes nothing', async () => {
    const created = (await api.gql(member, CREATE, { input: draft() })).body.data?.['createPayment'] as {
      id: string;
    };
    const refused = await api.gql(member, UPDATE, {
      input: { id: created.id, _version: 1, to_account: 'NO9386011117948' },
    });
    assert.deepEqual(problems(refused.body), { to_account: 'IBAN_INVALID' });
    const changed = await api.gql(member, UPDATE, {
      input: { id: created.id, _version: 1, to_account: 'no93 8601 1117 947' },
    });
    assert.equal(changed.body.errors, undefined, JSON.stringify(changed.body.errors));
    assert.equal((changed.body.data?.['updatePayment'] as { _version: number })._version, 2);
    assert.equal(
      (changed.body.data?.['updatePayment'] as { to_account: string }).to_account,
      'NO9386011117947',
    );
  });
});

describe('payment account references with an accounts API that cannot be reached', () => {
  let issuer: TestIssuer;
  let api: PaymentsFixture;

  before(async () => {
    issuer = await startTestIssuer();
    // A free port nobody listens on: connections are refused at once.
    const port = await freePort();
    api = await startPayments(issuer, { accountsApi: { url: `http://127.0.0.1:${port}/api/accounts` } });
  });
  after(async () => {
    await api.close();
    await issuer.close();
  });

  it('answers a retryable error of its own and writes nothing', async () => {
    const member = await issuer.mint(demoCaller('A', 'member'));
    const { body } = await api.gql(member, CREATE, { input: draft() });
    assert.equal(body.data?.['createPayment'], null);
    assert.equal(body.errors?.length, 1);
    assert.equal(body.errors?.[0]?.extensions?.['code'], 'ACCOUNTS_UNAVAILABLE');
    assert.equal(body.errors?.[0]?.errorType, 'ServiceUnavailable');
    assert.match(body.errors?.[0]?.message ?? '', /nothing was saved\. Try again/);
    const list = (await api.gql(member, COUNT)).body.data?.['listPayments'] as { items: unknown[] };
    assert.equal(list.items.length, 0);
  });

  it('still refuses a bad reference by the rule first, without asking the accounts API', async () => {
    const member = await issuer.mint(demoCaller('A', 'member'));
    const { body } = await api.gql(member, CREATE, {
      input: draft({ from_account: 'DK51' + '0'.repeat(14) }),
    });
    assert.deepEqual(problems(body), { from_account: 'IBAN_INVALID' });
  });
});
