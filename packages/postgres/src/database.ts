import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { lockOwner, tryLockExclusively } from '@atrium/service-runtime';
import { isDatabaseUnavailable, withDeadline } from './database-availability.ts';

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
  /**
   * An independent in-memory copy (embedded in-memory databases only; undefined otherwise): tests
   * migrate one database and clone it per fixture, a fraction of a fresh PGlite's start.
   */
  readonly clone?: (() => Promise<Database>) | undefined;
  /**
   * The connections at this instant, for the metrics: a server pool's own counts; the embedded
   * engine is one connection, busy while a call runs, with the calls queued behind it waiting.
   */
  poolStats(): { readonly total: number; readonly idle: number; readonly waiting: number };
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** A PostgreSQL server URL; without it the embedded engine (PGlite) is used. */
  readonly url?: string;
  /** PGlite data folder; undefined keeps the database in memory. */
  readonly dataDir?: string;
  readonly poolSize?: number;
  /** Longest wait for a pool client, connecting included (server only; default 2000 ms). */
  readonly connectTimeoutMs?: number;
  /**
   * The server's `statement_timeout` (default 3000 ms); a call that gets no answer at all fails
   * 500 ms later on the client side (server only).
   */
  readonly statementTimeoutMs?: number;
  readonly applicationName?: string;
}

const ROLE_NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * A transaction's role and settings, to be set by one statement (one round trip instead of one per
 * setting): `set_config('role', r, true)` is what `SET LOCAL ROLE r` does (the same membership
 * check), and every `set_config(…, true)` ends with the transaction, so nothing outlives it on a
 * pooled connection.
 */
function transactionSettings(options: TransactionOptions | undefined): [string, string][] {
  const settings: [string, string][] = Object.entries(options?.settings ?? {});
  if (options?.role !== undefined) {
    // Checked although it travels as a value: a bad name is a programming error, said early.
    if (!ROLE_NAME.test(options.role)) throw new Error(`invalid role name: ${options.role}`);
    settings.unshift(['role', options.role]);
  }
  return settings;
}

