import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { loginWithPassword } from '@atrium/test-kit';
import { fillLogin } from '../src/atrium.ts';
import { NODE, REPO_ROOT } from '../src/node-runtime.ts';
import { freePortRange } from '../src/topology.ts';

// This scenario restarts a server under an open page, so it runs its own embedded server (the
// shared one of the `embedded` project stays up for the other scenarios); the split project leaves
// it out (playwright.config.ts), since one topology proves the element's behaviour.

const OPERATING = 'DK5000400440116243';

interface Server {
  readonly process: ChildProcess;
  readonly exited: Promise<number | null>;
}

async function startServer(port: number, dataDir: string): Promise<Server> {
  const child = spawn(NODE, ['services/embedded/src/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: String(port), ATRIUM_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await expect
    .poll(
      async () => {
        if (child.exitCode !== null) throw new Error(`the embedded server exited with ${child.exitCode}`);
        return fetch(`http://localhost:${port}/readyz`).then(
          (response) => response.status,
          () => 0,
        );
      },
      { timeout: 180_000, intervals: [250] },
    )
    .toBe(200);
  return { process: child, exited };
}

async function stopServer(server: Server): Promise<void> {
  server.process.kill('SIGTERM');
  await server.exited;
}

test('a payments table open across a restart of the server shows the payment created meanwhile', async ({
  page,
}) => {
  test.setTimeout(420_000);
  const port = await freePortRange(1);
  const base = `http://localhost:${port}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'atrium-e2e-reconnect-'));
  let server = await startServer(port, dataDir);
  try {
    const subscribed = new Promise<void>((resolve) => {
      page.on('websocket', (socket) => {
        socket.on('framesent', (frame) => {
          if (typeof frame.payload === 'string' && frame.payload.includes('"subscribe"')) resolve();
        });
      });
    });
    await page.goto(`${base}/payments`);
    await page.waitForURL(/\/auth\//);
    await fillLogin(page, 'userTenantA');
    await page.waitForURL((url) => url.pathname === '/payments');
    const table = page.getByRole('table', { name: 'Payments' });
    await expect(table).toBeVisible();
    await subscribed;
    const { access_token: token } = await loginWithPassword({
      issuer: `${base}/auth`,
      redirectUri: `${base}/callback`,
      username: 'userTenantA',
      password: 'demo-password',
    });

    await stopServer(server);
    server = await startServer(port, dataDir);
    // Created as soon as the server is back: the page's socket is still waiting to retry, so no
    // event for this payment ever reaches it. Only a reload after the reconnect can show it.
    const to = `R${Date.now().toString(36).slice(-7)}`.toUpperCase();
    const created = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: 'mutation($input: CreatePaymentInput!) { createPayment(input: $input) { id } }',
        variables: {
          input: {
            amount: 12.5,
            currency: 'DKK',
            dueDate: '2031-03-01T00:00:00.000Z',
            from_account: OPERATING,
            to_account: to,
            type: 'DOMESTIC',
          },
        },
      }),
    });
    const answer = (await created.json()) as { errors?: unknown };
    expect(answer.errors).toBeUndefined();

    await expect(table.getByRole('row').filter({ hasText: to })).toHaveCount(1, { timeout: 60_000 });
    await page.screenshot({ path: test.info().outputPath('after-reconnect.png') });
  } finally {
    await stopServer(server);
    await rm(dataDir, { recursive: true, force: true });
  }
});
