import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import Fastify from 'fastify';
import { stopOnSignals } from './index.ts';

test('a signal lets the in-flight request finish, closes the stores, then exits 0', async () => {
  const app = Fastify();
  const events: string[] = [];
  app.addHook('onClose', async () => {
    events.push('store closed');
  });
  app.get('/slow', async () => {
    await new Promise((resolve) => setTimeout(resolve, 200));
    events.push('request finished');
    return { ok: true };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  const exited = new Promise<number>((resolve) =>
    stopOnSignals(app, { signals: ['SIGWINCH'], exit: resolve }),
  );

  const inFlight = fetch(`http://127.0.0.1:${port}/slow`);
  await new Promise((resolve) => setTimeout(resolve, 50));
  process.emit('SIGWINCH');
  const response = await inFlight;
  assert.equal(response.status, 200);
  // Reading the body frees the keep-alive connection, which close() then ends.
  assert.deepEqual(await response.json(), { ok: true });
  assert.equal(await exited, 0);
  assert.deepEqual(events, ['request finished', 'store closed']);
});

test('a store that hangs on close makes the process exit 1 after the grace period', async () => {
  const app = Fastify();
  app.addHook('onClose', () => new Promise(() => {}));
  await app.ready();
  const exited = new Promise<number>((resolve) =>
    stopOnSignals(app, { signals: ['SIGWINCH'], exit: resolve, graceMs: 100 }),
  );
  process.emit('SIGWINCH');
  assert.equal(await exited, 1);
});

test('a request in flight at the signal is answered with Connection: close, so no proxy reuses the connection', async () => {
  const app = Fastify();
  app.get('/slow', async () => {
    await new Promise((resolve) => setTimeout(resolve, 200));
    return { ok: true };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as { port: number };
  const exited = new Promise<number>((resolve) =>
    stopOnSignals(app, { signals: ['SIGWINCH'], exit: resolve }),
  );
  const headers = new Promise<Record<string, string | string[] | undefined>>((resolve, reject) => {
    // A kept-alive connection, as nginx's upstream keepalive holds it.
    const agent = new Agent({ keepAlive: true });
    request(`http://127.0.0.1:${port}/slow`, { agent }, (response) => {
      response.resume();
      response.on('end', () => {
        agent.destroy();
        resolve(response.headers);
      });
    })
      .on('error', reject)
      .end();
  });
  await new Promise((resolve) => setTimeout(resolve, 50));
  process.emit('SIGWINCH');
  // Otherwise the connection goes back to the proxy's pool idle, and the instance closes it while
  // the proxy may be writing the next request into it: a non-idempotent one then fails (502).
  assert.equal((await headers)['connection'], 'close');
  assert.equal(await exited, 0);
});
