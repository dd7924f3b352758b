import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createServer as createHttpServer, type Server } from 'node:http';
import { connect as tcpConnect } from 'node:net';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import {
  demoCaller,
  eventually,
  makeTempDir,
  startRedisServer,
  startTestIssuer,
  type RunningServer,
  type TestIssuer,
} from '@atrium/test-kit';
import { startPayments, type PaymentsFixture } from '../payments-fixture.ts';

// Amplify JS v6 subscribes over AppSync's real-time protocol at <endpoint>/realtime, always over TLS.
// These tests run the real `aws-amplify` client (in a child process: Node reads NODE_EXTRA_CA_CERTS
// only at start) against the API behind a TLS terminator with a throw-away CA, as nginx would be.

const run = promisify(execFile);
const AMPLIFY_SUBSCRIBER = new URL('./amplify-subscriber.ts', import.meta.url);
const ON_CREATE = `subscription OnCreatePayment($filter: ModelSubscriptionPaymentFilterInput) {
  onCreatePayment(filter: $filter) { id tenantId amount message }
}`;
const CREATE = `mutation($input: CreatePaymentInput!) { createPayment(input: $input) { id } }`;
const input = (message: string) => ({
  amount: 12.5,
  currency: 'DKK',
  dueDate: '2026-12-24T00:00:00.000Z',
  from_account: 'L1',
  to_account: 'L2',
  message,
  type: 'DOMESTIC',
});

