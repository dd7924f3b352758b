import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '@atrium/postgres';
import {
  demoCaller,
  eventually,
  freePort,
  makeTempDir,
  startPostgresServer,
  startTestIssuer,
  type PostgresServer,
  type TestIssuer,
} from '@atrium/test-kit';
import { PREFIX } from './accounts-fixture.ts';
import { migrateAccounts } from './accounts-database.ts';
import { SERVICE_ROLE } from './tenant-scope.ts';

// The standalone server as a child process, as it runs in production: a crash is an exit, not a
// test-runner report.
const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url));
const WRITERS = 6;

interface Outcome {
  readonly status: number;
  readonly retryAfter: string | null;
  readonly code: string | undefined;
}

describe('database faults under write load (standalone server, real PostgreSQL 15)', () => {
  let pgServer: PostgresServer;
  let issuer: TestIssuer;
  let child: ChildProcess;
  let output = '';
  let base: string;
  let headers: Record<string, string>;
  let serial = 0;

  before(async () => {
    pgServer = await startPostgresServer();
    const ownerDb = await openDatabase({ url: pgServer.url, poolSize: 1 });
    await migrateAccounts(ownerDb);
    await ownerDb.query(`alter role ${SERVICE_ROLE} login`);
    await ownerDb.close();
    issuer = await startTestIssuer();
    const port = await freePort();
    base = `http://127.0.0.1:${port}${PREFIX}`;
    child = spawn(process.execPath, [SERVER], {
      env: {
        PATH: process.env['PATH'],
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: pgServer.url.replace('postgres://postgres@', `postgres://${SERVICE_ROLE}@`),
        DATABASE_MIGRATION_URL: pgServer.url,
        OIDC_ISSUER: issuer.issuer,
        OIDC_JWKS_URI: issuer.jwksUri,
        ATRIUM_DATA_DIR: await makeTempDir('accounts-faults'),
        ATRIUM_DEMO: 'false',
        LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const ready = await eventually(
      async () =>
        child.exitCode !== null ||
        fetch(`${base}/readyz`).then(
          (r) => r.ok,
          () => false,
        ),
      60_000,
    );
    assert.equal(child.exitCode, null, `the server started:\n${output}`);
    assert.ok(ready, `the server became ready:\n${output}`);
    headers = {
      authorization: `Bearer ${await issuer.mint(demoCaller('A', 'admin'))}`,
      'content-type': 'application/json',
    };
  });
  after(async () => {
    child.kill('SIGKILL');
    await issuer.close();
    await pgServer.stop();
  });

  const create = async (): Promise<Outcome> => {
    serial += 1;
    try {
      const response = await fetch(base, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          nickname: `Load ${serial}`,
          type: 'domestic',
          account_number: `1234-${String(serial).padStart(8, '0')}`,
          currency: 'DKK',
        }),
      });
      const body = (await response.json()) as { code?: string };
      return { status: response.status, retryAfter: response.headers.get('retry-after'), code: body.code };
    } catch {
      // The API did not answer at all: its process died or dropped the connection.
      return { status: 0, retryAfter: null, code: undefined };
    }
  };

  /** Runs `fault` while WRITERS clients create accounts back to back; returns every answer. */
  async function underLoad(fault: () => Promise<void>): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    let running = true;
    const writers = Array.from({ length: WRITERS }, async () => {
      while (running) outcomes.push(await create());
    });
    try {
      // Transactions are in flight when the fault strikes.
      assert.ok(await eventually(async () => outcomes.length >= 4 * WRITERS, 30_000), 'load is flowing');
      await fault();
      // Recovered without a restart of the API: writes succeed again.
      const recovered = await eventually(
        async () => child.exitCode !== null || (await create()).status === 201,
        30_000,
      );
      assert.equal(child.exitCode, null, `the API process is still running:\n${output}`);
      assert.ok(recovered, `writes succeed again after the fault:\n${output}`);
    } finally {
      running = false;
      await Promise.all(writers);
    }
    return outcomes;
  }

  function assertOnlyRetryableFailures(outcomes: readonly Outcome[]): void {
    assert.equal(child.exitCode, null, `the API process is still running:\n${output}`);
    assert.equal(child.signalCode, null, `the API process is still running:\n${output}`);
    const failures = outcomes.filter((o) => o.status !== 201);
    assert.ok(failures.length > 0, 'some requests met the fault');
    for (const failure of failures) {
      assert.deepEqual(
        failure,
        { status: 503, retryAfter: '5', code: 'database_unavailable' },
        `a failed write is a retryable 503:\n${output}`,
      );
    }
  }

  test('pg_ctl restart -m fast costs only the requests in flight, never the process', async () => {
    for (let round = 0; round < 3; round++) {
      assertOnlyRetryableFailures(await underLoad(() => pgServer.faults.restart()));
    }
  });

  test('kill -9 of the postmaster costs only the requests in flight, never the process', async () => {
    for (let round = 0; round < 3; round++) {
      assertOnlyRetryableFailures(await underLoad(() => pgServer.faults.crashAndStart()));
    }
  });
});
