import { createHash } from 'node:crypto';
import { isDatabaseUnavailable, migrate, type Database, type Queryable } from '@atrium/postgres';
import { HostError } from './errors.ts';
import type {
  AuditRecord,
  MfeStorage,
  RegistryAction,
  RegistryState,
  RegistryStateEntry,
  StateChange,
} from './mfe-storage.ts';
import { isCompressible, precompress } from './precompress.ts';
import { contentTypeOf, representationOf, type EncodedFile, type Representation } from './static-files.ts';

/** The numbered SQL migrations of the host's tables. */
export const MIGRATIONS_DIR = new URL('../migrations/', import.meta.url);
/** Own bookkeeping table, so the host's tables can share a database with other services. */
export const MIGRATIONS_TABLE = 'host_schema_migrations';

/** Defaults of the shared store's bounds (ADR 0407). */
export const POSTGRES_STORE_DEFAULTS = {
  /** How often a host asks for the registry's revision: how late it may see another host's switch. */
  pollMs: 1_000,
  /** Published files kept in memory per host; they are immutable, so never re-read while kept. */
  cacheBytes: 64 * 1024 * 1024,
} as const;

export interface MfePostgresStorageOptions {
  readonly pollMs?: number;
  readonly cacheBytes?: number;
  /** Migrations run on this connection (an owner's) when given, else on the store's own. */
  readonly migrationDatabase?: Database | undefined;
  /** Where a failed or recovered refresh is told (the server's logger). */
  readonly log?: { warn(message: string): void; info(message: string): void } | undefined;
}

interface Snapshot {
  readonly revision: bigint;
  readonly state: RegistryState;
}

interface CachedFile extends EncodedFile {
  readonly bytes: number;
}

/** The database is down or too slow: 503, the request may be repeated (nothing was changed). */
function unavailable(error: unknown): never {
  if (isDatabaseUnavailable(error))
    throw new HostError('store_unavailable', error instanceof Error ? error.message : undefined);
  throw error;
}

const guarded = <T>(work: Promise<T>): Promise<T> => work.catch(unavailable);

