import { spawn, execFile } from 'node:child_process';
import { chown, rm } from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eventually } from './eventually.ts';
import { freePort, makeTempDir } from './free-port.ts';

const run = promisify(execFile);

export interface RunningServer {
  /** Connection URL (PostgreSQL: superuser `postgres`, database `postgres`; Redis: `redis://…`). */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const version = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))[0]
    : undefined;
  if (version === undefined) {
    throw new Error(
      'PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: install them with `apt-get install -y postgresql`',
    );
  }
  return join(root, version, 'bin');
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
  const bin = postgresBin();
  const dir = await makeTempDir('pg');
  const asRoot = process.getuid?.() === 0;
  const asPostgres = (cmd: string, args: string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const data = join(dir, 'data');
  const port = await freePort();
  await run(
    ...asPostgres(join(bin, 'initdb'), [
      '-D',
      data,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--locale=C.UTF-8',
      '--no-sync',
    ]),
  );
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200`;
  const pgCtl = (...args: string[]) =>
    run(...asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-o', options, '-l', join(dir, 'log'), ...args]));
  await pgCtl('-w', 'start');
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    faults: postgresFaults(data, pgCtl),
    async stop() {
      if (stopped) return;
      stopped = true;
      await run(...asPostgres(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop'])).catch(
        () => {},
      );
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function postgresFaults(data: string, pgCtl: (...args: string[]) => Promise<unknown>): PostgresFaults {
  const start = async () => void (await pgCtl('-w', 'start'));
  const postmasterPid = () => Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  let frozen: number[] = [];
  return {
    stop: async () => void (await pgCtl('-m', 'fast', '-w', 'stop')),
    start,
    restart: async () => void (await pgCtl('-m', 'fast', '-w', 'restart')),
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
  const binary = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => existsSync(p));
  if (binary === undefined)
    throw new Error('redis-server not found: install it with `apt-get install -y redis-server`');
  const dir = await makeTempDir('redis');
  const port = options.port ?? (await freePort());
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${output}`)), 10_000);
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}:\n${output}`));
    });
  });
  child.removeAllListeners('exit');
  let stopped = false;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
