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
const UPDATE = `mutation($i: UpdatePaymentInput!) { updatePayment(input: $i) { id } }`;
const DELETE = `mutation($i: DeletePaymentInput!) { deletePayment(input: $i) { id } }`;
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

type Subscription = ReturnType<typeof collect>;

/** The ids of the payments a subscription has heard of (its one field, e.g. `onCreatePayment`). */
const idsHeard = (s: Subscription): string[] =>
  s.events.map((event) => (Object.values(event)[0] as { id: string }).id);

/** Creates a payment of the caller's tenant and answers its id. */
async function create(api: PaymentsFixture, token: string, message: string): Promise<string> {
  const { body } = await api.gql(token, CREATE, { input: input(message) });
  const id = (body.data?.['createPayment'] as { id?: string } | null | undefined)?.id;
  assert.ok(id !== undefined, JSON.stringify(body));
  return id;
}

/**
 * Creates (message 'wanted'), changes and deletes one payment of the caller's tenant: a change of
 * each kind, heard by every subscription of that tenant in the first test. Answers its id.
 */
async function round(api: PaymentsFixture, token: string): Promise<string> {
  const id = await create(api, token, 'wanted');
  for (const [query, i] of [
    [UPDATE, { id, message: 'x' }],
    [DELETE, { id }],
  ] as const) {
    const { body } = await api.gql(token, query, { i });
    assert.equal(body.errors, undefined, JSON.stringify(body));
  }
  return id;
}

interface BareOutcome {
  readonly acknowledged: boolean;
  readonly code: number;
  readonly reason: string;
  readonly closedAt: number;
}

/**
 * Opens a graphql-ws connection that never subscribes and reports how it ends (code 0: still open
 * after 20 s, a bound for a loaded machine: every connection here is closed within seconds), or,
 * with `untilAcknowledged`, only whether it is acknowledged (then it is closed by the client).
 */
