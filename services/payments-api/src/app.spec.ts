import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { demoCaller, makeTempDir, startTestIssuer, type TestIssuer } from '@atrium/test-kit';
import { startPayments, TEST_STORE, type GqlResponse, type PaymentsFixture } from './payments-fixture.ts';

// The articles' own client operations, as Amplify codegen generated them (src/graphql/*.ts).
const AMPLIFY = {
  createPayment: `mutation CreatePayment($input: CreatePaymentInput!, $condition: ModelPaymentConditionInput) {
  createPayment(input: $input, condition: $condition) {
    id amount currency dueDate from_account to_account message type tenantId createdAt updatedAt __typename
  }
}`,
  deletePayment: `mutation DeletePayment($input: DeletePaymentInput!, $condition: ModelPaymentConditionInput) {
  deletePayment(input: $input, condition: $condition) {
    id amount currency dueDate from_account to_account message type tenantId createdAt updatedAt __typename
  }
}`,
  updatePayment: `mutation UpdatePayment($input: UpdatePaymentInput!, $condition: ModelPaymentConditionInput) {
  updatePayment(input: $input, condition: $condition) {
    id amount currency dueDate from_account to_account message type tenantId createdAt updatedAt __typename
  }
}`,
  getPayment: `query GetPayment($id: ID!) {
  getPayment(id: $id) {
    id amount currency dueDate from_account to_account message type tenantId createdAt updatedAt __typename
  }
}`,
  listPayments: `query ListPayments($filter: ModelPaymentFilterInput, $limit: Int, $nextToken: String) {
  listPayments(filter: $filter, limit: $limit, nextToken: $nextToken) {
    items { id amount currency dueDate from_account to_account message type tenantId createdAt updatedAt __typename }
    nextToken
    __typename
  }
}`,
};

const FIELDS =
  'id amount currency dueDate from_account to_account message type tenantId status createdBy confirmedBy createdAt updatedAt _version';
const CREATE = `mutation($input: CreatePaymentInput!, $key: String) { createPayment(input: $input, idempotencyKey: $key) { ${FIELDS} } }`;
const UPDATE = `mutation($input: UpdatePaymentInput!) { updatePayment(input: $input) { ${FIELDS} } }`;
const DELETE = `mutation($input: DeletePaymentInput!) { deletePayment(input: $input) { ${FIELDS} } }`;
const CONFIRM = `mutation($id: ID!, $v: Int!) { confirmPayment(id: $id, expectedVersion: $v) { ${FIELDS} } }`;
const GET = `query($id: ID!) { getPayment(id: $id) { ${FIELDS} } }`;
const LIST = `query($filter: ModelPaymentFilterInput, $limit: Int, $nextToken: String, $sortField: PaymentSortField, $sortDirection: ModelSortDirection) {
  listPayments(filter: $filter, limit: $limit, nextToken: $nextToken, sortField: $sortField, sortDirection: $sortDirection) { items { ${FIELDS} } nextToken } }`;
const AUDIT = `query($id: ID!) { paymentAudit(paymentId: $id) { at actor actorId tenantId operation version before after } }`;

type Payment = Record<string, unknown> & { id: string; _version: number };

function draft(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    amount: 125.5,
    currency: 'DKK',
    dueDate: '2026-12-24T00:00:00.000Z',
    from_account: 'DK001',
    to_account: 'DK002',
    message: 'Rent',
    type: 'DOMESTIC',
    ...overrides,
  };
}

