import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { openDatabase, type Database } from '@atrium/postgres';
import {
  demoCaller,
  eventually,
  startPostgresServer,
  startTestIssuer,
  type MintOptions,
  type RunningServer,
  type TestIssuer,
} from '@atrium/test-kit';
import type { Role } from '@atrium/auth';
import Fastify, { type FastifyInstance } from 'fastify';
import accountsApi, { type AccountsApiOptions } from './app.ts';
import { migrateAccounts } from './accounts-database.ts';
import { SERVICE_ROLE } from './tenant-scope.ts';

// Test support (not a spec): the real plugin on a real engine, with a real token issuer.

export type Engine = 'embedded' | 'server';
export const ENGINES: readonly Engine[] = ['embedded', 'server'];
export const PREFIX = '/api/accounts';
export const ALLOWED_ORIGIN = 'http://localhost:4201';

export interface AccountsFixture {
  readonly engine: Engine;
  readonly app: FastifyInstance;
  /** The service's own connection (PGlite superuser, or the server's restricted login role). */
  readonly db: Database;
  /** An owner/superuser connection, for set-up and for checking what really is stored. */
  readonly ownerDb: Database;
  readonly issuer: TestIssuer;
  readonly server: RunningServer | undefined;
  /** Authorization headers of a demo user. */
  auth(tenant: 'A' | 'B', role: Role, mint?: MintOptions): Promise<Record<string, string>>;
  close(): Promise<void>;
}

/** Starts the plugin under `/api/accounts` on PGlite or on a fresh PostgreSQL server. */
export async function startAccountsFixture(
  engine: Engine,
  overrides: Partial<AccountsApiOptions> = {},
): Promise<AccountsFixture> {
  const issuer = await startTestIssuer();
  let server: RunningServer | undefined;
  let db: Database;
  let ownerDb: Database;
  if (engine === 'server') {
    server = await startPostgresServer();
    ownerDb = await openDatabase({ url: server.url, poolSize: 2 });
    // As an operator would: migrate as the owner, then let the service log in as its role only.
    await migrateAccounts(ownerDb);
    await ownerDb.query(`alter role ${SERVICE_ROLE} login`);
    const serviceUrl = server.url.replace('postgres://postgres@', `postgres://${SERVICE_ROLE}@`);
    db = await openDatabase({
      url: serviceUrl,
      poolSize: 10,
      connectTimeoutMs: 2_000,
      statementTimeoutMs: 4_000,
    });
  } else {
    db = await openDatabase();
    ownerDb = db;
  }
  const app = Fastify({ logger: false });
  await app.register(accountsApi, {
    prefix: PREFIX,
    database: db,
    migrationDatabase: ownerDb,
    verifier: issuer.verifierConfig(),
    corsOrigins: [ALLOWED_ORIGIN, 'https://payments.example'],
    publicUrl: 'http://localhost:8080',
    ...overrides,
  });
  await app.ready();
  return {
    engine,
    app,
    db,
    ownerDb,
    issuer,
    server,
    async auth(tenant, role, mint) {
      return { authorization: `Bearer ${await issuer.mint(demoCaller(tenant, role), mint)}` };
    },
    async close() {
      await app.close();
      if (ownerDb !== db) await ownerDb.close();
      await db.close();
      await server?.stop();
      await issuer.close();
    },
  };
}

const run = promisify(execFile);

/** Faults of the harness's PostgreSQL server, in place (same data, port and socket). */
export interface OutageControl {
  /** `pg_ctl stop -m fast`: sessions are terminated (57P01), new connections refused. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** `pg_ctl restart -m fast`, as an operator or an orchestrator does. */
  restart(): Promise<void>;
  /** kill -9 of the postmaster, then a start once its orphaned backends have gone. */
  crashAndStart(): Promise<void>;
  /** SIGSTOP of the postmaster and every backend: the server accepts TCP but never answers. */
  freeze(): Promise<void>;
  thaw(): Promise<void>;
}

/**
 * Controls the harness's PostgreSQL server in place, to test the service surviving a database
 * outage without a restart of its own.
 */
export async function outageControl(ownerDb: Database): Promise<OutageControl> {
  const setting = async (name: string) =>
    (await ownerDb.query<{ setting: string }>('select setting from pg_settings where name = $1', [name]))
      .rows[0]?.setting ?? '';
  const data = await setting('data_directory');
  const port = await setting('port');
  const socketDir = (await setting('unix_socket_directories')).split(',')[0]?.trim() ?? '';
  const root = '/usr/lib/postgresql';
  const version = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a))[0];
  if (version === undefined) throw new Error('pg_ctl not found');
  const pgCtl = join(root, version, 'bin', 'pg_ctl');
  const asPostgres = (args: string[]): [string, string[]] =>
    process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', pgCtl, ...args]] : [pgCtl, args];
  const options = `-p ${port} -k ${socketDir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200`;
  const start = async () => {
    await run(
      ...asPostgres(['-D', data, '-o', options, '-l', join(socketDir, 'restart.log'), '-w', 'start']),
    );
  };
  const postmasterPid = () => Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  // The postmaster and its children (the backends, checkpointer, ...): the whole server.
  const serverPids = async () => {
    const pid = postmasterPid();
    const { stdout } = await run('ps', ['-o', 'pid=', '--ppid', String(pid)]);
    return [pid, ...stdout.split('\n').filter(Boolean).map(Number)];
  };
  let frozen: number[] = [];
  return {
    async stop() {
      await run(...asPostgres(['-D', data, '-m', 'fast', '-w', 'stop']));
    },
    start,
    async restart() {
      await run(
        ...asPostgres([
          '-D',
          data,
          '-o',
          options,
          '-l',
          join(socketDir, 'restart.log'),
          '-m',
          'fast',
          '-w',
          'restart',
        ]),
      );
    },
    async crashAndStart() {
      process.kill(postmasterPid(), 'SIGKILL');
      // Orphaned backends hold the shared memory until they notice the postmaster died: until
      // then a new postmaster refuses to start.
      const started = await eventually(
        () =>
          start().then(
            () => true,
            () => false,
          ),
        60_000,
      );
      if (!started) throw new Error('PostgreSQL did not start again after kill -9');
    },
    async freeze() {
      frozen = await serverPids();
      for (const pid of frozen) process.kill(pid, 'SIGSTOP');
    },
    async thaw() {
      for (const pid of frozen) process.kill(pid, 'SIGCONT');
      frozen = [];
    },
  };
}