/** The settings as one parameterised `select set_config(…), …` (undefined: none to set). */
function settingsStatement(
  options: TransactionOptions | undefined,
): { text: string; params: string[] } | undefined {
  const settings = transactionSettings(options);
  if (settings.length === 0) return undefined;
  const calls = settings.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`);
  return { text: `select ${calls.join(', ')}`, params: settings.flat() };
}

/**
 * The same statement with its values as literals, to travel with `begin` in one simple-protocol
 * message (a server transaction then costs three round trips: begin and settings, the work,
 * commit). `escapeLiteral` is node-postgres' own quoting (quotes doubled, backslashes as E'');
 * a NUL would end the message early, and no setting can hold one.
 */
function inlinedSettings(options: TransactionOptions | undefined): string {
  const settings = transactionSettings(options);
  if (settings.length === 0) return '';
  const literal = (value: string) => {
    if (value.includes('\0')) throw new Error('a transaction setting cannot contain a NUL character');
    return pg.escapeLiteral(value);
  };
  return `; select ${settings.map(([name, value]) => `set_config(${literal(name)}, ${literal(value)}, true)`).join(', ')}`;
}

/** Thrown when another live process has the embedded database's folder open. */
export class DatabaseLockedError extends Error {
  constructor(dataDir: string, owner: string) {
    super(
      `the embedded database in ${dataDir} is in use by ${owner}: stop that process first, ` +
        'or point every process at one PostgreSQL server with DATABASE_URL',
    );
    this.name = 'DatabaseLockedError';
  }
}

/**
 * PGlite is one process's database: a second process opening the same folder would corrupt it.
 * The lock beside the folder is one the kernel releases with its holder (kill -9 included), so a
 * crashed holder never blocks the next start, whatever PID that start gets.
 */
function lockDataDir(dataDir: string): () => void {
  const path = `${dataDir}.lock`;
  const lock = tryLockExclusively(path);
  if (lock === undefined) {
    const owner = lockOwner(path);
    throw new DatabaseLockedError(
      dataDir,
      owner === undefined ? 'another process' : `process ${owner.pid} on ${owner.host}`,
    );
  }
  return () => lock.release();
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
  return embeddedDatabase(db, unlock, options.dataDir === undefined);
}

/**
 * PGlite has no autovacuum daemon, so nothing gathers the planner's statistics: a table never
 * analysed is planned from guesses (a tenant's rows estimated at 2), and a list that an index
 * serves in order is read whole and sorted instead — 4 ms instead of 0.3 ms for a tenant of 1 000
 * payments beside another. The embedded database therefore analyses itself on autovacuum's rule:
 * once the rows written since the last ANALYZE exceed 50 + 10 % of the rows it counted then.
 */
export const EMBEDDED_ANALYZE = { baseRows: 50, scaleFactor: 0.1, delayMs: 1_000 } as const;

function embeddedDatabase(db: PGlite, unlock: () => void, inMemory: boolean): Database {
  let closed = false;
  let calls = 0;
  // Rows written since the last ANALYZE, and the rows it found (reltuples of the user tables).
  let written = 0;
  let analysedRows = 0;
  let scheduled: NodeJS.Timeout | undefined;
  let analysing: Promise<void> | undefined;
  const counted = async <T>(work: () => Promise<T>): Promise<T> => {
    calls += 1;
    try {
      return await work();
    } finally {
      calls -= 1;
    }
  };
  const analyse = async () => {
    scheduled = undefined;
    if (closed) return;
    written = 0;
    await counted(async () => {
      await db.exec('analyze');
      const { rows } = await db.query<{ rows: number | null }>(
        `select sum(greatest(reltuples, 0))::float8 as rows from pg_class c
           join pg_namespace n on n.oid = c.relnamespace
          where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema')`,
      );
      analysedRows = rows[0]?.rows ?? 0;
    });
  };
  const wrote = (rows: number) => {
    written += rows;
    if (scheduled !== undefined || analysing !== undefined || closed) return;
    if (written <= EMBEDDED_ANALYZE.baseRows + EMBEDDED_ANALYZE.scaleFactor * analysedRows) return;
    scheduled = setTimeout(() => {
      // A failed ANALYZE (the database closing under it) only leaves the statistics as they were.
      analysing = analyse()
        .catch(() => {})
        .finally(() => {
          analysing = undefined;
        });
    }, EMBEDDED_ANALYZE.delayMs);
    scheduled.unref();
  };
  // PGlite is one connection: its own queue serialises queries and transactions.
  const query = async <R>(on: Pick<PGlite, 'query'>, text: string, params?: readonly unknown[]) => {
    const result = await on.query<R>(text, params === undefined ? undefined : [...params]);
    if (result.affectedRows !== undefined && result.affectedRows > 0) wrote(result.affectedRows);
    // PGlite counts affected rows for writes only; node-postgres counts returned rows too.
    const rowCount = result.fields.length > 0 ? result.rows.length : (result.affectedRows ?? 0);
    return { rows: result.rows, rowCount };
  };
  const exec = async (on: Pick<PGlite, 'exec'>, sql: string) => {
    const results = await on.exec(sql);
    const rows = results.reduce((sum, result) => sum + (result.affectedRows ?? 0), 0);
    if (rows > 0) wrote(rows);
  };
  return {
    kind: 'embedded',
    query: (text, params) => counted(() => query(db, text, params)),
    exec: (sql) => counted(() => exec(db, sql)),
    transaction: (fn, txOptions) =>
      counted(() =>
        db.transaction(async (tx) => {
          const queryable: Queryable = {
            query: (text, params) => query(tx, text, params),
            exec: (sql) => exec(tx, sql),
          };
          const statement = settingsStatement(txOptions);
          if (statement !== undefined) await queryable.query(statement.text, statement.params);
          return fn(queryable);
        }),
      ),
    async ping() {
      if (closed) throw new Error('database is closed');
      await db.query('select 1');
    },
    poolStats: () => ({ total: 1, idle: calls === 0 ? 1 : 0, waiting: Math.max(calls - 1, 0) }),
    clone: inMemory ? async () => embeddedDatabase((await db.clone()) as PGlite, () => {}, true) : undefined,
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(scheduled);
      await analysing;
      await db.close();
      unlock();
    },
  };
}

