import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient, type Client } from 'graphql-ws';
import { eventually, metricSample } from '@atrium/test-kit';
import type { Cluster } from './cluster.ts';
import {
  createPayment,
  startClusterUnderTest,
  type ClusterUnderTest,
  type ClusterUser,
} from './cluster-under-test.ts';

// Subscriptions across kill -9 of the payments instance that holds them (issue 13): the clients see
// the close, reconnect through nginx's one origin to the surviving instance, get what is created
// afterwards, and find what was created while they were away in the list they reload on reconnect
// (the payments element's resync: the server keeps no history to replay). Another tenant's
// subscription never gets the first tenant's payments.

const ON_CREATE = `subscription { onCreatePayment { id tenantId message } }`;
const ON_CREATE_REALTIME = `subscription OnCreatePayment { onCreatePayment { id tenantId message } }`;
const LIST = `query($limit: Int, $nextToken: String) {
  listPayments(limit: $limit, nextToken: $nextToken) { items { id } nextToken }
}`;
/** Generous: a loaded 2-core machine, a killed process, nginx and a reconnect in between. */
const WAIT_MS = 60_000;

interface Created {
  readonly id: string;
  readonly tenantId: string;
}

/** Every payment id the token's tenant has, page by page through nginx (the element's reload). */
async function listAll(origin: string, token: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let nextToken: string | null = null;
  do {
    const response = await fetch(`${origin}/graphql`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: LIST, variables: { limit: 100, nextToken } }),
    });
    const answer = (await response.json()) as {
      data?: { listPayments?: { items: Array<{ id: string } | null>; nextToken: string | null } };
    };
    const page = answer.data?.listPayments;
    assert.ok(page, `listPayments answered: ${JSON.stringify(answer)}`);
    for (const item of page.items) if (item !== null) ids.add(item.id);
    nextToken = page.nextToken;
  } while (nextToken !== null);
  return ids;
}

/**
 * A graphql-ws subscriber to onCreatePayment through the origin, made as the payments element makes
 * its client (payments-live.ts: token in connection_init, retry for ever) and resyncing as it does:
 * a listPayments after every reconnect. `hold` keeps a lost client waiting before it reconnects, so
 * the test can create payments while it is surely away.
 */
class Subscriber {
  readonly received: Created[] = [];
  readonly errors: unknown[] = [];
  /** The payment ids each resync after a reconnect listed. */
  readonly caughtUp = new Set<string>();
  connects = 0;
  reconnects = 0;
  closes = 0;
  resyncs = 0;
  readonly #client: Client;

  constructor(origin: string, token: string, retry: boolean, hold: () => Promise<void>) {
    this.#client = createClient({
      url: `${origin.replace(/^http/, 'ws')}/graphql`,
      lazy: false,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: retry ? Infinity : 0,
      shouldRetry: () => retry,
      retryWait: async () => {
        await hold();
        await new Promise((resolve) => setTimeout(resolve, 100));
      },
      onNonLazyError: (error) => this.errors.push(error),
      on: {
        closed: () => (this.closes += 1),
        connected: (_socket, _payload, wasRetry) => {
          this.connects += 1;
          if (!wasRetry) return;
          this.reconnects += 1;
          void listAll(origin, token).then(
            (ids) => {
              for (const id of ids) this.caughtUp.add(id);
              this.resyncs += 1;
            },
            (error: unknown) => this.errors.push(error),
          );
        },
      },
    });
    this.#client.subscribe<{ onCreatePayment: Created | null }>(
      { query: ON_CREATE },
      {
        next: (result) => {
          if (result.errors) this.errors.push(result.errors);
          const payment = result.data?.onCreatePayment;
          if (payment) this.received.push(payment);
        },
        error: (error) => this.errors.push(error),
        complete: () => undefined,
      },
    );
  }

  /** Every payment id it knows of: delivered live, or found by a resync. */
  knows(id: string): boolean {
    return this.caughtUp.has(id) || this.received.some((p) => p.id === id);
  }

  dispose(): Promise<void> {
    return Promise.resolve(this.#client.dispose());
  }
}

/**
 * An Amplify-style subscriber over AppSync's real-time protocol at /graphql/realtime, through the
 * origin, on a raw socket: the protocol has no client here, so after a close it opens a new socket
 * and starts again (what Amplify does), once `hold` lets it.
 */
class RealtimeSubscriber {
  readonly received: Created[] = [];
  readonly messages: Record<string, unknown>[] = [];
  /** Sockets that got their start_ack. */
  started = 0;
  closes = 0;
  #stopped = false;
  readonly #origin: string;
  readonly #token: string;
  readonly #hold: () => Promise<void>;

  constructor(origin: string, token: string, hold: () => Promise<void>) {
    this.#origin = origin;
    this.#token = token;
    this.#hold = hold;
    this.#open();
  }