/** A throw-away CA, a certificate for 127.0.0.1 signed by it, and a TLS terminator in front of `target`. */
async function tlsInFront(target: string): Promise<{ url: string; caFile: string; close(): Promise<void> }> {
  const dir = await makeTempDir('realtime-tls');
  const file = (name: string) => join(dir, name);
  await writeFile(file('san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=Atrium test CA',
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
  ]);
  await run('openssl', [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    file('server.key'),
    '-out',
    file('server.csr'),
  ]);
  await run('openssl', [
    'x509',
    '-req',
    '-days',
    '1',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-extfile',
    file('san.ext'),
    '-out',
    file('server.pem'),
  ]);
  const { port } = new URL(target);
  const server: TlsServer = createTlsServer(
    { key: await readFile(file('server.key')), cert: await readFile(file('server.pem')) },
    (secure) => {
      const plain = tcpConnect(Number(port), '127.0.0.1');
      secure.pipe(plain).pipe(secure);
      // Either side gone (a client killed, a socket reset) ends the other, as a proxy does.
      secure.on('error', () => plain.destroy());
      plain.on('error', () => secure.destroy());
      secure.on('close', () => plain.destroy());
      plain.on('close', () => secure.destroy());
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `https://127.0.0.1:${address.port}`,
    caFile: file('ca.pem'),
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** An Amplify app subscribed through the TLS front: what it has reported, line by line. */
interface AmplifySubscriber {
  readonly lines: Record<string, unknown>[];
  /** The ids of the payments its subscription delivered. */
  received(): string[];
  stop(): Promise<void>;
}

function amplifySubscriber(
  front: { url: string; caFile: string },
  token: string | string[],
  variables: Record<string, unknown> = {},
): AmplifySubscriber {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      AMPLIFY_SUBSCRIBER.pathname,
      JSON.stringify({
        endpoint: `${front.url}/graphql`,
        tokens: typeof token === 'string' ? [token] : token,
        query: ON_CREATE,
        variables,
      }),
    ],
    { env: { ...process.env, NODE_EXTRA_CA_CERTS: front.caFile }, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines: Record<string, unknown>[] = [];
  let rest = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const text = rest + chunk.toString('utf8');
    const parts = text.split('\n');
    rest = parts.pop() ?? '';
    for (const part of parts) if (part.trim() !== '') lines.push(JSON.parse(part) as Record<string, unknown>);
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return {
    lines,
    received: () =>
      lines.flatMap((line) => {
        const event = (line['data'] as { onCreatePayment?: { id: string } } | undefined)?.onCreatePayment;
        return event === undefined ? [] : [event.id];
      }),
    async stop() {
      child.kill();
      await exited;
    },
  };
}

/** True once Amplify says its subscription is acknowledged (start_ack after connection_ack). */
const connected = (subscriber: AmplifySubscriber) => async () =>
  subscriber.lines.some((line) => line['state'] === 'Connected');

/** A raw AppSync-protocol socket: what the server sent, and how it closed. */
interface RawConnection {
  readonly socket: WebSocket;
  readonly messages: Record<string, unknown>[];
  readonly closed: Promise<{ code: number; reason: string }>;
  next(type: string, id?: string): Promise<Record<string, unknown>>;
  send(message: Record<string, unknown>): void;
}

const headerProtocol = (header: Record<string, unknown>) =>
  `header-${Buffer.from(JSON.stringify(header)).toString('base64url')}`;

function rawConnection(api: PaymentsFixture, protocols: string[], query = ''): RawConnection {
  const socket = new WebSocket(`${api.url.replace(/^http/, 'ws')}/graphql/realtime${query}`, protocols);
  const messages: Record<string, unknown>[] = [];
  socket.on('message', (data) => messages.push(JSON.parse(String(data)) as Record<string, unknown>));
  socket.on('error', () => undefined);
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
  return {
    socket,
    messages,
    closed,
    async next(type, id) {
      const found = () => messages.find((m) => m['type'] === type && (id === undefined || m['id'] === id));
      assert.ok(
        await eventually(async () => found() !== undefined, 15_000),
        `no ${type} message: ${JSON.stringify(messages)}`,
      );
      return found() as Record<string, unknown>;
    },
    send: (message) => socket.send(JSON.stringify(message)),
  };
}

/** Waits for the upgrade to succeed; a refused one (no such route) fails the test instead of hanging it. */
async function opened(c: RawConnection): Promise<void> {
  const open = await Promise.race([
    new Promise<boolean>((resolve) => c.socket.once('open', () => resolve(true))),
    c.closed.then(() => false),
  ]);
  assert.ok(open, 'the WebSocket upgrade was accepted');
}

async function initialised(api: PaymentsFixture, token: string): Promise<RawConnection> {
  const c = rawConnection(api, ['graphql-ws', headerProtocol({ host: 'localhost', Authorization: token })]);
  await opened(c);
  c.send({ type: 'connection_init' });
  await c.next('connection_ack');
  return c;
}

const startMessage = (
  id: string,
  token: string,
  query = ON_CREATE,
  variables: Record<string, unknown> = {},
) => ({
  id,
  type: 'start',
  payload: {
    data: JSON.stringify({ query, variables }),
    extensions: { authorization: { host: 'localhost', Authorization: token } },
  },
});

describe('the AppSync real-time endpoint, with the real Amplify JS client behind TLS', () => {
  let issuer: TestIssuer;
  let api: PaymentsFixture;
  let front: Awaited<ReturnType<typeof tlsInFront>>;
  before(async () => {
    issuer = await startTestIssuer();
    api = await startPayments(issuer, { listen: true });
    front = await tlsInFront(api.url);
  });
  after(async () => {
    await api.close();
    await front.close();
    await issuer.close();
  });

  it("delivers a payment another client of the same tenant creates, and not another tenant's", async () => {
    const a = amplifySubscriber(front, await issuer.mint(demoCaller('A', 'viewer')));
    const b = amplifySubscriber(front, await issuer.mint(demoCaller('B', 'viewer')));
    try {
      assert.ok(await eventually(connected(a), 60_000), `A subscribed: ${JSON.stringify(a.lines)}`);
      assert.ok(await eventually(connected(b), 60_000), `B subscribed: ${JSON.stringify(b.lines)}`);
      const ofB = await api.gql(await issuer.mint(demoCaller('B', 'member')), CREATE, {
        input: input('of B'),
      });
      const ofA = await api.gql(await issuer.mint(demoCaller('A', 'member')), CREATE, {
        input: input('of A'),
      });
      const idOfA = (ofA.body.data?.['createPayment'] as { id: string }).id;
      const idOfB = (ofB.body.data?.['createPayment'] as { id: string }).id;
      assert.ok(await eventually(async () => a.received().length > 0, 30_000), JSON.stringify(a.lines));
      assert.ok(await eventually(async () => b.received().length > 0, 30_000), JSON.stringify(b.lines));
      // B's payment was published first: had it been sent to A, it would have arrived before A's own.
      assert.deepEqual(a.received(), [idOfA]);
      assert.deepEqual(b.received(), [idOfB]);
      const event = a.lines.find((line) => line['data'] !== undefined)?.['data'];
      assert.deepEqual(event, {
        onCreatePayment: { id: idOfA, tenantId: 'TenantA', amount: 12.5, message: 'of A' },
      });
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('closes the connection when its token expires, and Amplify reconnects with a fresh one', async () => {
    const viewer = demoCaller('A', 'viewer');
    // The first token must still be valid when the Amplify child has started and connected, which
    // on a loaded 2-core machine took over 3 s (then the handshake was refused, not expired later).
    const subscriber = amplifySubscriber(front, [
      await issuer.mint(viewer, { expiresInSeconds: 20 }),
      await issuer.mint(viewer),
    ]);
    const states = () =>
      subscriber.lines.flatMap((line) => (line['state'] === undefined ? [] : [line['state']]));
    try {
      assert.ok(await eventually(connected(subscriber), 60_000), JSON.stringify(subscriber.lines));
      // Closed at the first token's expiry (4401); Amplify re-subscribes with the second token.
      const reconnected = async () => {
        const seen = states();
        const disrupted = seen.indexOf('ConnectionDisrupted', seen.indexOf('Connected'));
        return disrupted > 0 && seen.indexOf('Connected', disrupted) > disrupted;
      };
      assert.ok(await eventually(reconnected, 60_000), JSON.stringify(states()));
      const created = await api.gql(await issuer.mint(demoCaller('A', 'member')), CREATE, {
        input: input('after reconnecting'),
      });
      const id = (created.body.data?.['createPayment'] as { id: string }).id;
      assert.ok(
        await eventually(async () => subscriber.received().includes(id), 30_000),
        JSON.stringify(subscriber.lines),
      );
    } finally {
      await subscriber.stop();
    }
  });

  it('refuses a forged token at the handshake, and Amplify reports it without retrying', async () => {
    const forged = amplifySubscriber(
      front,
      await issuer.mint(demoCaller('A', 'viewer'), { foreignKey: true }),
    );
    try {
      assert.ok(
        await eventually(async () => forged.lines.some((line) => line['error'] !== undefined), 60_000),
        JSON.stringify(forged.lines),
      );
      // Amplify fails a subscription only on an error it will not retry (connection_error with
      // UnauthorizedException / 401); a refused upgrade or a bare close is retried with back-off.
      const error = String(forged.lines.find((line) => line['error'] !== undefined)?.['error']);
      assert.match(error, /UnauthorizedException/);
      assert.equal(
        forged.lines.some((line) => line['state'] === 'Connected'),
        false,
      );
    } finally {
      await forged.stop();
    }
  });
});

describe('the AppSync real-time protocol at /graphql/realtime', { concurrency: true }, () => {
  let issuer: TestIssuer;
  let api: PaymentsFixture;
  let revocationList: Server;
  const revoked: { sub: string; revokedAt: string }[] = [];
  before(async () => {
    issuer = await startTestIssuer();
    revocationList = createHttpServer((_request, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ items: revoked }));
    });
    await new Promise<void>((resolve) => revocationList.listen(0, '127.0.0.1', resolve));
    const { port } = revocationList.address() as { port: number };
    api = await startPayments(issuer, {
      listen: true,
      revocations: { url: `http://127.0.0.1:${port}/revocations`, intervalMs: 50 },
      subscriptionLimits: { perConnection: 2, perTenant: 3 },
    });
  });
  after(async () => {
    await api.close();
    await new Promise((resolve) => revocationList.close(resolve));
    await issuer.close();
  });

  it('answers a handshake without a token, or with a bad one, with connection_error and closes', async () => {
    const cases: [string, string[], string][] = [
      ['no header', ['graphql-ws'], ''],
      ['a malformed token', ['graphql-ws', headerProtocol({ host: 'h', Authorization: 'nope' })], ''],
      [
        'an expired token in the query',
        ['graphql-ws'],
        `?header=${Buffer.from(
          JSON.stringify({
            Authorization: await issuer.mint(demoCaller('A', 'viewer'), { expiresInSeconds: -60 }),
          }),
        ).toString('base64')}&payload=e30=`,
      ],
    ];
    for (const [name, protocols, query] of cases) {
      const c = rawConnection(api, protocols, query);
      await opened(c);
      c.send({ type: 'connection_init' });
      const error = await c.next('connection_error');
      const [first] = (error['payload'] as { errors: Record<string, unknown>[] }).errors;
      assert.equal(first?.['errorType'], 'UnauthorizedException', name);
      assert.equal(first?.['errorCode'], 401, name);
      assert.equal((await c.closed).code, name.startsWith('an expired') ? 4401 : 4403, name);
      assert.equal(
        c.messages.some((m) => m['type'] === 'connection_ack'),
        false,
        name,
      );
    }
  });

  it('acknowledges with connectionTimeoutMs, keeps alive, and answers start with start_ack, data and stop with complete', async () => {
    const token = await issuer.mint(demoCaller('A', 'viewer'));
    const c = await initialised(api, token);
    assert.deepEqual(c.messages[0], { type: 'connection_ack', payload: { connectionTimeoutMs: 300_000 } });
    await c.next('ka');
    c.send(startMessage('one', token, ON_CREATE, { filter: { message: { eq: 'raw' } } }));
    await c.next('start_ack', 'one');
    const created = await api.gql(await issuer.mint(demoCaller('A', 'member')), CREATE, {
      input: input('raw'),
    });
    const data = await c.next('data', 'one');
    assert.deepEqual(data['payload'], {
      data: {
        onCreatePayment: {
          id: (created.body.data?.['createPayment'] as { id: string }).id,
          tenantId: 'TenantA',
          amount: 12.5,
          message: 'raw',
        },
      },
    });
    c.send({ type: 'stop', id: 'one' });
    await c.next('complete', 'one');
    c.socket.close();
  });

  it('closes a socket that sends no connection_init within 3 s (4408), and has no plain HTTP route', async () => {
    const token = await issuer.mint(demoCaller('A', 'viewer'));
    const c = rawConnection(api, ['graphql-ws', headerProtocol({ Authorization: token })]);
    assert.equal((await c.closed).code, 4408);
    assert.equal(c.messages.length, 0);
    assert.equal((await api.app.inject({ method: 'GET', url: '/graphql/realtime' })).statusCode, 404);
  });

  it('closes the connection with 4401 when its token expires', async () => {
    const token = await issuer.mint(demoCaller('A', 'viewer'), { expiresInSeconds: 2 });
    const c = await initialised(api, token);
    c.send(startMessage('expiring', token));
    await c.next('start_ack', 'expiring');
    assert.deepEqual(await c.closed, { code: 4401, reason: 'Token expired' });
  });

  it("closes the connection with 4403 when its account's tokens are revoked", async () => {
    const caller = { ...demoCaller('B', 'viewer'), username: 'revokedViewer', sub: 'sub-revokedViewer' };
    const token = await issuer.mint(caller);
    const c = await initialised(api, token);
    c.send(startMessage('watched', token));
    await c.next('start_ack', 'watched');
    revoked.push({ sub: 'sub-revokedViewer', revokedAt: new Date(Date.now() + 1000).toISOString() });
    assert.deepEqual(await c.closed, { code: 4403, reason: 'Token revoked' });
  });

  it('holds a connection and a tenant to their subscription limits, and frees a slot on stop', async () => {
    // A tenant of its own: the other tests, run alongside, hold subscriptions of tenants A and B.
    const token = await issuer.mint({
      ...demoCaller('A', 'viewer'),
      tenantId: 'TenantLimits',
      username: 'limited',
    });
    const one = await initialised(api, token);
    one.send(startMessage('s1', token));
    one.send(startMessage('s2', token));
    one.send(startMessage('s3', token));
    await one.next('start_ack', 's1');
    await one.next('start_ack', 's2');
    const perConnection = await one.next('error', 's3');
    assert.deepEqual(
      (perConnection['payload'] as { errors: Record<string, unknown>[] }).errors.map((e) => [
        e['errorType'],
        (e['extensions'] as { code: string }).code,
      ]),
      [['LimitExceededException', 'SUBSCRIPTION_LIMIT']],
    );
    const two = await initialised(api, token);
    two.send(startMessage('t1', token));
    await two.next('start_ack', 't1');
    two.send(startMessage('t2', token));
    const perTenant = await two.next('error', 't2');
    assert.match(
      String((perTenant['payload'] as { errors: { message: string }[] }).errors[0]?.message),
      /This tenant has 3 subscriptions/,
    );
    one.send({ type: 'stop', id: 's1' });
    await one.next('complete', 's1');
    two.send(startMessage('t3', token));
    await two.next('start_ack', 't3');
    one.socket.close();
    two.socket.close();
  });

  it('holds a start to the documents limits and refuses another account in its authorization', async () => {
    const token = await issuer.mint(demoCaller('A', 'viewer'));
    const c = await initialised(api, token);
    const deep = `subscription { onCreatePayment { ${'id '.repeat(2100)} } }`;
    c.send(startMessage('big', token, deep));
    const tooMany = await c.next('error', 'big');
    assert.equal(
      (tooMany['payload'] as { errors: { errorType: string }[] }).errors[0]?.errorType,
      'QueryTooComplex',
    );
    c.send(startMessage('bad', token, 'subscription { onCreatePayment { nope } }'));
    const invalid = await c.next('error', 'bad');
    assert.equal(
      (invalid['payload'] as { errors: { errorType: string }[] }).errors[0]?.errorType,
      'ValidationError',
    );
    c.send(startMessage('other', await issuer.mint(demoCaller('B', 'viewer'))));
    const other = await c.next('error', 'other');
    assert.equal(
      (other['payload'] as { errors: { errorType: string }[] }).errors[0]?.errorType,
      'UnauthorizedException',
    );
    c.socket.close();
  });
});

describe('the AppSync real-time endpoint across two instances through Redis', () => {
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

  it('delivers to a realtime subscriber on one instance a payment created through the other', async () => {
    const token = await issuer.mint(demoCaller('A', 'viewer'));
    const c = await initialised(one, token);
    c.send(startMessage('fanout', token));
    await c.next('start_ack', 'fanout');
    const member = await issuer.mint(demoCaller('A', 'member'));
    const created = await two.gql(member, CREATE, { input: input('through redis') });
    const id = (created.body.data?.['createPayment'] as { id: string }).id;
    const data = await c.next('data', 'fanout');
    assert.equal(
      (data['payload'] as { data: { onCreatePayment: { id: string } } }).data.onCreatePayment.id,
      id,
    );
    c.socket.close();
  });
});