/** Defaults of a server pool's deadlines: a hung or unreachable server costs a caller at most ~3.5 s. */
export const SERVER_DEFAULTS = { connectTimeoutMs: 2_000, statementTimeoutMs: 3_000 } as const;

async function openServer(url: string, options: DatabaseOptions): Promise<Database> {
  const statementTimeoutMs = options.statementTimeoutMs ?? SERVER_DEFAULTS.statementTimeoutMs;
  // The server cancels a slow statement itself (57014); the client-side read timeout, a little
  // later, covers a server that cannot answer at all (stopped, partitioned).
  const queryTimeoutMs = statementTimeoutMs + 500;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? SERVER_DEFAULTS.connectTimeoutMs,
    statement_timeout: statementTimeoutMs,
    query_timeout: queryTimeoutMs,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: options.applicationName ?? 'atrium',
  });
  // An idle client losing its server (restart, failover) must not crash the process.
  pool.on('error', () => {});
  const query = async <R>(on: pg.Pool | pg.PoolClient, text: string, params?: readonly unknown[]) => {
    const result = await on.query(text, params === undefined ? undefined : [...params]);
    return { rows: result.rows as R[], rowCount: result.rowCount ?? result.rows.length };
  };
  // One bound on a whole call, waiting for a pool client included (connect + statement would add up).
  const bounded = <T>(work: Promise<T>): Promise<T> => withDeadline(work, queryTimeoutMs);
  return {
    kind: 'server',
    query: (text, params) => bounded(query(pool, text, params)),
    // Without parameters node-postgres uses the simple protocol, which runs several statements.
    exec: async (sql) => void (await bounded(pool.query(sql))),
    async transaction(fn, txOptions) {
      const client = await pool.connect();
      // A checked-out client has no listener of the pool's: a server restart or a killed backend
      // between two statements would be an unhandled 'error' event, which ends the process.
      let lost: Error | undefined;
      const onError = (error: Error) => {
        lost = error;
      };
      client.on('error', onError);
      const release = (error?: Error) => {
        client.removeListener('error', onError);
        client.release(error);
      };
      try {
        await client.query(`begin${inlinedSettings(txOptions)}`);
        const queryable: Queryable = {
          query: (text, params) => query(client, text, params),
          exec: async (sql) => void (await client.query(sql)),
        };
        const result = await fn(queryable);
        await client.query('commit');
        release();
        return result;
      } catch (error) {
        if (lost !== undefined || isDatabaseUnavailable(error)) {
          // The connection is gone or hung: a rollback would only wait for another timeout. The
          // server rolls the transaction back when the session ends.
          release(lost ?? (error as Error));
          // The error the caller sees says "unavailable" even when fn tripped over the lost connection.
          throw isDatabaseUnavailable(error) ? error : lost;
        }
        // A client whose rollback fails is broken: destroy it rather than return it to the pool.
        await client.query('rollback').then(
          () => release(),
          (rollbackError: Error) => release(rollbackError),
        );
        throw error;
      }
    },
    async ping() {
      await bounded(pool.query('select 1'));
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: () => pool.end(),
  };
}

/** Opens PostgreSQL: a server pool when `url` is given, the embedded engine otherwise. */
export async function openDatabase(options: DatabaseOptions = {}): Promise<Database> {
  return options.url === undefined ? openEmbedded(options) : openServer(options.url, options);
}

/**
 * The connection a service migrates with when its tables belong to another role than the one it
 * serves as (`*_MIGRATION_URL`: the owner; the service's login is not): one connection, and a
 * statement deadline long enough for a migration rather than the service's request deadline.
 * Undefined without a URL: the service then migrates with its own database.
 */
export async function openMigrationDatabase(
  url: string | undefined,
  options: Pick<DatabaseOptions, 'connectTimeoutMs' | 'applicationName'>,
): Promise<Database | undefined> {
  if (url === undefined) return undefined;
  return openDatabase({ ...options, url, poolSize: 1, statementTimeoutMs: 60_000 });
}
