import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import WebSocket from 'ws';
import { demoCaller, eventually, startTestIssuer, type TestIssuer } from '@atrium/test-kit';
import { STRAY_UPGRADE_IDLE_MS } from './stray-upgrades.ts';
import { startPayments, type PaymentsFixture } from '../payments-fixture.ts';

// An upgrade request to a path without a WebSocket route is answered 404 by the router outside the
// payments plugin, where @fastify/websocket's clean-up hook does not run: its socket stayed open for
// ever, a file descriptor per request, and `app.close()` waited for it without end.

/** Sends an upgrade request for `path` over a bare TCP socket: the answer's status line, and whether the server closed it. */
function bareUpgrade(url: string, path: string): { status: Promise<string>; closed: () => boolean } {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let closed = false;
  socket.on('close', () => (closed = true));
  socket.on('error', () => undefined);
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${Buffer.from('0123456789abcdef').toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  const status = new Promise<string>((resolve) =>
    socket.once('data', (chunk: Buffer) => resolve(chunk.toString('latin1').split('\r\n')[0] ?? '')),
  );
  return { status, closed: () => closed };
}

describe('upgrade requests that do not become WebSockets', () => {
  let issuer: TestIssuer;
  before(async () => {
    issuer = await startTestIssuer();
  });
  after(async () => {
    await issuer.close();
  });

  it('do not hold up the server closing', async () => {
    const api: PaymentsFixture = await startPayments(issuer, { listen: true });
    const socket = new WebSocket(`${api.url.replace(/^http/, 'ws')}/no-such-route`);
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.once('close', resolve));
    let closed = false;
    void api.close().then(() => (closed = true));
    assert.ok(await eventually(async () => closed, 20_000), 'app.close() finished');
  });

  it('are closed by the server when their client keeps them open after the answer', async () => {
    const api = await startPayments(issuer, { listen: true });
    try {
      const upgrade = bareUpgrade(api.url, '/no-such-route');
      assert.match(await upgrade.status, /^HTTP\/1\.1 404/);
      assert.ok(await eventually(async () => upgrade.closed(), 30_000), 'the server closed the socket');
    } finally {
      await api.close();
    }
  });

  it('leave WebSockets alone: a quiet connection is still open after the idle bound', async () => {
    const api = await startPayments(issuer, { listen: true });
    try {
      const header = { Authorization: await issuer.mint(demoCaller('A', 'viewer')) };
      const socket = new WebSocket(`${api.url.replace(/^http/, 'ws')}/graphql/realtime`, [
        'graphql-ws',
        `header-${Buffer.from(JSON.stringify(header)).toString('base64url')}`,
      ]);
      const messages: string[] = [];
      socket.on('message', (data) => messages.push(String(data)));
      await new Promise((resolve) => socket.once('open', resolve));
      socket.send(JSON.stringify({ type: 'connection_init' }));
      assert.ok(await eventually(async () => messages.some((m) => m.includes('connection_ack')), 15_000));
      // Silent from here (the next keep-alive is 30 s away) for longer than a stray socket may be.
      await new Promise((resolve) => setTimeout(resolve, STRAY_UPGRADE_IDLE_MS + 2_000));
      assert.equal(socket.readyState, WebSocket.OPEN);
      socket.close();
    } finally {
      await api.close();
    }
  });
});
