import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PAYMENT_INPUT } from '@atrium/contracts';
import { demoCaller, startTestIssuer, type TestIssuer } from '@atrium/test-kit';
import { startPayments, type PaymentsFixture } from '../payments-fixture.ts';

// The payment form (apps/payments, payment-form/payment-rules.ts) refuses a message or a due date
// from the bounds in @atrium/contracts before it sends anything; its component spec checks the form
// starts refusing exactly there. This checks the API, over HTTP, refuses exactly there too: when one
// side's bound drifts from the shared one, one of the two specs fails.

const CREATE = `mutation($input: CreatePaymentInput!) { createPayment(input: $input) { id message dueDate } }`;
const LIST = `query($filter: ModelPaymentFilterInput) { listPayments(filter: $filter) { items { id } } }`;

describe('payment input bounds are the ones the payment form shows', () => {
  let issuer: TestIssuer;
  let api: PaymentsFixture;
  let token: string;

  before(async () => {
    issuer = await startTestIssuer();
    api = await startPayments(issuer, { listen: true });
    token = await issuer.mint(demoCaller('A', 'member'));
  });
  after(async () => {
    await api.close();
    await issuer.close();
  });

  /** Creates a payment over HTTP as the form sends it; returns the refusal per field and what was stored. */
  async function create(message: string, dueDay: string) {
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: CREATE,
        variables: {
          input: {
            amount: 10,
            currency: 'DKK',
            // The form sends the picked day at midnight UTC.
            dueDate: `${dueDay}T00:00:00.000Z`,
            from_account: 'DK001',
            to_account: 'DK002',
            message,
            type: 'DOMESTIC',
          },
        },
      }),
    });
    assert.equal(response.status, 200);
    // One GraphQL error per refused field, as AppSync answers.
    const body = (await response.json()) as {
      errors?: { message: string; extensions?: { field?: string; code?: string } }[];
    };
    const problems = (body.errors ?? []).map((error) => ({
      field: error.extensions?.field,
      code: error.extensions?.code,
      message: error.message,
    }));
    const listed = await api.gql(token, LIST, { filter: { message: { eq: message } } });
    const stored = (listed.body.data?.['listPayments'] as { items: unknown[] }).items.length;
    return { problems, stored };
  }

  it('keeps a message of exactly the longest length and refuses one character more, naming the bound', async () => {
    const max = PAYMENT_INPUT.messageMaxLength;
    const longest = 'm'.repeat(max - 1) + '1';
    assert.deepEqual(await create(longest, '2026-12-24'), { problems: [], stored: 1 });
    const tooLong = 'm'.repeat(max) + '2';
    assert.deepEqual(await create(tooLong, '2026-12-24'), {
      problems: [
        { field: 'message', code: 'TOO_LONG', message: `Message must be at most ${max} characters` },
      ],
      stored: 0,
    });
  });

  it('keeps due dates on the first and last day of the year range and refuses the days just outside', async () => {
    const [first, last] = PAYMENT_INPUT.dueDateYears;
    assert.deepEqual(await create('due-first', `${first}-01-01`), { problems: [], stored: 1 });
    assert.deepEqual(await create('due-last', `${last}-12-31`), { problems: [], stored: 1 });
    const refused = [{ field: 'dueDate', code: 'DATE_INVALID', message: 'Due date must be a valid date' }];
    assert.deepEqual(await create('due-before', `${first - 1}-12-31`), { problems: refused, stored: 0 });
    assert.deepEqual(await create('due-after', `${last + 1}-01-01`), { problems: refused, stored: 0 });
  });
});
