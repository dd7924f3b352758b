import { existsSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { ClassicLevel } from 'classic-level';
import { openDatabase, type Database } from '@atrium/postgres';
import type { ModelDefinition } from '../model/definition.ts';
import { PaginationCursor } from '../model/pagination-cursor.ts';
import { storedFromItem } from './dynamodb/dynamodb-store.ts';
import { tableLayout } from './dynamodb/dynamodb-engine.ts';
import { openPostgresStores, RETIRED_FOLDER, type PostgresTarget } from './postgres/postgres-engine.ts';
import { PostgresModelStore } from './postgres/postgres-store.ts';

/** What one import did. */
export interface DynaliteImportReport {
  /** The old folder: renamed to `dynamodb.imported-<date>` when everything was imported, else unchanged. */
  readonly folder: string;
  readonly renamed: boolean;
  /** Records written now, tombstones (deleted payments, kept for their audit trail) included. */
  readonly imported: number;
  readonly tombstones: number;
  readonly auditEntries: number;
  /** Records already in the store at the same version (an earlier, interrupted run): left as they are. */
  readonly present: number;
  /** `<tenant>/<id>` of records the store already holds in another version: nothing overwritten. */
  readonly different: readonly string[];
  /** Tables of the old folder no model of the schema owns (not imported). */
  readonly unknownTables: readonly string[];
}

/** A refusal that changed nothing, with a machine-readable code for the CLI's exit. */
export class DynaliteImportError extends Error {
  readonly code: 'NOTHING_TO_IMPORT' | 'FOLDER_IN_USE' | 'NOT_EMBEDDED';
  constructor(code: DynaliteImportError['code'], message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DynaliteImportError';
    this.code = code;
  }
}

// dynalite (4.x) keeps one LevelDB under the folder with JSON values; a table's items are the keys
// `item-<table>~<hash/range key>` (each value a DynamoDB item as the API returns it), its definition
// `table~<table>`, and its index entries `index-…` (copies, not needed here).
const itemPrefix = (table: string) => `item-${table}~`;
// `~` sorts after every character of a key's encoded part, so `<prefix-without-~>\x7f` bounds the range.
const itemRangeEnd = (table: string) => `item-${table}\x7f`;

async function openOldFolder(folder: string): Promise<ClassicLevel<string, Record<string, AttributeValue>>> {
  const level = new ClassicLevel<string, Record<string, AttributeValue>>(folder, {
    valueEncoding: 'json',
    createIfMissing: false,
  });
  try {
    await level.open();
  } catch (error) {
    // LevelDB's own LOCK: a server of the old version still runs on this folder.
    throw new DynaliteImportError(
      'FOLDER_IN_USE',
      `payments: cannot open ${folder} (is a payments server of the old version still running on it? stop it first)`,
      { cause: error },
    );
  }
  return level;
}

function importedName(folder: string, now: Date): string {
  const base = `${folder}.imported-${now.toISOString().slice(0, 10)}`;
  let name = base;
  for (let n = 2; existsSync(name); n += 1) name = `${base}-${n}`;
  return name;
}

/**
 * Moves the payments of an old embedded data folder (`<dataDir>/dynamodb`, dynalite, before ADR
 * 0106) into the PostgreSQL store: each record with its version, timestamps, tombstone, idempotency
 * record and full audit history, one transaction per record. Records already there are left alone,
 * so a second run changes nothing. With the embedded PGlite it holds the data folder's process lock
 * for the whole run, so it refuses while a server uses the folder. The old folder is renamed
 * `dynamodb.imported-<date>` when every record is in the store, so the service starts again.
 */
export async function importDynaliteFolder(options: {
  readonly dataDir: string;
  readonly target: PostgresTarget;
  readonly models: readonly ModelDefinition[];
  readonly tablePrefix?: string | undefined;
  readonly now?: Date | undefined;
}): Promise<DynaliteImportReport> {
  const folder = join(options.dataDir, RETIRED_FOLDER);
  if (!existsSync(folder))
    throw new DynaliteImportError(
      'NOTHING_TO_IMPORT',
      `payments: nothing to import, ${folder} does not exist`,
    );
  const { target } = options;
  let database: Database | undefined;
  if (target.url === undefined) {
    if (target.dataDir === undefined)
      throw new DynaliteImportError(
        'NOT_EMBEDDED',
        'payments: the import needs a data folder or a database URL',
      );
    try {
      // Takes the folder's process lock first: a running server holds it, and then nothing is read.
      database = await openDatabase({ dataDir: join(target.dataDir, 'pgdata') });
    } catch (error) {
      if ((error as Error).name !== 'DatabaseLockedError') throw error;
      throw new DynaliteImportError('FOLDER_IN_USE', `payments: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  try {
    // The engine's own opening: migrations, role and column checks (the database above passed in, so
    // the refusal of an old folder, which this import resolves, does not apply).
    const engine = await openPostgresStores(
      { ...target, dataDir: undefined, ...(database === undefined ? {} : { database }) },
      options.models,
      new PaginationCursor(randomBytes(32)),
    );
    try {
      return await importInto(engine.database, folder, options);
    } finally {
      await engine.close();
    }
  } finally {
    await database?.close();
  }
}

async function importInto(
  database: Database,
  folder: string,
  options: Parameters<typeof importDynaliteFolder>[0],
): Promise<DynaliteImportReport> {
  const level = await openOldFolder(folder);
  let imported = 0;
  let tombstones = 0;
  let auditEntries = 0;
  let present = 0;
  const different: string[] = [];
  const known = new Set<string>();
  try {
    for (const model of options.models) {
      const table = tableLayout(model, options.tablePrefix ?? 'atrium-').tableName;
      known.add(table);
      const store = new PostgresModelStore(database, model, new PaginationCursor(randomBytes(32)));
      for await (const item of level.values({ gte: itemPrefix(table), lt: itemRangeEnd(table) })) {
        const tenantId = item['pk']?.S;
        if (tenantId === undefined) continue;
        const stored = storedFromItem(model, item);
        const outcome = await store.restore(tenantId, stored);
        if (outcome === 'present') present += 1;
        else if (outcome === 'different') different.push(`${tenantId}/${String(stored.record['id'])}`);
        else {
          imported += 1;
          if (stored.deleted) tombstones += 1;
          auditEntries += stored.history.length;
        }
      }
    }
    const unknownTables: string[] = [];
    for await (const key of level.keys({ gte: 'table~', lt: 'table\x7f' })) {
      const table = key.slice('table~'.length);
      if (!known.has(table)) unknownTables.push(table);
    }
    await level.close();
    const done = different.length === 0 && unknownTables.length === 0;
    const renamedTo = done ? importedName(folder, options.now ?? new Date()) : folder;
    if (done) await rename(folder, renamedTo);
    return {
      folder: renamedTo,
      renamed: done,
      imported,
      tombstones,
      auditEntries,
      present,
      different,
      unknownTables,
    };
  } finally {
    if (level.status === 'open') await level.close();
  }
}
