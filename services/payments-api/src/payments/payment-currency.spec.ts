import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { demoCaller, startTestIssuer, type TestIssuer } from '@atrium/test-kit';
import { startPayments, type PaymentsFixture } from '../payments-fixture.ts';

// The API allows a currency the decimals the browsers format it with (ICU's): a table of its own
// said HUF 2, COP 2, IQD 3 where ICU 78 says 0, so the API kept 10.50 HUF that the payment form
// refused and the table showed as "HUF 11".

const FIELDS = 'id amount currency';
const CREATE = `mutation($input: CreatePaymentInput!) { createPayment(input: $input) { ${FIELDS} } }`;
const LIST = `query($filter: ModelPaymentFilterInput) { listPayments(filter: $filter) { items { ${FIELDS} } } }`;

/** The decimals Intl prints for the currency, as a browser on this ICU shows it. */
function printedDecimals(currency: string): number {
  const parts = new Intl.NumberFormat('en', { style: 'currency', currency }).formatToParts(1);
  return parts.find((part) => part.type === 'fraction')?.value.length ?? 0;
}

describe('payment amounts have the decimals ICU gives their currency', () => {
  let issuer: TestIssuer;
  let api: PaymentsFixture;
  let token: string;
  let marker = 0;

  before(async () => {
    issuer = await startTestIssuer();
    api = await startPayments(issuer, { listen: true });
    token = await issuer.mint(demoCaller('A', 'member'));
  });
  after(async () => {
    await api.close();
    await issuer.close();
  });

  /** Creates a payment over HTTP; returns its stored amount, or the refusal's code and message. */
  async function create(amount: number | string, currency: string) {
    const message = `currency-${(marker += 1)}`;
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      // The amount as a JSON number token with exactly these digits, as the payment form sends it.
      body: `{"query":${JSON.stringify(CREATE)},"variables":{"input":{"amount":${amount},"currency":"${currency}",
        "dueDate":"2026-12-24T00:00:00.000Z","from_account":"DK001","to_account":"DK002","message":"${message}",
        "type":"DOMESTIC"}}}`,
    });
    const body = (await response.json()) as {
      data?: { createPayment: { amount: number } | null };
      errors?: { message: string; extensions?: { code?: string } }[];
    };
    const listed = await api.gql(token, LIST, { filter: { message: { eq: message } } });
    const stored = (listed.body.data?.['listPayments'] as { items: { amount: number }[] }).items;
    return {
      amount: body.data?.createPayment?.amount,
      code: body.errors?.[0]?.extensions?.code,
      message: body.errors?.[0]?.message,
      stored: stored.length,
    };
  }

  it('HUF, COP and IQD: as many decimals as ICU prints (none on ICU 78), and a refusal stores nothing', async () => {
    for (const [currency, amount] of [
      ['HUF', '10.50'],
      ['COP', '1500.5'],
      ['IQD', '1.234'],
    ] as const) {
      const decimals = printedDecimals(currency);
      const result = await create(amount, currency);
      if (amount.split('.')[1]!.replace(/0+$/, '').length > decimals) {
        assert.equal(result.code, 'AMOUNT_TOO_MANY_DECIMALS', `${amount} ${currency}`);
        assert.match(
          result.message ?? '',
          decimals === 0 ? new RegExp(`${currency} amounts have no decimals`) : /at most/,
        );
        assert.equal(result.stored, 0, `${amount} ${currency} is not stored`);
      } else assert.equal(result.stored, 1, `${amount} ${currency}`);
    }
    assert.deepEqual(await create('10', 'HUF'), {
      amount: 10,
      code: undefined,
      message: undefined,
      stored: 1,
    });
  });

  it('one currency per class: JPY 0, DKK 2, KWD 3 decimals', async () => {
    assert.equal((await create('1500.5', 'JPY')).code, 'AMOUNT_TOO_MANY_DECIMALS');
    assert.equal((await create('1500', 'JPY')).amount, 1500);
    assert.equal((await create('12.345', 'DKK')).code, 'AMOUNT_TOO_MANY_DECIMALS');
    assert.equal((await create('12.34', 'DKK')).amount, 12.34);
    assert.equal((await create('1.2345', 'KWD')).code, 'AMOUNT_TOO_MANY_DECIMALS');
    assert.equal((await create('1.234', 'KWD')).amount, 1.234);
  });
});