describe(`payments-api on ${TEST_STORE}`, () => {
  let issuer: TestIssuer;
  let api: PaymentsFixture;
  const tokens: Record<string, string> = {};

  before(async () => {
    issuer = await startTestIssuer();
    api = await startPayments(issuer);
    for (const tenant of ['A', 'B'] as const)
      for (const role of ['member', 'viewer', 'approver', 'admin'] as const)
        tokens[`${role}${tenant}`] = await issuer.mint(demoCaller(tenant, role));
    tokens['member2A'] = await issuer.mint({
      ...demoCaller('A', 'member'),
      username: 'secondMemberA',
      sub: 'sub-second-member-a',
    });
    tokens['memberApproverA'] = await issuer.mint({
      ...demoCaller('A', 'member'),
      roles: ['member', 'approver'],
    });
    tokens['noRoleA'] = await issuer.mint({ ...demoCaller('A', 'member'), roles: [] });
  });
  after(async () => {
    await api.close();
    await issuer.close();
  });

  const token = (name: string): string => tokens[name] as string;
  async function create(who = 'memberA', overrides: Record<string, unknown> = {}): Promise<Payment> {
    const { body } = await api.gql(token(who), CREATE, { input: draft(overrides) });
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    return body.data?.['createPayment'] as Payment;
  }
  const get = async (who: string, id: string): Promise<Payment | null> =>
    (await api.gql(token(who), GET, { id })).body.data?.['getPayment'] as Payment | null;

  describe('operations', () => {
    it('creates with the tenant from the token, status UNCONFIRMED, version 1 and the creator', async () => {
      const p = await create();
      assert.equal(p['tenantId'], 'TenantA');
      assert.equal(p['status'], 'UNCONFIRMED');
      assert.equal(p['createdBy'], 'userTenantA');
      assert.equal(p['confirmedBy'], null);
      assert.equal(p._version, 1);
      assert.equal(p['amount'], 125.5);
      assert.match(String(p['createdAt']), /^\d{4}-\d{2}-\d{2}T/);
    });

    it('gets, updates (version +1), deletes, and a deleted payment is gone', async () => {
      const p = await create();
      assert.equal((await get('viewerA', p.id))?.id, p.id);
      const updated = await api.gql(token('memberA'), UPDATE, {
        input: { id: p.id, _version: 1, amount: 99.99, message: 'Changed' },
      });
      const u = updated.body.data?.['updatePayment'] as Payment;
      assert.equal(u._version, 2);
      assert.equal(u['amount'], 99.99);
      assert.equal(u['message'], 'Changed');
      assert.equal(u['from_account'], 'DK001');
      const deleted = await api.gql(token('memberA'), DELETE, { input: { id: p.id, _version: 2 } });
      assert.equal((deleted.body.data?.['deletePayment'] as Payment).id, p.id);
      assert.equal(await get('memberA', p.id), null);
    });

    it('keeps an audit trail of every change, with who, tenant, before and after', async () => {
      const p = await create();
      await api.gql(token('memberA'), UPDATE, { input: { id: p.id, _version: 1, message: 'Second' } });
      await api.gql(token('approverA'), CONFIRM, { id: p.id, v: 2 });
      const { body } = await api.gql(token('viewerA'), AUDIT, { id: p.id });
      const trail = body.data?.['paymentAudit'] as Record<string, unknown>[];
      assert.deepEqual(
        trail.map((e) => e['operation']),
        ['CREATE', 'UPDATE', 'CONFIRM'],
      );
      assert.deepEqual(
        trail.map((e) => e['version']),
        [1, 2, 3],
      );
      assert.deepEqual(
        trail.map((e) => e['actor']),
        ['userTenantA', 'userTenantA', 'approverTenantA'],
      );
      assert.ok(trail.every((e) => e['tenantId'] === 'TenantA'));
      assert.equal(trail[0]?.['before'], null);
      assert.equal(JSON.parse(String(trail[1]?.['before']))['message'], 'Rent');
      assert.equal(JSON.parse(String(trail[1]?.['after']))['message'], 'Second');
    });

    it('keeps the audit trail of a deleted payment (tombstone)', async () => {
      const p = await create();
      await api.gql(token('memberA'), DELETE, { input: { id: p.id } });
      const trail = (await api.gql(token('viewerA'), AUDIT, { id: p.id })).body.data?.[
        'paymentAudit'
      ] as Record<string, unknown>[];
      assert.deepEqual(
        trail.map((e) => e['operation']),
        ['CREATE', 'DELETE'],
      );
      assert.equal(trail[1]?.['after'], null);
    });

    it("confirms: an approver confirms another user's payment; then it is frozen", async () => {
      const p = await create();
      const confirmed = (await api.gql(token('approverA'), CONFIRM, { id: p.id, v: 1 })).body.data?.[
        'confirmPayment'
      ] as Payment;
      assert.equal(confirmed['status'], 'CONFIRMED');
      assert.equal(confirmed['confirmedBy'], 'approverTenantA');
      assert.equal(confirmed._version, 2);
      const edit = await api.gql(token('memberA'), UPDATE, {
        input: { id: p.id, _version: 2, message: 'x' },
      });
      assert.equal(edit.body.errors?.[0]?.extensions?.['code'], 'PAYMENT_CONFIRMED');
      const del = await api.gql(token('memberA'), DELETE, { input: { id: p.id, _version: 2 } });
      assert.equal(del.body.errors?.[0]?.extensions?.['code'], 'PAYMENT_CONFIRMED');
      const again = await api.gql(token('approverA'), CONFIRM, { id: p.id, v: 2 });
      assert.equal(again.body.errors?.[0]?.extensions?.['code'], 'PAYMENT_CONFIRMED');
      assert.equal((await get('memberA', p.id))?.['status'], 'CONFIRMED');
    });

    it('never lets the creator confirm their own payment, even holding approver', async () => {
      const { body } = await api.gql(token('memberApproverA'), CREATE, { input: draft() });
      const p = body.data?.['createPayment'] as Payment;
      const own = await api.gql(token('memberApproverA'), CONFIRM, { id: p.id, v: 1 });
      assert.equal(own.body.data?.['confirmPayment'], null);
      assert.equal(own.body.errors?.[0]?.extensions?.['code'], 'SELF_CONFIRMATION');
      assert.equal((await get('memberA', p.id))?.['status'], 'UNCONFIRMED');
    });

    it('applies a mutation condition like DynamoDB does (refused → nothing changes)', async () => {
      const p = await create();
      const refused = await api.gql(
        token('memberA'),
        `mutation($input: UpdatePaymentInput!, $c: ModelPaymentConditionInput) { updatePayment(input: $input, condition: $c) { id } }`,
        {
          input: { id: p.id, message: 'No' },
          c: { amount: { gt: 1000 } },
        },
      );
      assert.equal(refused.body.errors?.[0]?.errorType, 'DynamoDB:ConditionalCheckFailedException');
      assert.equal((await get('memberA', p.id))?._version, 1);
    });
  });

  describe("the articles' Amplify client operations", () => {
    it('create (with its own tenantId), list, get, update and delete as generated', async () => {
      const created = await api.gql(token('memberA'), AMPLIFY.createPayment, {
        input: {
          amount: 42,
          currency: 'DKK',
          dueDate: '2027-01-15T10:00:00.000Z',
          from_account: 'AMP1',
          to_account: 'AMP2',
          message: 'From Amplify',
          type: 'INTERNATIONAL',
          tenantId: 'TenantA',
        },
      });
      assert.equal(created.body.errors, undefined, JSON.stringify(created.body.errors));
      const p = created.body.data?.['createPayment'] as Payment;
      assert.equal(p['__typename'], 'Payment');
      const listed = await api.gql(token('memberA'), AMPLIFY.listPayments, {
        filter: { from_account: { eq: 'AMP1' } },
      });
      const connection = listed.body.data?.['listPayments'] as { items: Payment[]; __typename: string };
      assert.equal(connection.__typename, 'ModelPaymentConnection');
      assert.deepEqual(
        connection.items.map((i) => i.id),
        [p.id],
      );
      assert.equal(
        (
          (await api.gql(token('memberA'), AMPLIFY.getPayment, { id: p.id })).body.data?.[
            'getPayment'
          ] as Payment
        ).id,
        p.id,
      );
      // The articles' client never knew _version: updates and deletes still work.
      const updated = await api.gql(token('memberA'), AMPLIFY.updatePayment, {
        input: { id: p.id, message: 'Edited' },
      });
      assert.equal((updated.body.data?.['updatePayment'] as Payment)['message'], 'Edited');
      const deleted = await api.gql(token('memberA'), AMPLIFY.deletePayment, { input: { id: p.id } });
      assert.equal((deleted.body.data?.['deletePayment'] as Payment).id, p.id);
      assert.equal(await get('memberA', p.id), null);
    });

    it('accepts the bare JWT Authorization header Amplify sends to AppSync', async () => {
      const response = await api.app.inject({
        method: 'POST',
        url: '/graphql',
        headers: { 'content-type': 'application/json', authorization: token('viewerA') },
        payload: { query: '{ listPayments(limit: 1) { nextToken } }' },
      });
      assert.equal(response.statusCode, 200);
      assert.equal(response.json().errors, undefined);
    });
  });

  describe('tenant isolation (tenant A user against tenant B payments)', () => {
    let bPayment: Payment;
    before(async () => {
      bPayment = await create('memberB', { message: 'B secret', from_account: 'BSEC1' });
    });
    const unchanged = async (): Promise<void> => {
      const now = await get('memberB', bPayment.id);
      assert.equal(now?._version, 1);
      assert.equal(now?.['message'], 'B secret');
      assert.equal(now?.['status'], 'UNCONFIRMED');
    };

    it('get answers null', async () => {
      assert.equal(await get('memberA', bPayment.id), null);
      assert.equal(await get('adminA', bPayment.id), null);
    });
    it('list and filter never include B', async () => {
      for (const filter of [
        null,
        { from_account: { eq: 'BSEC1' } },
        { tenantId: { eq: 'TenantB' } },
        { or: [{ tenantId: { ne: 'x' } }] },
      ]) {
        const { body } = await api.gql(token('memberA'), LIST, { filter, limit: 100 });
        const items = (body.data?.['listPayments'] as { items: Payment[] }).items;
        assert.ok(
          items.every((i) => i['tenantId'] === 'TenantA'),
          JSON.stringify(filter),
        );
        assert.ok(!items.some((i) => i.id === bPayment.id));
      }
    });
    it('update, delete and confirm are refused like a missing item, and change nothing', async () => {
      const u = await api.gql(token('memberA'), UPDATE, {
        input: { id: bPayment.id, _version: 1, message: 'pwned' },
      });
      assert.equal(u.body.data?.['updatePayment'], null);
      assert.equal(u.body.errors?.[0]?.extensions?.['code'], 'NOT_FOUND');
      const d = await api.gql(token('memberA'), DELETE, { input: { id: bPayment.id, _version: 1 } });
      assert.equal(d.body.errors?.[0]?.extensions?.['code'], 'NOT_FOUND');
      const c = await api.gql(token('approverA'), CONFIRM, { id: bPayment.id, v: 1 });
      assert.equal(c.body.errors?.[0]?.extensions?.['code'], 'NOT_FOUND');
      await unchanged();
    });
    it('an update naming tenant B (or moving a payment to B) is Unauthorized', async () => {
      const own = await create();
      const move = await api.gql(token('memberA'), UPDATE, {
        input: { id: own.id, tenantId: 'TenantB', message: 'moved' },
      });
      assert.equal(move.body.errors?.[0]?.message, 'Not Authorized to access updatePayment on type Mutation');
      assert.equal((await get('memberA', own.id))?.['tenantId'], 'TenantA');
      assert.equal(await get('memberB', own.id), null);
      const hit = await api.gql(token('memberA'), UPDATE, {
        input: { id: bPayment.id, tenantId: 'TenantB', message: 'pwned' },
      });
      assert.equal(hit.body.errors?.[0]?.errorType, 'Unauthorized');
      await unchanged();
    });
    it('audit answers null', async () => {
      const { body } = await api.gql(token('viewerA'), AUDIT, { id: bPayment.id });
      assert.equal(body.data?.['paymentAudit'], null);
    });
    it('a forged tenantId on create answers AppSync Unauthorized and writes nothing', async () => {
      const before = (await api.gql(token('memberB'), LIST, { limit: 100 })).body.data?.['listPayments'] as {
        items: Payment[];
      };
      const { status, body } = await api.gql(token('memberA'), CREATE, {
        input: draft({ tenantId: 'TenantB', message: 'forged' }),
      });
      assert.equal(status, 200);
      assert.equal(body.data?.['createPayment'], null);
      assert.equal(body.errors?.[0]?.errorType, 'Unauthorized');
      assert.equal(body.errors?.[0]?.message, 'Not Authorized to access createPayment on type Mutation');
      assert.deepEqual(body.errors?.[0]?.path, ['createPayment']);
      const afterB = (await api.gql(token('memberB'), LIST, { limit: 100 })).body.data?.['listPayments'] as {
        items: Payment[];
      };
      assert.equal(afterB.items.length, before.items.length);
      const mine = (await api.gql(token('memberA'), LIST, { filter: { message: { eq: 'forged' } } })).body
        .data?.['listPayments'] as { items: Payment[] };
      assert.equal(mine.items.length, 0);
    });
    it('a nextToken from tenant B cannot be used by tenant A, nor a tampered one', async () => {
      await create('memberB');
      await create('memberB');
      const page = (await api.gql(token('memberB'), LIST, { limit: 1 })).body.data?.['listPayments'] as {
        nextToken: string;
      };
      assert.ok(page.nextToken);
      const replay = await api.gql(token('memberA'), LIST, { limit: 1, nextToken: page.nextToken });
      assert.equal(replay.body.errors?.[0]?.extensions?.['code'], 'BAD_NEXT_TOKEN');
      assert.equal(replay.body.data?.['listPayments'], null);
      const [body, sig] = page.nextToken.split('.');
      const decoded = JSON.parse(Buffer.from(body as string, 'base64url').toString());
      decoded.t = 'TenantA';
      const forged = `${Buffer.from(JSON.stringify(decoded)).toString('base64url')}.${sig}`;
      const forgedAnswer = await api.gql(token('memberA'), LIST, { limit: 1, nextToken: forged });
      assert.equal(forgedAnswer.body.errors?.[0]?.extensions?.['code'], 'BAD_NEXT_TOKEN');
      // The same token is also bound to its query: another filter cannot reuse it.
      const other = await api.gql(token('memberB'), LIST, {
        limit: 1,
        nextToken: page.nextToken,
        filter: { type: { eq: 'DOMESTIC' } },
      });
      assert.equal(other.body.errors?.[0]?.extensions?.['code'], 'BAD_NEXT_TOKEN');
    });
  });

  describe('roles (AND-ed with the tenant)', () => {
    it('viewer reads but cannot create, update, delete or confirm', async () => {
      const p = await create();
      assert.equal((await get('viewerA', p.id))?.id, p.id);
      const c = await api.gql(token('viewerA'), CREATE, { input: draft() });
      assert.equal(c.body.errors?.[0]?.message, 'Not Authorized to access createPayment on type Mutation');
      const u = await api.gql(token('viewerA'), UPDATE, { input: { id: p.id, message: 'v' } });
      assert.equal(u.body.errors?.[0]?.message, 'Not Authorized to access updatePayment on type Mutation');
      const d = await api.gql(token('viewerA'), DELETE, { input: { id: p.id } });
      assert.equal(d.body.errors?.[0]?.errorType, 'Unauthorized');
      const k = await api.gql(token('viewerA'), CONFIRM, { id: p.id, v: 1 });
      assert.equal(k.body.errors?.[0]?.message, 'Not Authorized to access confirmPayment on type Mutation');
      assert.equal((await get('memberA', p.id))?._version, 1);
    });
    it('member cannot confirm; approver cannot create or edit', async () => {
      const p = await create();
      assert.equal(
        (await api.gql(token('member2A'), CONFIRM, { id: p.id, v: 1 })).body.errors?.[0]?.errorType,
        'Unauthorized',
      );
      assert.equal(
        (await api.gql(token('approverA'), CREATE, { input: draft() })).body.errors?.[0]?.errorType,
        'Unauthorized',
      );
      assert.equal(
        (await api.gql(token('approverA'), UPDATE, { input: { id: p.id, message: 'a' } })).body.errors?.[0]
          ?.errorType,
        'Unauthorized',
      );
    });
    it('a token without any role reads nothing', async () => {
      const { body } = await api.gql(token('noRoleA'), LIST, {});
      assert.equal(body.errors?.[0]?.message, 'Not Authorized to access listPayments on type Query');
    });
    it('no or a bad token answers 401 with WWW-Authenticate', async () => {
      const none = await api.app.inject({
        method: 'POST',
        url: '/graphql',
        payload: { query: '{ listPayments { nextToken } }' },
      });
      assert.equal(none.statusCode, 401);
      assert.match(String(none.headers['www-authenticate']), /^Bearer/);
      assert.equal(none.json().errors[0].errorType, 'UnauthorizedException');
      const forged = await issuer.mint(demoCaller('A', 'member'), { foreignKey: true });
      assert.equal((await api.gql(forged, '{ listPayments { nextToken } }')).status, 401);
      const expired = await issuer.mint(demoCaller('A', 'member'), { expiresInSeconds: -120 });
      assert.equal((await api.gql(expired, '{ listPayments { nextToken } }')).status, 401);
    });
  });

  describe('idempotency', () => {
    it('the same key and input returns the same payment once; a different input is refused', async () => {
      const key = randomUUID();
      const first = await api.gql(token('memberA'), CREATE, { input: draft({ message: 'idem' }), key });
      const second = await api.gql(token('memberA'), CREATE, { input: draft({ message: 'idem' }), key });
      const a = first.body.data?.['createPayment'] as Payment;
      const b = second.body.data?.['createPayment'] as Payment;
      assert.equal(a.id, b.id);
      assert.equal(b._version, 1);
      const other = await api.gql(token('memberA'), CREATE, { input: draft({ message: 'other' }), key });
      assert.equal(other.body.errors?.[0]?.extensions?.['code'], 'IDEMPOTENCY_KEY_REUSED');
      const list = (await api.gql(token('memberA'), LIST, { filter: { message: { eq: 'idem' } } })).body
        .data?.['listPayments'] as { items: Payment[] };
      assert.equal(list.items.length, 1);
      const trail = (await api.gql(token('memberA'), AUDIT, { id: a.id })).body.data?.[
        'paymentAudit'
      ] as unknown[];
      assert.equal(trail.length, 1);
    });
    it('the same key in another tenant is another payment', async () => {
      const key = randomUUID();
      const a = (await api.gql(token('memberA'), CREATE, { input: draft(), key })).body.data?.[
        'createPayment'
      ] as Payment;
      const b = (await api.gql(token('memberB'), CREATE, { input: draft(), key })).body.data?.[
        'createPayment'
      ] as Payment;
      assert.notEqual(a.id, b.id);
      assert.equal(b['tenantId'], 'TenantB');
    });
    it('concurrent retries with one key create exactly one payment', async () => {
      const key = randomUUID();
      const answers = await Promise.all(
        Array.from({ length: 5 }, () =>
          api.gql(token('memberA'), CREATE, { input: draft({ message: 'race' }), key }),
        ),
      );
      const ids = new Set(answers.map((r) => (r.body.data?.['createPayment'] as Payment).id));
      assert.equal(ids.size, 1);
    });
  });

  describe('optimistic concurrency', () => {
    it('a stale _version is ConflictUnhandled with the stored item, and changes nothing', async () => {
      const p = await create();
      await api.gql(token('memberA'), UPDATE, { input: { id: p.id, _version: 1, message: 'first' } });
      const stale = await api.gql(token('member2A'), UPDATE, {
        input: { id: p.id, _version: 1, message: 'second' },
      });
      assert.equal(stale.body.data?.['updatePayment'], null);
      const error = stale.body.errors?.[0];
      assert.equal(error?.errorType, 'ConflictUnhandled');
      assert.equal(error?.extensions?.['code'], 'CONFLICT');
      assert.equal((error?.data as Payment)._version, 2);
      assert.equal((await get('memberA', p.id))?.['message'], 'first');
      for (const [query, vars] of [
        [DELETE, { input: { id: p.id, _version: 1 } }],
        [CONFIRM, { id: p.id, v: 1 }],
      ] as const) {
        const who = query === CONFIRM ? 'approverA' : 'memberA';
        assert.equal(
          (await api.gql(token(who), query, vars)).body.errors?.[0]?.errorType,
          'ConflictUnhandled',
        );
      }
      assert.equal((await get('memberA', p.id))?._version, 2);
    });
    it('concurrent updates at one version: exactly one wins, each change has one audit record', async () => {
      const p = await create();
      const answers = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          api.gql(token('memberA'), UPDATE, { input: { id: p.id, _version: 1, message: `w${i}` } }),
        ),
      );
      const wins = answers.filter((a) => a.body.data?.['updatePayment'] !== null);
      assert.equal(wins.length, 1);
      const trail = (await api.gql(token('memberA'), AUDIT, { id: p.id })).body.data?.[
        'paymentAudit'
      ] as unknown[];
      assert.equal(trail.length, 2);
    });
    it('without _version, concurrent updates all land in sequence (none lost, all audited)', async () => {
      const p = await create();
      await Promise.all(
        Array.from({ length: 4 }, (_, i) =>
          api.gql(token('memberA'), UPDATE, { input: { id: p.id, message: `n${i}` } }),
        ),
      );
      assert.equal((await get('memberA', p.id))?._version, 5);
      const trail = (await api.gql(token('memberA'), AUDIT, { id: p.id })).body.data?.[
        'paymentAudit'
      ] as unknown[];
      assert.equal(trail.length, 5);
    });
  });

  describe('validation (per field, nothing written)', () => {
    const refused = async (overrides: Record<string, unknown>): Promise<Record<string, string>> => {
      const marker = `v${randomUUID().slice(0, 6)}`;
      const { body } = await api.gql(token('memberA'), CREATE, {
        input: draft({ message: marker, ...overrides }),
      });
      assert.equal(body.data?.['createPayment'], null);
      const list = (await api.gql(token('memberA'), LIST, { filter: { message: { eq: marker } } })).body
        .data?.['listPayments'] as { items: unknown[] };
      assert.equal(list.items.length, 0);
      return Object.fromEntries(
        (body.errors ?? []).map((e) => [String(e.extensions?.['field']), String(e.extensions?.['code'])]),
      );
    };
    it('money: too many decimals for the currency, zero, negative, absurd, unknown currency', async () => {
      assert.deepEqual(await refused({ amount: 1.234 }), { amount: 'AMOUNT_TOO_MANY_DECIMALS' });
      assert.deepEqual(await refused({ amount: 10.5, currency: 'JPY' }), {
        amount: 'AMOUNT_TOO_MANY_DECIMALS',
      });
      assert.deepEqual(await refused({ amount: 0 }), { amount: 'AMOUNT_NOT_POSITIVE' });
      assert.deepEqual(await refused({ amount: -5 }), { amount: 'AMOUNT_NOT_POSITIVE' });
      assert.deepEqual(await refused({ amount: 1e15 }), { amount: 'AMOUNT_TOO_LARGE' });
      assert.deepEqual(await refused({ currency: 'XYZ' }), { currency: 'CURRENCY_INVALID' });
    });
    it('accounts, message, due date: one error per field', async () => {
      const problems = await refused({
        from_account: '',
        to_account: 'A'.repeat(35),
        dueDate: '1850-01-01T00:00:00Z',
      });
      assert.deepEqual(problems, {
        from_account: 'REQUIRED',
        to_account: 'TOO_LONG',
        dueDate: 'DATE_INVALID',
      });
      const message = await api.gql(token('memberA'), CREATE, { input: draft({ message: 'x'.repeat(31) }) });
      assert.equal(message.body.errors?.[0]?.extensions?.['code'], 'TOO_LONG');
      assert.equal(message.body.errors?.[0]?.extensions?.['field'], 'message');
    });
    it('exact amounts: 0.1 + 0.2 style values are stored as written; KWD takes 3 decimals', async () => {
      const p = await create('memberA', { amount: 0.3, currency: 'EUR' });
      assert.equal(p['amount'], 0.3);
      const k = await create('memberA', { amount: 1.234, currency: 'KWD' });
      assert.equal(k['amount'], 1.234);
      const sorted = (await api.gql(token('memberA'), LIST, { filter: { amount: { eq: 0.3 } } })).body.data?.[
        'listPayments'
      ] as { items: Payment[] };
      assert.ok(sorted.items.some((i) => i.id === p.id));
    });
    it('an invalid update changes nothing', async () => {
      const p = await create();
      const { body } = await api.gql(token('memberA'), UPDATE, {
        input: { id: p.id, _version: 1, amount: 1.001 },
      });
      assert.equal(body.errors?.[0]?.extensions?.['code'], 'AMOUNT_TOO_MANY_DECIMALS');
      assert.equal((await get('memberA', p.id))?._version, 1);
    });
  });

  describe('lists: full pages, sorting, nextToken', () => {
    let bTenantToken: string;
    before(async () => {
      // A fresh tenant so counts are exact.
      bTenantToken = await issuer.mint({
        tenantId: 'TenantPages',
        tenantName: 'Pages',
        roles: ['member'],
        username: 'pager',
        sub: 'sub-pager',
      });
      for (let i = 0; i < 25; i += 1) {
        const { body } = await api.gql(bTenantToken, CREATE, {
          input: draft({
            amount: 10 + i,
            dueDate: `2027-01-${String(28 - i).padStart(2, '0')}T00:00:00.000Z`,
            type: i % 3 === 0 ? 'INTERNATIONAL' : 'DOMESTIC',
          }),
        });
        assert.equal(body.errors, undefined);
      }
    });
    it('pages hold `limit` items, and nextToken is null exactly on the last page', async () => {
      const seen: string[] = [];
      let nextToken: string | null = null;
      const sizes: number[] = [];
      do {
        const { body } = await api.gql(bTenantToken, LIST, { limit: 10, nextToken });
        const page = body.data?.['listPayments'] as { items: Payment[]; nextToken: string | null };
        sizes.push(page.items.length);
        seen.push(...page.items.map((i) => i.id));
        nextToken = page.nextToken;
      } while (nextToken !== null);
      assert.deepEqual(sizes, [10, 10, 5]);
      assert.equal(new Set(seen).size, 25);
    });
    it('filtered pages are full too (9 INTERNATIONAL, limit 4 → 4, 4, 1)', async () => {
      const sizes: number[] = [];
      let nextToken: string | null = null;
      do {
        const { body } = await api.gql(bTenantToken, LIST, {
          limit: 4,
          nextToken,
          filter: { type: { eq: 'INTERNATIONAL' } },
        });
        const page = body.data?.['listPayments'] as { items: Payment[]; nextToken: string | null };
        assert.ok(page.items.every((i) => i['type'] === 'INTERNATIONAL'));
        sizes.push(page.items.length);
        nextToken = page.nextToken;
      } while (nextToken !== null);
      assert.deepEqual(sizes, [4, 4, 1]);
    });
    it('an exact last page has a null nextToken', async () => {
      const { body } = await api.gql(bTenantToken, LIST, { limit: 25 });
      assert.equal((body.data?.['listPayments'] as { nextToken: string | null }).nextToken, null);
    });
    it('sorts server-side by amount, dueDate and createdAt, both directions', async () => {
      const values = async (sortField: string, sortDirection: string, field: string): Promise<unknown[]> =>
        (
          (await api.gql(bTenantToken, LIST, { limit: 100, sortField, sortDirection })).body.data?.[
            'listPayments'
          ] as { items: Payment[] }
        ).items.map((i) => i[field]);
      const asc = await values('AMOUNT', 'ASC', 'amount');
      assert.deepEqual(
        asc,
        [...asc].sort((a, b) => Number(a) - Number(b)),
      );
      assert.equal(asc[0], 10);
      const desc = await values('AMOUNT', 'DESC', 'amount');
      assert.equal(desc[0], 34);
      const due = await values('DUE_DATE', 'ASC', 'dueDate');
      assert.deepEqual(due, [...due].sort());
      const created = await values('CREATED_AT', 'DESC', 'createdAt');
      assert.deepEqual(created, [...created].sort().reverse());
    });
    it('limit defaults to 100 (list-limit.spec.ts) and may not exceed 100', async () => {
      const { body } = await api.gql(bTenantToken, LIST, {});
      assert.equal((body.data?.['listPayments'] as { items: unknown[] }).items.length, 25);
      const tooMany = await api.gql(bTenantToken, LIST, { limit: 101 });
      assert.equal(tooMany.body.errors?.[0]?.extensions?.['code'], 'LIMIT_TOO_LARGE');
    });
  });

  describe('protection', () => {
    it('refuses deep, alias-heavy, token-heavy and expensive documents', async () => {
      // 12 data fields deep (introspection has a bound of its own: graphql/introspection.spec.ts).
      const deep = await api.gql(
        token('viewerA'),
        '{ listPayments { items { id { a { b { c { d { e { f { g { h { i } } } } } } } } } } } }',
      );
      assert.equal(deep.status, 400);
      assert.match(String(deep.body.errors?.[0]?.message), /depth 12, at most 10/);
      const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: getPayment(id: "x") { id }`).join(' ');
      const aliased = await api.gql(token('viewerA'), `{ ${aliases} }`);
      assert.equal(aliased.status, 400);
      assert.equal(aliased.body.errors?.[0]?.extensions?.['code'], 'QUERY_TOO_COMPLEX');
      const tokensHeavy = await api.gql(
        token('viewerA'),
        `{ listPayments { items { ${'id '.repeat(2100)} } } }`,
      );
      assert.equal(tokensHeavy.status, 400);
      const costly = await api.gql(
        token('viewerA'),
        `{ a: listPayments(limit: 100) { items { ${FIELDS} } } b: listPayments(limit: 100) { items { ${FIELDS} } } c: listPayments(limit: 100) { items { ${FIELDS} } } d: listPayments(limit: 100) { items { ${FIELDS} } } }`,
      );
      assert.equal(costly.status, 400);
      assert.match(String(costly.body.errors?.[0]?.message), /too expensive/);
    });
    it('limits batches and body size', async () => {
      const batch = Array.from({ length: 11 }, () => ({ query: '{ listPayments(limit: 1) { nextToken } }' }));
      const tooMany = await api.app.inject({
        method: 'POST',
        url: '/graphql',
        headers: { authorization: `Bearer ${token('viewerA')}` },
        payload: batch,
      });
      assert.equal(tooMany.statusCode, 400);
      const ok = await api.app.inject({
        method: 'POST',
        url: '/graphql',
        headers: { authorization: `Bearer ${token('viewerA')}` },
        payload: batch.slice(0, 2),
      });
      assert.equal(ok.statusCode, 200);
      assert.equal((ok.json() as unknown[]).length, 2);
      const big = await api.app.inject({
        method: 'POST',
        url: '/graphql',
        headers: { authorization: `Bearer ${token('viewerA')}`, 'content-type': 'application/json' },
        payload: JSON.stringify({
          query: '{ listPayments { nextToken } }',
          variables: { pad: 'x'.repeat(70_000) },
        }),
      });
      assert.equal(big.statusCode, 413);
    });
    it('a malformed body is a bad request (BAD_REQUEST) on every route, never a complexity refusal or INTERNAL', async () => {
      const answers = [
        // Not JSON, on the GraphQL route and on a preflight (from an origin without CORS).
        { method: 'POST', headers: {}, payload: '{"query": "{ listPayments { nextToken } }"' },
        { method: 'OPTIONS', headers: { origin: 'https://elsewhere.example' }, payload: '{"query": ' },
        // A query that is not GraphQL text: a number, an object in a batch, JSON in a string.
        { method: 'POST', headers: {}, payload: '{"query": 5}' },
        {
          method: 'POST',
          headers: {},
          payload: '[{"query": "{ listPayments { nextToken } }"}, {"query": {}}]',
        },
        { method: 'POST', headers: {}, payload: JSON.stringify({ query: '{"kind": "Document"}' }) },
      ] as const;
      for (const { method, headers, payload } of answers) {
        const response = await api.app.inject({
          method,
          url: '/graphql',
          headers: {
            ...headers,
            authorization: `Bearer ${token('viewerA')}`,
            'content-type': 'application/json',
          },
          payload,
        });
        assert.equal(response.statusCode, 400, `${method} ${payload}: ${response.body}`);
        const error = (response.json() as GqlResponse['body']).errors?.[0];
        assert.equal(error?.extensions?.['code'], 'BAD_REQUEST', `${method} ${payload}: ${response.body}`);
        assert.equal(error?.errorType, 'BadRequestException');
      }
    });
    it('answers null for an id no record can have (longer than 128), on every adapter', async () => {
      const { body } = await api.gql(token('viewerA'), GET, { id: 'x'.repeat(2000) });
      assert.equal(body.errors, undefined, JSON.stringify(body.errors));
      assert.equal(body.data?.['getPayment'], null);
    });
  });
});

describe('payments-api masks unexpected errors', () => {
  it('answers INTERNAL with the request id, never the error itself', async () => {
    const issuer = await startTestIssuer();
    // A behaviour that fails as an engine or a bug would: the message must not reach the client.
    const api = await startPayments(issuer, {
      behaviours: {
        Payment: {
          create: () => {
            throw new Error('ValidationException: secret detail');
          },
        },
      },
    });
    try {
      const { body } = await api.gql(await issuer.mint(demoCaller('A', 'member')), CREATE, {
        input: draft(),
      });
      const error = body.errors?.[0];
      assert.equal(error?.extensions?.['code'], 'INTERNAL');
      assert.match(String(error?.message), /request id/);
      assert.ok(!String(error?.message).includes('ValidationException'));
    } finally {
      await api.close();
      await issuer.close();
    }
  });
});

describe('payments-api modes', () => {
  it('keeps payments on disk under the data folder across a restart (embedded PostgreSQL)', async () => {
    const issuer = await startTestIssuer();
    const folder = await makeTempDir('payments-disk');
    const secretKey = randomBytes(32);
    const storage = { kind: 'postgres' as const, url: undefined, dataDir: folder };
    try {
      const t = await issuer.mint(demoCaller('A', 'member'));
      const first = await startPayments(issuer, { storage, secretKey });
      const created = (await first.gql(t, CREATE, { input: draft() })).body.data?.[
        'createPayment'
      ] as Payment;
      await first.close();
      const second = await startPayments(issuer, { storage, secretKey });
      assert.equal(
        ((await second.gql(t, GET, { id: created.id })).body.data?.['getPayment'] as Payment).id,
        created.id,
      );
      await second.close();
    } finally {
      await rm(folder, { recursive: true, force: true });
      await issuer.close();
    }
  });

  it('production mode turns introspection off; development keeps it', async () => {
    const issuer = await startTestIssuer();
    const prod = await startPayments(issuer, { production: true });
    const dev = await startPayments(issuer);
    try {
      const t = await issuer.mint(demoCaller('A', 'viewer'));
      assert.equal((await prod.gql(t, '{ __schema { queryType { name } } }')).status, 400);
      assert.equal((await dev.gql(t, '{ __schema { queryType { name } } }')).status, 200);
    } finally {
      await prod.close();
      await dev.close();
      await issuer.close();
    }
  });

  it('rate-limits per tenant: one tenant over its rate does not block another', async () => {
    const issuer = await startTestIssuer();
    const api = await startPayments(issuer, { rateLimit: { perSecond: 1, burst: 3 } });
    try {
      const a = await issuer.mint(demoCaller('A', 'viewer'));
      const b = await issuer.mint(demoCaller('B', 'viewer'));
      const statuses: number[] = [];
      for (let i = 0; i < 5; i += 1)
        statuses.push((await api.gql(a, '{ listPayments(limit: 1) { nextToken } }')).status);
      assert.deepEqual(statuses.slice(0, 3), [200, 200, 200]);
      assert.equal(statuses[4], 429);
      assert.equal((await api.gql(b, '{ listPayments(limit: 1) { nextToken } }')).status, 200);
    } finally {
      await api.close();
      await issuer.close();
    }
  });
});
