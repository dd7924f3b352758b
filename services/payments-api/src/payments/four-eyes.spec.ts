import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { demoCaller, startTestIssuer, type TestIssuer } from '@atrium/test-kit';
import { startPayments, type PaymentsFixture } from '../payments-fixture.ts';

// Four eyes: what is paid is confirmed by someone other than whoever decided it — the creator, and
// whoever last changed a term (amount, currency, accounts, due date, type) by editing it.

const FIELDS = 'id amount to_account status confirmedBy _version';
const CREATE = `mutation($input: CreatePaymentInput!) { createPayment(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation($input: UpdatePaymentInput!) { updatePayment(input: $input) { ${FIELDS} } }`;
const CONFIRM = `mutation($id: ID!, $v: Int!) { confirmPayment(id: $id, expectedVersion: $v) { ${FIELDS} } }`;
const GET = `query($id: ID!) { getPayment(id: $id) { ${FIELDS} } }`;
const AUDIT = `query($id: ID!) { paymentAudit(paymentId: $id) { actor operation version } }`;

type Payment = { id: string; _version: number; status: string; amount: number; to_account: string };

const draft = {
  amount: 7,
  currency: 'DKK',
  dueDate: '2026-12-24T00:00:00.000Z',
  from_account: 'DK001',
  to_account: 'DK002',
  message: 'Rent',
  type: 'DOMESTIC',
};

describe('four eyes cannot be bypassed by editing', () => {
  let issuer: TestIssuer;
  let api: PaymentsFixture;
  const log: Record<string, unknown>[] = [];
  const tokens: Record<string, string> = {};
  // Each person holds both roles, the case the audit found: member (edits) and approver (confirms).
  const people = ['creator', 'editor', 'colleague', 'reviewer'] as const;

  before(async () => {
    issuer = await startTestIssuer();
    api = await startPayments(issuer, {
      logStream: { write: (line: string) => void log.push(JSON.parse(line) as Record<string, unknown>) },
    });
    for (const person of people)
      tokens[person] = await issuer.mint({
        ...demoCaller('A', 'member'),
        roles: ['member', 'approver'],
        username: person,
        sub: `sub-${person}`,
      });
  });
  after(async () => {
    await api.close();
    await issuer.close();
  });

  const as = (person: (typeof people)[number]) => tokens[person] as string;
  async function create(): Promise<Payment> {
    const { body } = await api.gql(as('creator'), CREATE, { input: draft });
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    return body.data?.['createPayment'] as Payment;
  }
  async function edit(person: (typeof people)[number], id: string, changes: Record<string, unknown>) {
    const { body } = await api.gql(as(person), UPDATE, { input: { id, ...changes } });
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    return body.data?.['updatePayment'] as Payment;
  }
  const get = async (id: string) =>
    (await api.gql(as('reviewer'), GET, { id })).body.data?.['getPayment'] as Payment;

  it("refuses the confirm of whoever rewrote a colleague's payment, and changes nothing", async () => {
    const p = await create();
    const rewritten = await edit('editor', p.id, { amount: 99999, to_account: 'DK666' });
    const refused = await api.gql(as('editor'), CONFIRM, { id: p.id, v: rewritten._version });
    assert.equal(refused.body.data?.['confirmPayment'], null);
    assert.equal(refused.body.errors?.[0]?.extensions?.['code'], 'SELF_CONFIRMATION');
    assert.match(String(refused.body.errors?.[0]?.message), /changed its amount and to_account/);
    const stored = await get(p.id);
    assert.deepEqual([stored.status, stored._version], ['UNCONFIRMED', rewritten._version]);

    // Someone who decided none of it confirms the payment as it now stands.
    const confirmed = await api.gql(as('reviewer'), CONFIRM, { id: p.id, v: rewritten._version });
    assert.equal(confirmed.body.errors, undefined, JSON.stringify(confirmed.body.errors));
    assert.equal((confirmed.body.data?.['confirmPayment'] as Payment).status, 'CONFIRMED');
  });

  for (const [field, value] of Object.entries({
    amount: 8,
    currency: 'EUR',
    from_account: 'DK003',
    to_account: 'DK004',
    dueDate: '2027-01-02T00:00:00.000Z',
    type: 'INTERNATIONAL',
  }))
    it(`a change of ${field} blocks its author from confirming`, async () => {
      const p = await create();
      const changed = await edit('editor', p.id, { [field]: value });
      const refused = await api.gql(as('editor'), CONFIRM, { id: p.id, v: changed._version });
      assert.equal(refused.body.errors?.[0]?.extensions?.['code'], 'SELF_CONFIRMATION', field);
      assert.equal((await get(p.id)).status, 'UNCONFIRMED');
    });

  it('editing only the message does not take the confirm away (it does not change what is paid)', async () => {
    const p = await create();
    const noted = await edit('editor', p.id, { message: 'January rent' });
    const confirmed = await api.gql(as('editor'), CONFIRM, { id: p.id, v: noted._version });
    assert.equal(confirmed.body.errors, undefined, JSON.stringify(confirmed.body.errors));
    assert.equal((await get(p.id)).status, 'CONFIRMED');
  });

  it('an earlier editor whose change still stands stays blocked when someone else edits later', async () => {
    const p = await create();
    await edit('editor', p.id, { amount: 99999 });
    const later = await edit('colleague', p.id, { to_account: 'DK005' });
    for (const person of ['creator', 'editor', 'colleague'] as const) {
      const refused = await api.gql(as(person), CONFIRM, { id: p.id, v: later._version });
      assert.equal(refused.body.errors?.[0]?.extensions?.['code'], 'SELF_CONFIRMATION', person);
    }
    const confirmed = await api.gql(as('reviewer'), CONFIRM, { id: p.id, v: later._version });
    assert.equal(confirmed.body.errors, undefined, JSON.stringify(confirmed.body.errors));
  });

  it('an editor whose change was undone by someone else no longer decided anything', async () => {
    const p = await create();
    await edit('editor', p.id, { amount: 99999 });
    const undone = await edit('colleague', p.id, { amount: 7 });
    const confirmed = await api.gql(as('editor'), CONFIRM, { id: p.id, v: undone._version });
    assert.equal(confirmed.body.errors, undefined, JSON.stringify(confirmed.body.errors));
    assert.equal((await get(p.id)).amount, 7);
  });

  it('records a refused confirm for the operator: who, which payment, and why', async () => {
    const p = await create();
    const changed = await edit('editor', p.id, { amount: 123 });
    log.length = 0;
    await api.gql(as('editor'), CONFIRM, { id: p.id, v: changed._version });
    const entry = log.find((line) => line['code'] === 'SELF_CONFIRMATION');
    assert.ok(entry, `a log entry of the refusal: ${JSON.stringify(log)}`);
    assert.deepEqual(
      {
        paymentId: entry['paymentId'],
        tenantId: entry['tenantId'],
        actorId: entry['actorId'],
        changed: entry['changed'],
        version: entry['version'],
      },
      { paymentId: p.id, tenantId: 'TenantA', actorId: 'sub-editor', changed: ['amount'], version: 2 },
    );
    // The audit trail itself shows the change that blocked the confirm, and no confirm.
    const trail = (await api.gql(as('reviewer'), AUDIT, { id: p.id })).body.data?.['paymentAudit'] as {
      actor: string;
      operation: string;
    }[];
    assert.deepEqual(
      trail.map((e) => `${e.operation} by ${e.actor}`),
      ['CREATE by creator', 'UPDATE by editor'],
    );
  });
});
