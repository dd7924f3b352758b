import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { rm } from 'node:fs/promises';
import { loginWithPassword, makeTempDir } from '@atrium/test-kit';
import WebSocket from 'ws';
import { startEmbeddedProcess, type EmbeddedProcess } from './embedded-process.ts';

// SIGTERM under load (issue 11.4): every createPayment the server had received is answered, including
// its from-account check against the accounts API beside it, and live subscribers are told 1001.

const CREATE = `mutation($input: CreatePaymentInput!) { createPayment(input: $input) { id } }`;
const WORKERS = 8;
const ACCOUNTS = 60;

interface Outcome {
  /** The request was written to the socket before SIGTERM was sent. */
  readonly sentBeforeSignal: boolean;
  readonly status?: number;
  readonly body?: string;
  readonly error?: string;
}

async function login(server: EmbeddedProcess, username: string): Promise<string> {
  const tokens = await loginWithPassword({
    issuer: `${server.url}/auth`,
    redirectUri: `${server.url}/callback`,
    username,
    password: 'demo-password',
  });
  return tokens.access_token;
}

/** A graphql-ws subscriber to onCreatePayment; resolves with the close code once the socket closes. */
async function subscribe(server: EmbeddedProcess, token: string): Promise<{ closed: Promise<number> }> {
  const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
  const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () =>
      socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })),
    );
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string };
      if (message.type !== 'connection_ack') return;
      socket.send(
        JSON.stringify({
          id: '1',
          type: 'subscribe',
          payload: { query: 'subscription { onCreatePayment { id } }' },
        }),
      );
      resolve();
    });
    socket.once('error', reject);
    socket.once('close', (code) => reject(new Error(`subscriber closed before its ack: ${code}`)));
  });
  // In an object: an async function returning the promise itself would wait for it.
  return { closed };
}

describe('SIGTERM under load', () => {
  let dataDir: string;
  after(async () => rm(dataDir, { recursive: true, force: true }));

  test(
    'answers every createPayment it had received (0 failed), then closes subscribers with 1001 and exits 0',
    { timeout: 300_000 },
    async () => {
      dataDir = await makeTempDir('embedded-shutdown');
      const server = await startEmbeddedProcess(dataDir);
      let signalled = false;
      try {
        const admin = await login(server, 'adminTenantA');
        const user = await login(server, 'userTenantA');
        // A fresh from-account per payment: each one is checked with the accounts API (nothing cached),
        // so the payments in flight at SIGTERM are waiting on that sibling call.
        const accounts: string[] = [];
        for (let i = 0; i < ACCOUNTS; i += 1) {
          const response = await fetch(`${server.url}/api/accounts`, {
            method: 'POST',
            headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
            body: JSON.stringify({
              nickname: `Shutdown ${i}`,
              type: 'domestic',
              account_number: `4321-${String(10_000_000 + i)}`,
              currency: 'DKK',
            }),
          });
          const text = await response.text();
          assert.equal(response.status, 201, text);
          accounts.push((JSON.parse(text) as { account_number: string }).account_number);
        }
        const { closed: subscriberClosed } = await subscribe(server, user);

        // Kept-alive connections, as a load balancer holds them.
        const agent = new Agent({ keepAlive: true, maxSockets: WORKERS });
        const createPayment = (from: string) =>
          new Promise<Outcome>((resolve) => {
            let sentBeforeSignal = false;
            const body = JSON.stringify({
              query: CREATE,
              variables: {
                input: {
                  amount: 10,
                  currency: 'DKK',
                  dueDate: '2027-02-01T00:00:00.000Z',
                  from_account: from,
                  to_account: 'PAYEE001',
                  type: 'DOMESTIC',
                },
              },
            });
            const req = request(
              `${server.url}/graphql`,
              {
                method: 'POST',
                agent,
                headers: { authorization: `Bearer ${user}`, 'content-type': 'application/json' },
              },
              (res) => {
                let text = '';
                res.on('data', (chunk: Buffer) => (text += chunk.toString()));
                res.on('end', () => resolve({ sentBeforeSignal, status: res.statusCode ?? 0, body: text }));
                res.on('error', (error) => resolve({ sentBeforeSignal, error: error.message }));
              },
            );
            // 'finish': the whole request is handed to the operating system.
            req.on('finish', () => (sentBeforeSignal = !signalled));
            req.on('error', (error) =>
              resolve({ sentBeforeSignal, error: (error as NodeJS.ErrnoException).code ?? error.message }),
            );
            req.end(body);
          });

        const outcomes: Outcome[] = [];
        let next = 0;
        let answered = 0;
        const worker = async () => {
          while (next < accounts.length) {
            const outcome = await createPayment(accounts[next++] as string);
            outcomes.push(outcome);
            if (outcome.status !== undefined) answered += 1;
            // Refused: the server no longer takes requests; this worker is done.
            if (outcome.error !== undefined || outcome.status !== 200) return;
          }
        };
        let stopped = 0;
        const workers = Array.from({ length: WORKERS }, () => worker().finally(() => (stopped += 1)));
        // SIGTERM once the load is running: a round answered, a full round in flight.
        while (answered < WORKERS && stopped === 0) await new Promise((resolve) => setTimeout(resolve, 5));
        assert.equal(stopped, 0, `the load runs before SIGTERM: ${JSON.stringify(outcomes.slice(0, 3))}`);
        signalled = true;
        server.child.kill('SIGTERM');
        await Promise.all(workers);
        agent.destroy();

        const before = outcomes.filter((o) => o.sentBeforeSignal);
        const inFlight = before.length - WORKERS;
        assert.ok(inFlight > 0, `some requests were in flight at SIGTERM (${before.length} sent before it)`);
        const failed = before.filter((o) => {
          if (o.status !== 200 || o.body === undefined) return true;
          const answer = JSON.parse(o.body) as {
            data?: { createPayment?: { id?: string } | null };
            errors?: unknown;
          };
          return answer.errors !== undefined || typeof answer.data?.createPayment?.id !== 'string';
        });
        assert.deepEqual(failed, [], `0 failed of ${before.length} sent before SIGTERM`);
        // After SIGTERM a request is served or never accepted (refused connection, or 503 + close).
        for (const o of outcomes.filter((o) => !o.sentBeforeSignal)) {
          assert.ok(o.error !== undefined || o.status === 200 || o.status === 503, JSON.stringify(o));
        }
        assert.equal(await subscriberClosed, 1001, 'subscribers are told the server is going away');
        assert.equal(await server.exited, 0, server.output());
      } finally {
        await server.stop('SIGKILL');
      }
    },
  );
});