  #open(): void {
    const host = new URL(this.#origin).host;
    const authorization = { host, Authorization: this.#token };
    const header = Buffer.from(JSON.stringify(authorization)).toString('base64url');
    const socket = new WebSocket(`${this.#origin.replace(/^http/, 'ws')}/graphql/realtime`, [
      'graphql-ws',
      `header-${header}`,
    ]);
    socket.addEventListener('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
    socket.addEventListener('message', (event) => {
      const message = JSON.parse(String(event.data)) as Record<string, unknown>;
      this.messages.push(message);
      if (message['type'] === 'connection_ack')
        socket.send(
          JSON.stringify({
            id: 'on-create',
            type: 'start',
            payload: {
              data: JSON.stringify({ query: ON_CREATE_REALTIME, variables: {} }),
              extensions: { authorization },
            },
          }),
        );
      if (message['type'] === 'start_ack') this.started += 1;
      const payment = (message['payload'] as { data?: { onCreatePayment?: Created } } | undefined)?.data
        ?.onCreatePayment;
      if (message['type'] === 'data' && payment) this.received.push(payment);
    });
    socket.addEventListener('close', () => {
      this.closes += 1;
      if (this.#stopped) return;
      void this.#hold().then(() => setTimeout(() => this.#stopped || this.#open(), 100));
    });
    this.stop = () => {
      this.#stopped = true;
      socket.close();
    };
  }

  stop = (): void => undefined;
}

describe(
  'subscriptions across kill -9 of the payments instance that holds them',
  { timeout: 300_000 },
  () => {
    let under: ClusterUnderTest;
    let cluster: Cluster;
    let userA: ClusterUser;
    let userB: ClusterUser;

    before(async () => {
      under = await startClusterUnderTest();
      cluster = under.cluster;
      userA = await under.signIn('userTenantA');
      userB = await under.signIn('userTenantB');
    });
    after(async () => {
      await under?.stop();
    });

    /** A payment of A's tenant created through nginx: its id. */
    async function create(key: string): Promise<string> {
      for (;;) {
        const response = await createPayment(cluster.origin, userA.token, userA.fromAccount, key, key);
        const text = await response.text();
        // A request in flight on the instance just killed: the client retries it with its key.
        if (response.status === 502) continue;
        const id = (JSON.parse(text) as { data?: { createPayment?: { id?: string } } }).data?.createPayment
          ?.id;
        assert.ok(id, `createPayment ${key}: ${response.status} ${text}`);
        return id;
      }
    }

    /** websocket_connections and graphql_subscriptions_active of one payments instance, on its own port. */
    async function live(index: number): Promise<{ connections: number; subscriptions: number }> {
      const text = await (await fetch(`${cluster.instances['payments-api'][index]?.url}/metrics`)).text();
      return {
        connections: metricSample(text, 'websocket_connections', { endpoint: '/graphql' }) ?? 0,
        subscriptions: metricSample(text, 'graphql_subscriptions_active', { endpoint: '/graphql' }) ?? 0,
      };
    }

    test('the clients see the close, reconnect to the survivor, get what comes after and catch up on what they missed', async () => {
      // Reconnecting clients wait at this gate while it is shut.
      let open!: () => void;
      let gate = Promise.resolve();
      const hold = () => gate;
      const shut = () => {
        gate = new Promise<void>((resolve) => (open = resolve));
      };

      const a1 = new Subscriber(cluster.origin, userA.token, true, hold);
      const a2 = new Subscriber(cluster.origin, userA.token, true, hold);
      const b = new Subscriber(cluster.origin, userB.token, true, hold);
      // The same as a1 without reconnecting: what the test would see if reconnecting did not work.
      const stranded = new Subscriber(cluster.origin, userA.token, false, hold);
      const realtime = new RealtimeSubscriber(cluster.origin, userA.token, hold);
      const graphqlWs = [a1, a2, b];
      const everyone =
        () => `a1 ${JSON.stringify({ ...a1 })} a2 ${JSON.stringify({ ...a2 })} b ${JSON.stringify({ ...b })}
stranded ${JSON.stringify({ ...stranded })} realtime ${JSON.stringify(realtime.messages)}
${under.output.slice(-30).join('\n')}`;
      const SOCKETS = 5;
      try {
        const all = async () => (await live(0)).subscriptions + (await live(1)).subscriptions === SOCKETS;
        assert.ok(await eventually(all, WAIT_MS), `every client subscribed: ${everyone()}`);
        const before = await create('before-kill');
        assert.ok(
          await eventually(async () => [a1, a2, stranded].every((s) => s.knows(before)), WAIT_MS),
          `delivered before any kill: ${everyone()}`,
        );

        // Round 1: kill -9 of instance 1; whoever it held reconnects to instance 2, which then holds
        // every socket (the next round's victim). Instance 1 comes back empty.
        const held = await live(0);
        console.log(`# payments-api-1 held ${held.connections} sockets before its kill -9`);
        await cluster.kill('payments-api', 0, 'SIGKILL');
        assert.ok(
          await eventually(
            async () => (await live(1)).subscriptions === SOCKETS - (stranded.closes > 0 ? 1 : 0),
            WAIT_MS,
          ),
          `the clients of payments-api-1 are on payments-api-2: ${everyone()}`,
        );
        // Exactly the sockets it held were closed (nginx passes the dead upstream's end on).
        const closed = () => [...graphqlWs, stranded, realtime].reduce((sum, s) => sum + s.closes, 0);
        assert.ok(
          await eventually(async () => closed() === held.connections, WAIT_MS),
          `${held.connections} sockets closed: ${everyone()}`,
        );
        await cluster.restart('payments-api', 0);
        assert.deepEqual(
          await live(0),
          { connections: 0, subscriptions: 0 },
          'payments-api-1 came back empty',
        );

        // Round 2: kill -9 of instance 2, which holds them all; they wait at the gate while payments
        // are created through instance 1.
        const closes = graphqlWs.map((s) => s.closes);
        const realtimeCloses = realtime.closes;
        shut();
        await cluster.kill('payments-api', 1, 'SIGKILL');
        assert.ok(
          await eventually(
            async () =>
              graphqlWs.every((s, i) => s.closes > (closes[i] ?? 0)) &&
              realtime.closes > realtimeCloses &&
              stranded.closes > 0,
            WAIT_MS,
          ),
          `every client saw its socket close: ${everyone()}`,
        );
        const reconnects = graphqlWs.map((s) => s.reconnects);
        const resyncs = graphqlWs.map((s) => s.resyncs);
        const started = realtime.started;
        const missed = [await create('while-away-1'), await create('while-away-2')];
        open();
        assert.ok(
          await eventually(
            async () =>
              graphqlWs.every(
                (s, i) => s.resyncs > (resyncs[i] ?? 0) && s.reconnects > (reconnects[i] ?? 0),
              ) && realtime.started > started,
            WAIT_MS,
          ),
          `every client reconnected: ${everyone()}`,
        );
        // Re-subscribed on the survivor (graphql-ws subscribes again after its connection_ack).
        assert.ok(
          await eventually(async () => (await live(0)).subscriptions === SOCKETS - 1, WAIT_MS),
          `the survivor holds every subscription again: ${JSON.stringify(await live(0))} ${everyone()}`,
        );

        const afterwards = await create('after-reconnect');
        for (const [name, s] of [
          ['a1', a1],
          ['a2', a2],
        ] as const)
          assert.ok(
            await eventually(async () => s.received.some((p) => p.id === afterwards), WAIT_MS),
            `${name} got the payment created after its reconnect: ${everyone()}`,
          );
        assert.ok(
          await eventually(async () => realtime.received.some((p) => p.id === afterwards), WAIT_MS),
          `the real-time subscriber got it too: ${everyone()}`,
        );
        for (const [name, s] of [
          ['a1', a1],
          ['a2', a2],
        ] as const)
          assert.deepEqual(
            missed.filter((id) => !s.knows(id)),
            [],
            `${name}'s resync found every payment made while it was away`,
          );
        // Missed live: created while every socket was down, so only the resync can have found them.
        assert.equal(
          a1.received.some((p) => missed.includes(p.id)),
          false,
        );

        // Without reconnecting, the close is the end: the created-after payment never arrives.
        assert.equal(stranded.reconnects, 0);
        assert.equal(stranded.knows(afterwards), false, 'a client that does not reconnect misses it');
        // The other tenant: its own payment arrives (its subscription works), A's never did.
        const ofB = await (async () => {
          const response = await createPayment(
            cluster.origin,
            userB.token,
            userB.fromAccount,
            'of-tenant-b',
            'of-tenant-b',
          );
          const answer = (await response.json()) as { data?: { createPayment?: { id: string } } };
          assert.ok(answer.data?.createPayment?.id, JSON.stringify(answer));
          return answer.data.createPayment.id;
        })();
        assert.ok(
          await eventually(async () => b.received.some((p) => p.id === ofB), WAIT_MS),
          `B got its own payment: ${everyone()}`,
        );
        assert.deepEqual(
          b.received.filter((p) => p.tenantId !== b.received.find((q) => q.id === ofB)?.tenantId),
          [],
          "B never got another tenant's payment",
        );
        for (const id of [before, ...missed, afterwards])
          assert.equal(b.knows(id), false, `B does not know ${id}`);
        // The stranded client's subscription ends with the close; every other one went on.
        assert.deepEqual(
          graphqlWs.flatMap((s) => s.errors),
          [],
          'no subscription failed',
        );
      } finally {
        open?.();
        realtime.stop();
        await Promise.all([...graphqlWs, stranded].map((s) => s.dispose()));
      }
    });
  },
);