/** bytea as a Buffer, whichever driver read it (node-postgres: Buffer, PGlite: Uint8Array). */
function buffer(value: Uint8Array | null): Buffer | undefined {
  if (value === null) return undefined;
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

async function readSnapshot(on: Queryable): Promise<Snapshot> {
  // One statement, so the revision and the entries are one snapshot of the database.
  const { rows } = await on.query<{
    revision: string;
    name: string | null;
    history: string | null;
    versions: string | null;
  }>(
    `select r.revision::text as revision, e.name, e.history::text as history, e.versions::text as versions
       from host_registry_revision r left join host_registry_entries e on true
      order by e.name`,
  );
  const first = rows[0];
  if (first === undefined) throw new HostError('registry_state_corrupt', 'host_registry_revision is empty');
  const microFrontends: Record<string, RegistryStateEntry> = {};
  for (const row of rows) {
    if (row.name === null || row.history === null || row.versions === null) continue;
    microFrontends[row.name] = {
      history: JSON.parse(row.history) as RegistryStateEntry['history'],
      versions: JSON.parse(row.versions) as RegistryStateEntry['history'],
    };
  }
  return { revision: BigInt(first.revision), state: { schemaVersion: 1, microFrontends } };
}

/**
 * The store every host of a cluster shares (ADR 0407): version files in `host_blobs` (by content
 * hash) and `host_version_files`, the registry as one row per micro-frontend, changed in one
 * transaction under the revision row's lock, with its audit row. Each host caches the state and
 * asks for the revision every `pollMs`, so another host's switch reaches it within one interval
 * (its own at once); files are immutable and cached by bytes. Owns its database: `close` closes it.
 */
export class MfePostgresStorage implements MfeStorage {
  readonly kind = 'postgres';
  readonly #db: Database;
  readonly #pollMs: number;
  readonly #cacheBytes: number;
  readonly #log: MfePostgresStorageOptions['log'];
  readonly #files = new Map<string, CachedFile>();
  #fileBytes = 0;
  #snapshot: Snapshot;
  #timer: NodeJS.Timeout | undefined;
  #refreshing: Promise<void> | undefined;
  #failing = false;

  private constructor(db: Database, snapshot: Snapshot, options: MfePostgresStorageOptions) {
    this.#db = db;
    this.#snapshot = snapshot;
    this.#pollMs = options.pollMs ?? POSTGRES_STORE_DEFAULTS.pollMs;
    this.#cacheBytes = options.cacheBytes ?? POSTGRES_STORE_DEFAULTS.cacheBytes;
    this.#log = options.log;
  }

  /** Migrates the schema (under the migrations' advisory lock: hosts may start together) and reads the state. */
  static async open(db: Database, options: MfePostgresStorageOptions = {}): Promise<MfePostgresStorage> {
    await migrate(options.migrationDatabase ?? db, MIGRATIONS_DIR, { table: MIGRATIONS_TABLE }).catch(
      (error: unknown) => {
        // A restricted login (the role atrium_host) may not create tables: say which setting is missing.
        if ((error as { code?: string }).code === '42501' && options.migrationDatabase === undefined)
          throw new Error(
            `host: the shared store's migrations need the tables' owner: set HOST_DATABASE_MIGRATION_URL (${String(error)})`,
            { cause: error },
          );
        throw error;
      },
    );
    const storage = new MfePostgresStorage(db, await readSnapshot(db), options);
    storage.#timer = setInterval(() => void storage.#refresh(), storage.#pollMs);
    storage.#timer.unref();
    return storage;
  }

  /** Takes a newer snapshot only: a slow poll must not undo a switch this host already saw. */
  #accept(snapshot: Snapshot): void {
    if (snapshot.revision >= this.#snapshot.revision) this.#snapshot = snapshot;
  }

  #refresh(): Promise<void> {
    // One refresh at a time: a database slower than the interval gets no pile of queries.
    this.#refreshing ??= (async () => {
      try {
        const { rows } = await this.#db.query<{ revision: string }>(
          'select revision::text as revision from host_registry_revision',
        );
        if (BigInt(rows[0]?.revision ?? '0') !== this.#snapshot.revision)
          this.#accept(await readSnapshot(this.#db));
        if (this.#failing) this.#log?.info('host: the shared store answers again');
        this.#failing = false;
      } catch (error) {
        // The last state stays served (its files too, as far as they are cached) until it answers.
        if (!this.#failing)
          this.#log?.warn(
            `host: the shared store does not answer, serving the last registry: ${String(error)}`,
          );
        this.#failing = true;
      } finally {
        this.#refreshing = undefined;
      }
    })();
    return this.#refreshing;
  }

  async state(): Promise<RegistryState> {
    return this.#snapshot.state;
  }

  async refresh(): Promise<void> {
    this.#accept(await guarded(readSnapshot(this.#db)));
  }

  async update(change: StateChange): Promise<void> {
    const committed = await guarded(
      this.#db.transaction(async (tx) => {
        // The lock serialises every change of every host; the entries read after it are the latest.
        await tx.query('select revision from host_registry_revision for update');
        const current = await readSnapshot(tx);
        const next = change(current.state);
        if (next === undefined) return current;
        // Round-tripped through JSON: this host caches exactly what the others will parse.
        const state = JSON.parse(JSON.stringify(next.state)) as RegistryState;
        const names = new Set([
          ...Object.keys(current.state.microFrontends),
          ...Object.keys(state.microFrontends),
        ]);
        for (const name of names) {
          const before = current.state.microFrontends[name];
          const after = state.microFrontends[name];
          if (after === undefined) {
            await tx.query('delete from host_registry_entries where name = $1', [name]);
            continue;
          }
          const history = JSON.stringify(after.history);
          const versions = JSON.stringify(after.versions ?? after.history);
          if (
            before !== undefined &&
            JSON.stringify(before.history) === history &&
            JSON.stringify(before.versions ?? before.history) === versions
          )
            continue;
          await tx.query(
            `insert into host_registry_entries (name, live_version, history, versions)
             values ($1, $2, $3::json, $4::json)
             on conflict (name) do update
               set live_version = excluded.live_version, history = excluded.history, versions = excluded.versions`,
            [name, after.history.at(-1)?.version ?? '', history, versions],
          );
        }
        const { audit } = next;
        await tx.query(
          `insert into host_audit (at, actor, action, name, from_version, to_version)
           values ($1, $2, $3, $4, $5, $6)`,
          [new Date().toISOString(), audit.actor, audit.action, audit.name, audit.from, audit.to],
        );
        const { rows } = await tx.query<{ revision: string }>(
          'update host_registry_revision set revision = revision + 1 returning revision::text as revision',
        );
        return { revision: BigInt(rows[0]?.revision ?? '0'), state };
      }),
    );
    // This host's own change is seen at once (read your writes); the others see it on their next poll.
    this.#accept(committed);
  }

  async audit(name?: string): Promise<AuditRecord[]> {
    const { rows } = await guarded(
      this.#db.query<{
        at: Date | string;
        actor: string;
        action: RegistryAction;
        name: string;
        from_version: string | null;
        to_version: string | null;
      }>(
        `select at, actor, action, name, from_version, to_version from host_audit
          where $1::text is null or name = $1 order by id`,
        [name ?? null],
      ),
    );
    return rows.map((row) => ({
      at: new Date(row.at).toISOString(),
      actor: row.actor,
      action: row.action,
      name: row.name,
      from: row.from_version,
      to: row.to_version,
    }));
  }

  async writeVersion(name: string, version: string, contents: ReadonlyMap<string, Buffer>): Promise<void> {
    const hashes = new Map<string, string>();
    for (const [file, content] of contents)
      hashes.set(file, createHash('sha256').update(content).digest('hex'));
    const { rows } = await guarded(
      this.#db.query<{ sha256: string }>('select sha256 from host_blobs where sha256 = any($1::text[])', [
        [...new Set(hashes.values())],
      ]),
    );
    const stored = new Set(rows.map((row) => row.sha256));
    // Compressed before the transaction: brotli at maximum quality must not hold a connection.
    const blobs = new Map<string, { body: Buffer; br: Buffer | null; gz: Buffer | null }>();
    for (const [file, content] of contents) {
      const sha256 = hashes.get(file) as string;
      if (stored.has(sha256) || blobs.has(sha256)) continue;
      let br: Buffer | null = null;
      let gz: Buffer | null = null;
      if (isCompressible(file, content.byteLength)) {
        const made = await precompress(content);
        if (made.br.byteLength < content.byteLength) br = made.br;
        if (made.gz.byteLength < content.byteLength) gz = made.gz;
      }
      blobs.set(sha256, { body: content, br, gz });
    }
    // All files of the version or none; a second publish of the same id (same bytes) adds only
    // what is missing and changes nothing else.
    await guarded(
      this.#db.transaction(async (tx) => {
        for (const [sha256, blob] of blobs)
          await tx.query(
            `insert into host_blobs (sha256, body, br, gz) values ($1, $2, $3, $4)
             on conflict (sha256) do nothing`,
            [sha256, blob.body, blob.br, blob.gz],
          );
        for (const [file, sha256] of hashes)
          await tx.query(
            `insert into host_version_files (name, version, path, sha256) values ($1, $2, $3, $4)
             on conflict (name, version, path) do nothing`,
            [name, version, file, sha256],
          );
      }),
    );
  }

  async readVersion(name: string, version: string): Promise<ReadonlyMap<string, Buffer> | undefined> {
    const { rows } = await guarded(
      this.#db.query<{ path: string; body: Uint8Array }>(
        `select f.path, b.body from host_version_files f join host_blobs b on b.sha256 = f.sha256
          where f.name = $1 and f.version = $2 order by f.path`,
        [name, version],
      ),
    );
    if (rows.length === 0) return undefined;
    return new Map(rows.map((row) => [row.path, buffer(row.body) ?? Buffer.alloc(0)]));
  }

  async file(urlPath: string, acceptEncoding: string | undefined): Promise<Representation | undefined> {
    let decoded: string;
    try {
      decoded = decodeURIComponent(urlPath);
    } catch {
      return undefined;
    }
    const segments = decoded.split('/');
    // The same paths as a version folder serves: no empty, dot or parent segments, no variants.
    if (segments.length < 3 || segments.some((s) => s === '' || s.startsWith('.') || s.includes('\\')))
      return undefined;
    if (decoded.includes('\0') || decoded.endsWith('.br') || decoded.endsWith('.gz')) return undefined;
    const [name = '', version = '', ...rest] = segments;
    const path = rest.join('/');
    const key = `${name}/${version}/${path}`;
    let file = this.#files.get(key);
    if (file !== undefined) {
      // Refresh its place: the Map's insertion order is the eviction order.
      this.#files.delete(key);
      this.#files.set(key, file);
    } else {
      const { rows } = await guarded(
        this.#db.query<{ sha256: string; body: Uint8Array; br: Uint8Array | null; gz: Uint8Array | null }>(
          `select b.sha256, b.body, b.br, b.gz
             from host_version_files f join host_blobs b on b.sha256 = f.sha256
            where f.name = $1 and f.version = $2 and f.path = $3`,
          [name, version, path],
        ),
      );
      const row = rows[0];
      // Not cached when missing: another host may publish that version a moment later.
      if (row === undefined) return undefined;
      const identity = buffer(row.body) ?? Buffer.alloc(0);
      const br = buffer(row.br);
      const gz = buffer(row.gz);
      file = {
        identity,
        br,
        gz,
        // The ETag hash of the bytes, as a host on a data folder computes it.
        hash: Buffer.from(row.sha256, 'hex').toString('base64url').slice(0, 27),
        bytes: identity.byteLength + (br?.byteLength ?? 0) + (gz?.byteLength ?? 0),
      };
      this.#keep(key, file);
    }
    return representationOf(file, contentTypeOf(path), acceptEncoding);
  }

  #keep(key: string, file: CachedFile): void {
    if (file.bytes > this.#cacheBytes) return;
    this.#files.set(key, file);
    this.#fileBytes += file.bytes;
    for (const [oldest, kept] of this.#files) {
      if (this.#fileBytes <= this.#cacheBytes) break;
      this.#files.delete(oldest);
      this.#fileBytes -= kept.bytes;
    }
  }

  async check(): Promise<void> {
    await guarded(this.#db.query('select revision from host_registry_revision'));
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#refreshing;
    await this.#db.close();
  }
}
