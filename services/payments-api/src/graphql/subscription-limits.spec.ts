import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { demoCaller, eventually, startTestIssuer, type TestIssuer } from '@atrium/test-kit';
import { startPayments, type PaymentsFixture } from '../payments-fixture.ts';

// Every document is held to the same limits whatever its transport, and a graphql-ws connection
// (and a tenant, on one instance) holds a bounded number of subscriptions. Each refusal is a
// graphql-ws error message with a code.

const CREATE = `mutation($input: CreatePaymentInput!) { createPayment(input: $input) { id } }`;
const ON_CREATE = 'subscription { onCreatePayment { id } }';
const input = {
  amount: 10,
  currency: 'DKK',
  dueDate: '2026-12-24T00:00:00.000Z',
  from_account: 'L1',
  to_account: 'L2',
  type: 'DOMESTIC',
};

function client(api: PaymentsFixture, token: string): Client {
  return createClient({
    url: `${api.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
}

interface Refusal {
  readonly code: unknown;
  readonly message: string;
}

/** One subscription: the events it receives and the errors it is refused with. */
function subscribe(c: Client, query: string) {
  const events: unknown[] = [];
  const errors: Refusal[] = [];
  const stop = c.subscribe(
    { query },
    {
      next: (r) => (r.errors ? errors.push(...(r.errors as unknown as Refusal[])) : events.push(r.data)),
      error: (e) =>
        Array.isArray(e)
          ? errors.push(
              ...(e as { message: string; extensions?: { code?: unknown } }[]).map((x) => ({
                code: x.extensions?.code,
                message: x.message,
              })),
            )
          : errors.push({ code: undefined, message: String((e as { code?: unknown }).code ?? e) }),
      complete: () => undefined,
    },
  );
  return { events, errors, stop };
}

type Subscription = ReturnType<typeof subscribe>;

async function refusal(s: Subscription): Promise<Refusal> {
  assert.ok(await eventually(async () => s.errors.length > 0, 10_000), 'refused with an error message');
  return s.errors[0] as Refusal;
}

/** A graphql-ws connection by hand, for messages a client library will not send. */
async function rawConnection(api: PaymentsFixture, token: string) {
  const socket = new WebSocket(`${api.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
  // 0: still open after 10 s.
  const closed = new Promise<number>((resolve) => {
    const giveUp = setTimeout(() => resolve(0), 10_000);
    socket.once('close', (code) => {
      clearTimeout(giveUp);
      resolve(code);
    });
  });
  const messages: { type: string; id?: string; payload?: unknown }[] = [];
  socket.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString()) as (typeof messages)[0]));
  await new Promise((resolve) => socket.once('open', resolve));
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
  assert.ok(await eventually(async () => messages.some((m) => m.type === 'connection_ack'), 10_000));
  return { socket, closed, messages, send: (message: unknown) => socket.send(JSON.stringify(message)) };
}

describe('subscription documents are held to the HTTP limits', () => {
  let issuer: TestIssuer;
  let api: PaymentsFixture;
  let viewer: string;
  let member: string;
  before(async () => {
    issuer = await startTestIssuer();
    // A low cost bound: a subscription selects no lists, so its cost is its number of fields.
    api = await startPayments(issuer, { listen: true, limits: { maxCost: 30 } });
    viewer = await issuer.mint(demoCaller('A', 'viewer'));
    member = await issuer.mint(demoCaller('A', 'member'));
  });
  after(async () => {
    await api.close();
    await issuer.close();
  });

  it('refuses each document over a limit with its code and message, and subscribes none of them', async () => {
    const c = client(api, viewer);
    const ids = (n: number, alias: boolean) =>
      Array.from({ length: n }, (_, i) => (alias ? `a${i}: id` : 'id')).join(' ');
    const cases: [string, string, string, RegExp][] = [
      ['16 aliases', `subscription { onCreatePayment { ${ids(16, true)} } }`, 'QUERY_TOO_COMPLEX', /aliases/],
      [
        'depth 12',
        `subscription { onCreatePayment { id { a { b { c { d { e { f { g { h { i { j } } } } } } } } } } } }`,
        'QUERY_TOO_COMPLEX',
        /depth/,
      ],
      [
        '2 100 tokens',
        `subscription { onCreatePayment { ${ids(2100, false)} } }`,
        'QUERY_TOO_COMPLEX',
        /tokens/,
      ],
      ['cost 32', `subscription { onCreatePayment { ${ids(31, false)} } }`, 'QUERY_TOO_COMPLEX', /expensive/],
      [
        '20 000 aliases (the audit)',
        `subscription { onCreatePayment { ${ids(20_000, true)} } }`,
        'BODY_TOO_LARGE',
        /bytes/,
      ],
      ['a 70 KB document of comments', `# ${'x'.repeat(70_000)}\n${ON_CREATE}`, 'BODY_TOO_LARGE', /bytes/],
      ['a 900 KB document', `# ${'x'.repeat(900_000)}\n${ON_CREATE}`, 'BODY_TOO_LARGE', /bytes/],
      ['an unknown field', 'subscription { onCreatePayment { nope } }', 'GRAPHQL_VALIDATION_FAILED', /nope/],
    ];
    const refused = cases.map(([name, query, code, message]) => ({
      name,
      code,
      message,
      s: subscribe(c, query),
    }));
    for (const { name, code, message, s } of refused) {
      const error = await refusal(s);
      assert.equal(error.code, code, `${name}: ${error.message}`);
      assert.match(error.message, message, name);
    }
    // The connection is still good, and only the valid subscription hears a change.
    const valid = subscribe(c, ON_CREATE);
    assert.ok(
      await eventually(async () => {
        await api.gql(member, CREATE, { input });
        return valid.events.length > 0;
      }, 10_000),
      'the valid subscription on the same connection hears changes',
    );
    assert.deepEqual(
      refused.map(({ name, s }) => [name, s.events.length]),
      refused.map(({ name }) => [name, 0]),
    );
    await c.dispose();
  });
  it('refuses a document sent as JSON instead of text (mercurius would run it unchecked)', async () => {
    const raw = await rawConnection(api, viewer);
    const aliased = parse(
      `subscription { onCreatePayment { ${Array.from({ length: 16 }, (_, i) => `a${i}: id`).join(' ')} } }`,
    );
    raw.send({ id: 'json', type: 'subscribe', payload: { query: aliased } });
    assert.ok(await eventually(async () => raw.messages.some((m) => m.id === 'json'), 10_000));
    const answer = raw.messages.find((m) => m.id === 'json');
    assert.equal(answer?.type, 'error', JSON.stringify(answer));
    assert.equal(
      (answer?.payload as { extensions?: { code?: string } }[])[0]?.extensions?.code,
      'GRAPHQL_VALIDATION_FAILED',
    );
    raw.socket.terminate();
  });
});

