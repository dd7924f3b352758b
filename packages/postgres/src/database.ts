import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

export interface QueryResult<R> {
  readonly rows: R[];
  readonly rowCount: number;
}

/** Something that runs parameterised SQL: the database itself or one transaction. */
export interface Queryable {
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** Runs a script of several statements without parameters (migrations, fixtures). */
  exec(sql: string): Promise<void>;
}

export interface TransactionOptions {
  /** Transaction-local settings, applied with `set_config(name, value, true)` (e.g. `app.tenant_id`). */
  readonly settings?: Readonly<Record<string, string>>;
  /** A role to act as for this transaction only (`SET LOCAL ROLE`): PGlite always connects as superuser. */
  readonly role?: string;
}

/** One PostgreSQL interface over embedded PGlite or a server pool. */
export interface Database extends Queryable {
  readonly kind: 'embedded' | 'server';
  transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** A PostgreSQL server URL; without it the embedded engine (PGlite) is used. */
  readonly url?: string;
  /** PGlite data folder; undefined keeps the database in memory. */
  readonly dataDir?: string;
  readonly poolSize?: number;
  readonly connectTimeoutMs?: number;
  readonly statementTimeoutMs?: number;
  readonly applicationName?: string;
}

const ROLE_NAME = /^[a-z_][a-z0-9_]*$/;

async function applyOptions(tx: Queryable, options: TransactionOptions | undefined): Promise<void> {
  if (options?.role !== undefined) {
    // SET ROLE takes no parameter; the name is checked instead so it can never carry SQL.
    if (!ROLE_NAME.test(options.role)) throw new Error(`invalid role name: ${options.role}`);
    await tx.query(`set local role ${options.role}`);
  }
  for (const [name, value] of Object.entries(options?.settings ?? {})) {
    await tx.query('select set_config($1, $2, true)', [name, value]);
  }
}

/** Thrown when another live process has the embedded database's folder open. */
export class DatabaseLockedError extends Error {
  constructor(dataDir: string, pid: number) {
    super(
      `the embedded database in ${dataDir} is in use by process ${pid}: stop that process first, ` +
        'or point every process at one PostgreSQL server with DATABASE_URL',
    );
    this.name = 'DatabaseLockedError';
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * PGlite is one process's database: a second process opening the same folder would corrupt it.
 * A lock file beside the folder names the owner; a stale one (dead process) is taken over.
 */
function lockDataDir(dataDir: string): () => void {
  const lockFile = `${dataDir}.lock`;
  mkdirSync(dirname(lockFile), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(lockFile, 'utf8'));
      if (owner === process.pid || (Number.isInteger(owner) && owner > 0 && processAlive(owner))) {
        throw new DatabaseLockedError(dataDir, owner);
      }
      rmSync(lockFile, { force: true });
    }
  }
  throw new Error(`could not lock ${dataDir}`);
}

async function openEmbedded(options: DatabaseOptions): Promise<Database> {
  const unlock = options.dataDir === undefined ? () => {} : lockDataDir(options.dataDir);
  let db: PGlite;
  try {
    db = options.dataDir === undefined ? new PGlite() : new PGlite(options.dataDir);
    await db.waitReady;
  } catch (error) {
    unlock();
    throw error;
  }
  // PGlite is one connection: its own queue serialises queries and transactions.
  const query = async <R>(on: Pick<PGlite, 'query'>, text: string, params?: readonly unknown[]) => {
    const result = await on.query<R>(text, params === undefined ? undefined : [...params]);
    // PGlite counts affected rows for writes only; node-postgres counts returned rows too.
    const rowCount = result.fields.length > 0 ? result.rows.length : (result.affectedRows ?? 0);
    return { rows: result.rows, rowCount };
  };
  let closed = false;
  return {
    kind: 'embedded',
    query: (text, params) => query(db, text, params),
    exec: async (sql) => void (await db.exec(sql)),
    transaction: (fn, txOptions) =>
      db.transaction(async (tx) => {
        const queryable: Queryable = {
          query: (text, params) => query(tx, text, params),
          exec: async (sql) => void (await tx.exec(sql)),
        };
        await applyOptions(queryable, txOptions);
        return fn(queryable);
      }),
    async ping() {
      if (closed) throw new Error('database is closed');
      await db.query('select 1');
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.close();
      unlock();
    },
  };
}

async function openServer(url: string, options: DatabaseOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 3_000,
    statement_timeout: options.statementTimeoutMs ?? 10_000,
    query_timeout: (options.statementTimeoutMs ?? 10_000) + 1_000,
    idleTimeoutMillis: 30_000,
    application_name: options.applicationName ?? 'atrium',
  });
  // An idle client losing its server (restart, failover) must not crash the process.
  pool.on('error', () => {});
  const query = async <R>(on: pg.Pool | pg.PoolClient, text: string, params?: readonly unknown[]) => {
    const result = await on.query(text, params === undefined ? undefined : [...params]);
    return { rows: result.rows as R[], rowCount: result.rowCount ?? result.rows.length };
  };
  return {
    kind: 'server',
    query: (text, params) => query(pool, text, params),
    // Without parameters node-postgres uses the simple protocol, which runs several statements.
    exec: async (sql) => void (await pool.query(sql)),
    async transaction(fn, txOptions) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const queryable: Queryable = {
          query: (text, params) => query(client, text, params),
          exec: async (sql) => void (await client.query(sql)),
        };
        await applyOptions(queryable, txOptions);
        const result = await fn(queryable);
        await client.query('commit');
        client.release();
        return result;
      } catch (error) {
        // A client whose rollback fails is broken: destroy it rather than return it to the pool.
        await client.query('rollback').then(
          () => client.release(),
          (rollbackError: Error) => client.release(rollbackError),
        );
        throw error;
      }
    },
    async ping() {
      await pool.query('select 1');
    },
    close: () => pool.end(),
  };
}

/** Opens PostgreSQL: a server pool when `url` is given, the embedded engine otherwise. */
export async function openDatabase(options: DatabaseOptions = {}): Promise<Database> {
  return options.url === undefined ? openEmbedded(options) : openServer(options.url, options);
}