function bareConnection(
  api: PaymentsFixture,
  authorization: string,
  { untilAcknowledged = false } = {},
): Promise<BareOutcome> {
  return new Promise((resolve) => {
    let acknowledged = false;
    const giveUp = setTimeout(() => {
      resolve({ acknowledged, code: 0, reason: 'still open', closedAt: Date.now() });
      Promise.resolve(c.dispose()).catch(() => undefined);
    }, 20_000);
    const c = createClient({
      url: `${api.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization },
      lazy: false,
      retryAttempts: 0,
      onNonLazyError: () => undefined,
      on: {
        connected: () => {
          acknowledged = true;
          if (!untilAcknowledged) return;
          clearTimeout(giveUp);
          resolve({ acknowledged, code: 0, reason: 'acknowledged', closedAt: Date.now() });
          Promise.resolve(c.dispose()).catch(() => undefined);
        },
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
    const ofA = [aCreate, aUpdate, aDelete, aFiltered, aLegacy];
    const ofB = [bCreate, bUpdate, bDelete];
    const member = await issuer.mint(demoCaller('A', 'member'));
    const memberB = await issuer.mint(demoCaller('B', 'member'));
    // graphql-ws acknowledges no subscription: one is live once it has heard a change. Rounds of
    // each tenant's changes (left out of the counts below by id) until every subscription has, so
    // that none of the changes counted is published before its subscriber listens.
    const roundsOfA: string[] = [];
    const roundsOfB: string[] = [];
    assert.ok(
      await eventually(async () => {
        const live = (subscriptions: Subscription[]) => subscriptions.every((s) => s.events.length > 0);
        if (!live(ofA)) roundsOfA.push(await round(api, member));
        if (!live(ofB)) roundsOfB.push(await round(api, memberB));
        return live(ofA) && live(ofB);
      }, 60_000),
      `every subscription is live: ${JSON.stringify([...ofA, ...ofB].map((s) => [s.events, s.errors]))}`,
    );
    assert.ok(
      await eventually(async () => forged.errors.length > 0, 10_000),
      'a subscription naming another tenant is refused',
    );

    const wanted = await create(api, member, 'wanted');
    const other = await create(api, member, 'other');
    assert.equal((await api.gql(member, UPDATE, { i: { id: wanted, message: 'x' } })).body.errors, undefined);
    assert.equal((await api.gql(member, DELETE, { i: { id: wanted } })).body.errors, undefined);

    // A subscription delivers in publication order: once each has heard a last round of its tenant,
    // made after the changes above, whatever those changes would send it (to A's unwanted, to B's
    // anything) has arrived.
    const lastOfA = await round(api, member);
    const lastOfB = await round(api, memberB);
    roundsOfA.push(lastOfA);
    roundsOfB.push(lastOfB);
    assert.ok(
      await eventually(
        async () =>
          ofA.every((s) => idsHeard(s).includes(lastOfA)) && ofB.every((s) => idsHeard(s).includes(lastOfB)),
        30_000,
      ),
      `every subscription heard the last round: ${JSON.stringify([...ofA, ...ofB].map((s) => s.events))}`,
    );
    const heard = (s: Subscription) => idsHeard(s).filter((id) => !roundsOfA.includes(id));
    assert.deepEqual(heard(aCreate), [wanted, other]);
    assert.ok(
      aCreate.events.every((e) => (e['onCreatePayment'] as { tenantId: string }).tenantId === 'TenantA'),
      JSON.stringify(aCreate.events),
    );
    assert.deepEqual(heard(aUpdate), [wanted]);
    assert.deepEqual(heard(aDelete), [wanted]);
    assert.deepEqual(heard(aFiltered), [wanted]);
    assert.deepEqual(heard(aLegacy), [wanted, other]);
    // B's subscriptions heard their own tenant's rounds and nothing else.
    assert.deepEqual(
      ofB.flatMap(idsHeard).filter((id) => !roundsOfB.includes(id)),
      [],
    );
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
    assert.ok(await eventually(async () => refused.errors.length > 0, 10_000));
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
    // The token expires within 2 s; 20 s bounds the wait on a loaded machine.
    await eventually(async () => closedWith !== undefined, 20_000);
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
    // Long enough for a loaded machine to open the connection and have it acknowledged first.
    const token = await issuer.mint(demoCaller('A', 'viewer'), { expiresInSeconds: 5 });
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
      // graphql-ws' 3 s, with room for a loaded machine.
      const giveUp = setTimeout(() => resolve(0), 20_000);
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
    const valid = await issuer.mint(viewer);
    assert.equal(
      (await bareConnection(api, `Bearer ${valid}`, { untilAcknowledged: true })).acknowledged,
      true,
    );
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
    // Timers fire in the order they expire: once a socket armed to expire later is closed, the
    // timers before it have had their turn.
    const later = () => {
      let closed = false;
      closeAtExpiry({
        wsSocket: { close: () => (closed = true), once: () => undefined },
        tokenExpiresAt: Date.now() + 100,
      });
      return eventually(async () => closed, 10_000);
    };
    closeAtExpiry({ wsSocket: socket, tokenExpiresAt: Date.now() + 50 });
    onClose();
    assert.ok(await later());
    assert.deepEqual(closes, []);

    const other = { ...socket, once: () => undefined };
    closeAtExpiry({ wsSocket: other, tokenExpiresAt: Date.now() + 20 });
    closeAtExpiry({ wsSocket: other, tokenExpiresAt: Date.now() + 20 });
    assert.ok(await later());
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
    const memberA = await issuer.mint(demoCaller('A', 'member'));
    const memberB = await issuer.mint(demoCaller('B', 'member'));
    // Live once each has heard a probe of its tenant made through the other instance (the probes
    // are left out below by id).
    const probesOfA: string[] = [];
    const probesOfB: string[] = [];
    assert.ok(
      await eventually(async () => {
        if (aEvents.events.length === 0) probesOfA.push(await create(two, memberA, 'probe'));
        if (bEvents.events.length === 0) probesOfB.push(await create(two, memberB, 'probe'));
        return aEvents.events.length > 0 && bEvents.events.length > 0;
      }, 60_000),
      'both subscriptions are live',
    );
    const id = await create(two, memberA, 'via redis');
    // Published after A's, so heard after it, had B been sent A's.
    const lastOfB = await create(two, memberB, 'probe');
    probesOfB.push(lastOfB);
    assert.ok(
      await eventually(
        async () => idsHeard(aEvents).includes(id) && idsHeard(bEvents).includes(lastOfB),
        30_000,
      ),
      JSON.stringify([aEvents.events, bEvents.events]),
    );
    assert.deepEqual(
      idsHeard(aEvents).filter((heard) => !probesOfA.includes(heard)),
      [id],
    );
    assert.deepEqual(
      idsHeard(bEvents).filter((heard) => !probesOfB.includes(heard)),
      [],
    );
    await a.dispose();
    await b.dispose();
  });

  it('keeps writes fast while Redis is down, and delivers changes again once it is back', async () => {
    const a = client(one, await issuer.mint(demoCaller('A', 'viewer')));
    const events = collect(a, 'subscription { onCreatePayment { message } }');
    const messages = () => events.events.map((e) => (e['onCreatePayment'] as { message: string }).message);
    const member = await issuer.mint(demoCaller('A', 'member'));
    // Live before the outage, so that hearing changes after it proves the subscription was re-made.
    assert.ok(
      await eventually(async () => {
        await create(two, member, 'before the outage');
        return messages().length > 0;
      }, 30_000),
      'the subscriber hears changes before the outage',
    );
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
      return messages().includes('after redis');
    }, 30_000);
    assert.ok(delivered, 'the subscriber on the other instance hears changes again');
    // Had it been kept to be sent later, the change made while Redis was down would have been
    // published before the ones after, and heard before them.
    assert.ok(
      messages().every((message) => message === 'before the outage' || message === 'after redis'),
      `a change made while Redis was down is not delivered later (its live update is lost): ${JSON.stringify(messages())}`,
    );
    await a.dispose();
  });
});
