import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import {
  demoCaller,
  startRedisServer,
  eventually,
  startTestIssuer,
  type RunningServer,
  type TestIssuer,
} from '@atrium/test-kit';
import { closeAtExpiry, TOKEN_EXPIRED_CLOSE_CODE } from './live-updates.ts';
import { startPayments, type PaymentsFixture } from '../payments-fixture.ts';

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

interface BareOutcome {
  readonly acknowledged: boolean;
  readonly code: number;
  readonly reason: string;
  readonly closedAt: number;
}

/** Opens a graphql-ws connection that never subscribes and reports how it ends (code 0: still open at 4 s). */
function bareConnection(api: PaymentsFixture, authorization: string): Promise<BareOutcome> {
  return new Promise((resolve) => {
    let acknowledged = false;
    const giveUp = setTimeout(() => {
      resolve({ acknowledged, code: 0, reason: 'still open', closedAt: Date.now() });
      Promise.resolve(c.dispose()).catch(() => undefined);
    }, 4000);
    const c = createClient({
      url: `${api.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization },
      lazy: false,
      retryAttempts: 0,
      onNonLazyError: () => undefined,
      on: {
        connected: () => (acknowledged = true),
        closed: (event) => {
          const { code, reason } = event as { code: number; reason: string };
          clearTimeout(giveUp);
          resolve({ acknowledged, code, reason, closedAt: Date.now() });
          Promise.resolve(c.dispose()).catch(() => undefined);
        },
      },
    });
  });
}

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

describe('graphql-ws connections are bounded by their token', { concurrency: true }, () => {
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

  it('closes a connection that never subscribes with 4401 when its token expires, not before', async () => {
    const token = await issuer.mint(demoCaller('A', 'viewer'), { expiresInSeconds: 2 });
    const exp = (
      JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { exp: number }
    ).exp;
    const outcome = await bareConnection(api, `Bearer ${token}`);
    assert.equal(outcome.acknowledged, true, 'the connection was accepted first');
    assert.equal(outcome.code, TOKEN_EXPIRED_CLOSE_CODE);
    assert.equal(outcome.reason, 'Token expired');
    assert.ok(outcome.closedAt >= exp * 1000, 'not closed before the token expired');
    assert.ok(outcome.closedAt < exp * 1000 + 1000, 'closed promptly at expiry');
  });

  it('closes a socket that never sends connection_init (4408)', async () => {
    const socket = new WebSocket(`${api.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    const opened = Date.now();
    const code = await new Promise<number>((resolve) => {
      const giveUp = setTimeout(() => resolve(0), 4000);
      socket.once('close', (c) => {
        clearTimeout(giveUp);
        resolve(c);
      });
    });
    socket.terminate();
    assert.equal(code, 4408);
    assert.ok(Date.now() - opened >= 2500);
  });

  it('refuses connection_init with an expired, forged, foreign-issuer or tenantless token', async () => {
    const viewer = demoCaller('A', 'viewer');
    const tokens = {
      expired: await issuer.mint(viewer, { expiresInSeconds: -60 }),
      forged: await issuer.mint(viewer, { foreignKey: true }),
      foreignIssuer: await issuer.mint(viewer, { issuer: 'https://elsewhere.example/auth' }),
      foreignAudience: await issuer.mint(viewer, { audience: 'another-api' }),
      tenantless: await issuer.mint({ ...viewer, tenantId: undefined }),
    };
    for (const [name, token] of Object.entries(tokens)) {
      const outcome = await bareConnection(api, `Bearer ${token}`);
      assert.equal(outcome.acknowledged, false, `${name} token refused`);
      // graphql-ws clients re-authenticate on 4401 and give up on 4403.
      assert.deepEqual(
        [outcome.code, outcome.reason],
        name === 'expired' ? [4401, 'Token expired'] : [4403, 'Forbidden'],
        name,
      );
    }
    assert.deepEqual(
      [(await bareConnection(api, 'Bearer nope')).code, (await bareConnection(api, '')).code],
      [4403, 4403],
      'a malformed or missing token is forbidden',
    );
    // The same client with a valid token is acknowledged, so the refusals above are the tokens'.
    const valid = await issuer.mint(viewer, { expiresInSeconds: 1 });
    assert.equal((await bareConnection(api, `Bearer ${valid}`)).acknowledged, true);
  });
});

describe('closeAtExpiry', () => {
  it('clears its timer when the socket closes first', async () => {
    const closes: number[] = [];
    let onClose: () => void = () => undefined;
    const socket = {
      close: (code?: number) => closes.push(code ?? 0),
      once: (_event: 'close', listener: () => void) => (onClose = listener),
    };
    closeAtExpiry({ wsSocket: socket, tokenExpiresAt: Date.now() + 50 });
    onClose();
    await settle(120);
    assert.deepEqual(closes, []);

    const other = { ...socket, once: () => undefined };
    closeAtExpiry({ wsSocket: other, tokenExpiresAt: Date.now() + 20 });
    closeAtExpiry({ wsSocket: other, tokenExpiresAt: Date.now() + 20 });
    await settle(80);
    assert.deepEqual(closes, [TOKEN_EXPIRED_CLOSE_CODE], 'armed once per socket');
  });
});

describe('live updates across two instances through Redis', () => {
  let redis: RunningServer;
  let restarted: { stop(): Promise<void> } | undefined;
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
    await restarted?.stop();
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

  it('keeps writes fast while Redis is down, and delivers changes again once it is back', async () => {
    const a = client(one, await issuer.mint(demoCaller('A', 'viewer')));
    const events = collect(a, 'subscription { onCreatePayment { message } }');
    await settle(500);
    const member = await issuer.mint(demoCaller('A', 'member'));
    const port = redis.port;
    await redis.stop();
    const started = Date.now();
    const during = await two.gql(member, CREATE, { input: input('while redis is down') });
    assert.equal(during.status, 200);
    assert.ok(during.body.data?.['createPayment'], 'the write is committed');
    assert.ok(Date.now() - started < 1500, `the write did not wait for Redis (${Date.now() - started} ms)`);

    restarted = await startRedisServer({ port });
    const delivered = await eventually(async () => {
      await two.gql(member, CREATE, { input: input('after redis') });
      await settle(200);
      return events.events.length > 0;
    }, 6000);
    assert.ok(delivered, 'the subscriber on the other instance hears changes again');
    assert.ok(
      events.events.every((e) => (e['onCreatePayment'] as { message: string }).message === 'after redis'),
      'a change made while Redis was down is not delivered later (its live update is lost)',
    );
    await a.dispose();
  });
});