describe('subscriptions per connection and per tenant are bounded', () => {
  let issuer: TestIssuer;
  let api: PaymentsFixture;
  let member: string;
  before(async () => {
    issuer = await startTestIssuer();
    api = await startPayments(issuer, { listen: true, subscriptionLimits: { perTenant: 25 } });
    member = await issuer.mint(demoCaller('A', 'member'));
  });
  after(async () => {
    await api.close();
    await issuer.close();
  });

  /** Proves the subscriptions are live: each hears a change (created until they all have). */
  async function allHear(subscriptions: Subscription[]): Promise<boolean> {
    return eventually(async () => {
      await api.gql(member, CREATE, { input });
      return subscriptions.every((s) => s.events.length > 0);
    }, 15_000);
  }

  it('refuses the 21st subscription of a connection (default 20) and takes one again when one ends', async () => {
    const c = client(api, await issuer.mint(demoCaller('A', 'viewer')));
    const twenty = Array.from({ length: 20 }, () => subscribe(c, ON_CREATE));
    assert.ok(await allHear(twenty), 'twenty subscriptions on one connection are served');
    const extra = subscribe(c, ON_CREATE);
    const error = await refusal(extra);
    assert.equal(error.code, 'SUBSCRIPTION_LIMIT');
    assert.match(error.message, /20 subscriptions per connection/);

    twenty[0]?.stop();
    const replacement = subscribe(c, ON_CREATE);
    assert.ok(await allHear([replacement]), 'a slot freed by a completed subscription is used again');
    assert.equal(replacement.errors.length, 0);
    await c.dispose();
  });

  it("refuses a tenant's subscriptions over its bound on this instance, not another tenant's, and frees them on close", async () => {
    const first = client(api, await issuer.mint(demoCaller('A', 'viewer')));
    const second = client(api, await issuer.mint(demoCaller('A', 'viewer')));
    const held = [
      ...Array.from({ length: 20 }, () => subscribe(first, ON_CREATE)),
      ...Array.from({ length: 5 }, () => subscribe(second, ON_CREATE)),
    ];
    assert.ok(await allHear(held), 'the tenant holds 25 subscriptions');
    const over = subscribe(second, ON_CREATE);
    const error = await refusal(over);
    assert.equal(error.code, 'SUBSCRIPTION_LIMIT');
    assert.match(error.message, /tenant/);

    const other = client(api, await issuer.mint(demoCaller('B', 'viewer')));
    const theirs = subscribe(other, ON_CREATE);
    const memberB = await issuer.mint(demoCaller('B', 'member'));
    assert.ok(
      await eventually(async () => {
        await api.gql(memberB, CREATE, { input });
        return theirs.events.length > 0;
      }, 10_000),
      "another tenant's subscription is served",
    );

    await first.dispose();
    // Served or refused: whichever it is, a change created meanwhile tells.
    const served = async (s: Subscription): Promise<boolean> => {
      await eventually(async () => {
        await api.gql(member, CREATE, { input });
        return s.events.length > 0 || s.errors.length > 0;
      }, 10_000);
      return s.events.length > 0;
    };
    assert.ok(
      await eventually(async () => served(subscribe(second, ON_CREATE)), 20_000),
      'the closed connection gave its subscriptions back',
    );
    await second.dispose();
    await other.dispose();
  });

  it('closes a connection that reuses the id of a subscription in progress (4409, graphql-ws)', async () => {
    const raw = await rawConnection(api, await issuer.mint(demoCaller('A', 'viewer')));
    const start = { id: 'same', type: 'subscribe', payload: { query: ON_CREATE } };
    raw.send(start);
    raw.send(start);
    const code = await raw.closed;
    raw.socket.terminate();
    assert.equal(code, 4409);
  });
});
