import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdir, writeFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The folder of Debian's newest PostgreSQL server binaries (`initdb`, `pg_ctl`, `postgres`). */
export function postgresBinaries(): string {
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

/** How a server's folder is created and run. */
export interface PostgresServerOptions {
  /** Holds the cluster (`data/`), its log and its Unix socket; created when missing. */
  readonly folder: string;
  readonly port: number;
  /**
   * The superuser `postgres`'s password: TCP logins then need passwords (scram-sha-256). Without
   * one every loopback login is trusted (throwaway test servers only).
   */
  readonly superuserPassword?: string | undefined;
  /** `fsync=off`, `full_page_writes=off`: fast and unsafe on a crash of the machine (tests). */
  readonly unsafeFast?: boolean;
  readonly maxConnections?: number;
}

/** A PostgreSQL server run from its own folder with Debian's `initdb` and `pg_ctl`. */
export interface PostgresServerProcess {
  readonly port: number;
  /** The cluster's data directory (`<folder>/data`). */
  readonly dataDir: string;
  /** initdb when the data directory is empty; true when it ran (a first start). */
  initialize(): Promise<boolean>;
  /** `pg_ctl start`, waiting until it accepts connections. */
  start(): Promise<void>;
  /** `pg_ctl stop`: `fast` ends sessions (57P01) and checkpoints; `immediate` is a crash. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  restart(): Promise<void>;
  /** The postmaster's process id (from `postmaster.pid`). */
  postmasterPid(): number;
}

/**
 * A PostgreSQL server in `options.folder` on 127.0.0.1. initdb refuses to run as root, so as root
 * the server runs as the `postgres` OS user, which then owns the folder (its parents must let that
 * user through).
 */
export function postgresServer(options: PostgresServerOptions): PostgresServerProcess {
  const bin = postgresBinaries();
  const asRoot = process.getuid?.() === 0;
  const asPostgres = (cmd: string, args: string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  const { folder, port } = options;
  const dataDir = join(folder, 'data');
  const settings = [
    `-p ${port}`,
    `-k ${folder}`,
    '-c listen_addresses=127.0.0.1',
    `-c max_connections=${options.maxConnections ?? 200}`,
    ...(options.unsafeFast === true ? ['-c fsync=off', '-c full_page_writes=off'] : []),
  ].join(' ');
  const pgCtl = (...args: string[]) =>
    run(
      ...asPostgres(join(bin, 'pg_ctl'), ['-D', dataDir, '-o', settings, '-l', join(folder, 'log'), ...args]),
    );
  return {
    port,
    dataDir,
    async initialize() {
      if (existsSync(join(dataDir, 'PG_VERSION'))) return false;
      await mkdir(folder, { recursive: true, mode: 0o700 });
      if (asRoot) {
        const { stdout: uid } = await run('id', ['-u', 'postgres']);
        const { stdout: gid } = await run('id', ['-g', 'postgres']);
        await chown(folder, Number(uid.trim()), Number(gid.trim()));
      }
      // A half-done initdb (interrupted first start) leaves files initdb refuses to write over.
      await rm(dataDir, { recursive: true, force: true });
      const password = options.superuserPassword;
      const pwfile = join(folder, 'initdb.pw');
      if (password !== undefined) {
        await writeFile(pwfile, password, { mode: 0o600 });
        if (asRoot) await run('chown', ['postgres:postgres', pwfile]);
      }
      try {
        await run(
          ...asPostgres(join(bin, 'initdb'), [
            '-D',
            dataDir,
            '-U',
            'postgres',
            ...(password === undefined
              ? ['--auth=trust']
              : // The socket is in the server's own 0700 folder: only its OS user gets there.
                ['--auth-local=trust', '--auth-host=scram-sha-256', `--pwfile=${pwfile}`]),
            '-E',
            'UTF8',
            '--locale=C.UTF-8',
            ...(options.unsafeFast === true ? ['--no-sync'] : []),
          ]),
        );
      } finally {
        await rm(pwfile, { force: true });
      }
      await chmod(folder, 0o700);
      return true;
    },
    start: async () => void (await pgCtl('-w', 'start')),
    stop: async (mode = 'fast') => void (await pgCtl('-m', mode, '-w', 'stop')),
    restart: async () => void (await pgCtl('-m', 'fast', '-w', 'restart')),
    postmasterPid: () => Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]),
  };
}
