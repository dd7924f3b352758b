import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import {
  demoCaller,
  startRedisServer,
  startTestIssuer,
  type RunningServer,
  type TestIssuer,
} from '@atrium/test-kit';
import { startPayments, type PaymentsFixture } from './payments-fixture.ts';

const CREATE = `mutation($input: CreatePaymentInput!) { createPayment(input: $input) { id tenantId _version } }`;
const input = (message: string) => ({
  amount: 10,
  currency: 'DKK',
  dueDate: '2026-12-24T00:00:00.000Z',
  from_account: 'L1',
  to_account: 'L2',
  message,
  type: 'DOMESTIC',
});

function client(api: PaymentsFixture, token: string): Client {
  return createClient({
    url: `${api.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
}

/** Collects the events of one subscription. */
function collect(c: Client, query: string, variables: Record<string, unknown> = {}) {
  const events: Record<string, unknown>[] = [];
  const errors: unknown[] = [];
  const stop = c.subscribe(
    { query, variables },
    {
      next: (r) => (r.errors ? errors.push(r.errors) : events.push(r.data as Record<string, unknown>)),
      error: (e) => errors.push(e),
      complete: () => undefined,
    },
  );
  return { events, errors, stop };
}

const settle = (ms = 300) => new Promise((resolve) => setTimeout(resolve, ms));

describe('live updates over graphql-ws (in memory)', () => {
  let issuer: TestIssuer;
  let api: PaymentsFixture;
  before(async () => {
    issuer = await startTestIssuer();
    api = await startPayments(issuer, { listen: true });
  });
  after(async () => {
    await api.close();
    await issuer.close();
  });

  it('delivers create/update/delete to the same tenant only, with filters and the tenantId argument', async () => {
    const a = client(api, await issuer.mint(demoCaller('A', 'viewer')));
    const b = client(api, await issuer.mint(demoCaller('B', 'viewer')));
    const aCreate = collect(a, 'subscription { onCreatePayment { id tenantId } }');
    const aUpdate = collect(a, 'subscription { onUpdatePayment { id _version } }');
    const aDelete = collect(a, 'subscription { onDeletePayment { id } }');
    const aFiltered = collect(
      a,
      'subscription($f: ModelSubscriptionPaymentFilterInput) { onCreatePayment(filter: $f) { id } }',
      { f: { message: { eq: 'wanted' } } },
    );
    const aLegacy = collect(a, 'subscription($t: String) { onCreatePayment(tenantId: $t) { id } }', {
      t: 'TenantA',
    });
    const bCreate = collect(b, 'subscription { onCreatePayment { id } }');
    const bUpdate = collect(b, 'subscription { onUpdatePayment { id } }');
    const bDelete = collect(b, 'subscription { onDeletePayment { id } }');
    const forged = collect(b, 'subscription($t: String) { onCreatePayment(tenantId: $t) { id } }', {
      t: 'TenantA',
    });
    await settle();
    const member = await issuer.mint(demoCaller('A', 'member'));
    const created = (await api.gql(member, CREATE, { input: input('wanted') })).body.data?.[
      'createPayment'
    ] as { id: string };
    await api.gql(member, CREATE, { input: input('other') });
    await api.gql(member, `mutation($i: UpdatePaymentInput!) { updatePayment(input: $i) { id } }`, {
      i: { id: created.id, message: 'x' },
    });
    await api.gql(member, `mutation($i: DeletePaymentInput!) { deletePayment(input: $i) { id } }`, {
      i: { id: created.id },
    });
    await settle();
    assert.equal(aCreate.events.length, 2);
    assert.equal((aCreate.events[0]?.['onCreatePayment'] as { tenantId: string }).tenantId, 'TenantA');
    assert.equal(aUpdate.events.length, 1);
    assert.equal(aDelete.events.length, 1);
    assert.equal(aFiltered.events.length, 1);
    assert.equal(aLegacy.events.length, 2);
    assert.equal(bCreate.events.length + bUpdate.events.length + bDelete.events.length, 0);
    assert.equal(forged.events.length, 0);
    assert.ok(forged.errors.length > 0, 'a subscription naming another tenant is refused');
    await a.dispose();
    await b.dispose();
  });

  it('refuses a connection without a valid token, and closes the socket when the token expires', async () => {
    const bad = createClient({
      url: `${api.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: 'Bearer nope' },
      retryAttempts: 0,
    });
    const refused = collect(bad, 'subscription { onCreatePayment { id } }');
    await settle();
    assert.ok(refused.errors.length > 0);
    await bad.dispose();

    const shortLived = await issuer.mint(demoCaller('A', 'viewer'), { expiresInSeconds: 2 });
    let closedWith: number | undefined;
    const c = createClient({
      url: `${api.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${shortLived}` },
      retryAttempts: 0,
      on: { closed: (event) => (closedWith = (event as { code: number }).code) },
    });
    collect(c, 'subscription { onCreatePayment { id } }');
    await settle(3500);
    assert.equal(closedWith, 4401);
    await c.dispose();
  });
});

describe('live updates across two instances through Redis', () => {
  let redis: RunningServer;
  let issuer: TestIssuer;
  let one: PaymentsFixture;
  let two: PaymentsFixture;
  before(async () => {
    redis = await startRedisServer();
    issuer = await startTestIssuer();
    one = await startPayments(issuer, { listen: true, redisUrl: redis.url });
    two = await startPayments(issuer, { listen: true, redisUrl: redis.url });
  });
  after(async () => {
    await one.close();
    await two.close();
    await issuer.close();
    await redis.stop();
  });

  it('a subscriber on one instance receives a change made through the other, in its tenant only', async () => {
    const a = client(one, await issuer.mint(demoCaller('A', 'viewer')));
    const b = client(one, await issuer.mint(demoCaller('B', 'viewer')));
    const aEvents = collect(a, 'subscription { onCreatePayment { id tenantId } }');
    const bEvents = collect(b, 'subscription { onCreatePayment { id } }');
    await settle(500);
    const { body } = await two.gql(await issuer.mint(demoCaller('A', 'member')), CREATE, {
      input: input('via redis'),
    });
    const id = (body.data?.['createPayment'] as { id: string }).id;
    for (let i = 0; i < 30 && aEvents.events.length === 0; i += 1) await settle(100);
    assert.deepEqual(
      aEvents.events.map((e) => (e['onCreatePayment'] as { id: string }).id),
      [id],
    );
    assert.equal(bEvents.events.length, 0);
    await a.dispose();
    await b.dispose();
  });
});
