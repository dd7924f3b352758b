import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { postgresServer, type PostgresServerProcess } from '@atrium/postgres/server';
import { startRedisProcess } from '@atrium/service-runtime/redis-server';
import { eventually } from './eventually.ts';
import { freePort, makeTempDir } from './free-port.ts';

const run = promisify(execFile);

export interface RunningServer {
  /** Connection URL (PostgreSQL: superuser `postgres`, database `postgres`; Redis: `redis://…`). */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Faults of a harness PostgreSQL server, in place (same data, port and socket). */
export interface PostgresFaults {
  /** `pg_ctl stop -m fast`: sessions are terminated (57P01), new connections refused. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** `pg_ctl restart -m fast`, as an operator or an orchestrator does. */
  restart(): Promise<void>;
  /** kill -9 of the postmaster, then a start once its orphaned backends have gone. */
  crashAndStart(): Promise<void>;
  /** SIGSTOP of the postmaster and all its processes: TCP connects succeed, nothing answers. */
  freeze(): Promise<void>;
  /** SIGCONT of what `freeze` stopped. */
  thaw(): Promise<void>;
}

/** A harness PostgreSQL server, with the faults a test may inflict on it. */
export interface PostgresServer extends RunningServer {
  readonly faults: PostgresFaults;
}

/**
 * Starts a throwaway PostgreSQL server (Debian's) in a temp folder on a free loopback port.
 * initdb refuses to run as root, so as root the server runs as the `postgres` OS user.
 */
export async function startPostgresServer(): Promise<PostgresServer> {
  const dir = await makeTempDir('pg');
  const server = postgresServer({ folder: dir, port: await freePort(), unsafeFast: true });
  await server.initialize();
  await server.start();
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${server.port}/postgres`,
    port: server.port,
    faults: postgresFaults(server),
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop('immediate').catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function postgresFaults(server: PostgresServerProcess): PostgresFaults {
  const start = () => server.start();
  const postmasterPid = () => server.postmasterPid();
  let frozen: number[] = [];
  return {
    stop: () => server.stop('fast'),
    start,
    restart: () => server.restart(),
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
      const postmaster = postmasterPid();
      const { stdout } = await run('ps', ['-o', 'pid=', '--ppid', String(postmaster)]);
      // The postmaster first, so it forks no new backend while the others are being stopped.
      frozen = [
        postmaster,
        ...stdout
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map(Number),
      ];
      for (const pid of frozen) process.kill(pid, 'SIGSTOP');
    },
    async thaw() {
      for (const pid of frozen) process.kill(pid, 'SIGCONT');
      frozen = [];
    },
  };
}

/**
 * Starts a throwaway redis-server (Debian's) on a free loopback port, with no persistence; or on
 * `port`, e.g. again where a stopped one was, so its clients reconnect to "the same Redis".
 */
export async function startRedisServer(options: { port?: number } = {}): Promise<RunningServer> {
  const dir = await makeTempDir('redis');
  const server = await startRedisProcess({ port: options.port ?? (await freePort()), folder: dir });
  let stopped = false;
  return {
    url: server.url,
    port: server.port,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
