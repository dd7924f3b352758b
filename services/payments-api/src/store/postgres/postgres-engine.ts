import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { migrate, openDatabase, openMigrationDatabase, type Database } from '@atrium/postgres';
import type { ModelDefinition } from '../../model/definition.ts';
import type { ModelStore, StoreEngine } from '../../model/store.ts';
import type { PaginationCursor } from '../../model/pagination-cursor.ts';
import { checkModelTable, modelTableSql } from './model-table.ts';
import { PostgresModelStore, SERVICE_ROLE } from './postgres-store.ts';

/** The numbered SQL migrations of the payments schema. */
export const MIGRATIONS_DIR = new URL('../../../migrations/', import.meta.url);
/** Own bookkeeping table, so the schema can share one database with the other services'. */
export const MIGRATIONS_TABLE = 'payments_schema_migrations';

/** Where the payments live on PostgreSQL (`PAYMENTS_STORE=postgres`, the default). */
export interface PostgresTarget {
  readonly kind: 'postgres';
  /** A PostgreSQL server; undefined = embedded PGlite in `dataDir` (in memory when that is undefined too). */
  readonly url: string | undefined;
  /** An owner connection for the migrations when `url` logs in as the restricted role. */
  readonly migrationUrl?: string | undefined;
  readonly dataDir: string | undefined;
  readonly poolSize?: number | undefined;
  readonly connectTimeoutMs?: number | undefined;
  readonly statementTimeoutMs?: number | undefined;
  /**
   * Create the tables of a model no migration covers, from its definition (tests of other schemas
   * only): in production every table comes from a numbered migration.
   */
  readonly deriveMissingTables?: boolean | undefined;
  /** A database opened by the caller (tests); it stays open when the plugin closes. */
  readonly database?: Database | undefined;
}

/** The folder, inside the payments data folder, where the retired embedded engine (dynalite) kept its data. */
export const RETIRED_FOLDER = 'dynamodb';

/** The command that moves that folder's payments into PostgreSQL (src/cli.ts). */
export const IMPORT_COMMAND = 'npm run payments -- import-dynalite';

/**
 * Before ADR 0106 the embedded store was dynalite in `<data>/dynamodb`. Starting on an empty
 * PostgreSQL beside it would look like every payment vanished: refuse, and say what to do.
 */
function refuseRetiredEngine(dataDir: string): void {
  const old = join(dataDir, RETIRED_FOLDER);
  if (!existsSync(old)) return;
  throw new Error(
    `payments: ${old} holds payments of the retired embedded engine (dynalite); payments are now stored in ` +
      `PostgreSQL (${join(dataDir, 'pgdata')}). Import them with \`${IMPORT_COMMAND}\` (with this server ` +
      'stopped; it renames the folder when done), or, to start with an empty payments store, move that folder ' +
      'out of the data folder (keep it as a backup) (ADR 0106).',
  );
}

/** Refuses to serve when the service role could bypass row-level security. */
async function assertServiceRoleIsolated(db: Database): Promise<void> {
  const { rows } = await db.query<{ rolsuper: boolean; rolbypassrls: boolean }>(
    'select rolsuper, rolbypassrls from pg_roles where rolname = $1',
    [SERVICE_ROLE],
  );
  const role = rows[0];
  if (role === undefined)
    throw new Error(`payments: database role ${SERVICE_ROLE} does not exist (run the migrations)`);
  if (role.rolsuper || role.rolbypassrls)
    throw new Error(
      `payments: database role ${SERVICE_ROLE} is superuser or BYPASSRLS: row-level security would not apply`,
    );
}

/**
 * Opens the PostgreSQL adapter: the database, its migrations (owner connection), the role check,
 * and a check that every model's table has the columns the model needs.
 */
export async function openPostgresStores(
  target: PostgresTarget,
  models: readonly ModelDefinition[],
  cursor: PaginationCursor,
): Promise<StoreEngine & { readonly database: Database }> {
  const timeouts = {
    poolSize: target.poolSize ?? 10,
    connectTimeoutMs: target.connectTimeoutMs ?? 2_000,
    statementTimeoutMs: target.statementTimeoutMs ?? 4_000,
    applicationName: 'atrium-payments',
  };
  if (target.url === undefined && target.dataDir !== undefined) refuseRetiredEngine(target.dataDir);
  const owned = target.database === undefined;
  const database =
    target.database ??
    (target.url === undefined
      ? await openDatabase(target.dataDir === undefined ? {} : { dataDir: join(target.dataDir, 'pgdata') })
      : await openDatabase({ url: target.url, ...timeouts }));
  try {
    const migrator = (await openMigrationDatabase(target.migrationUrl, timeouts)) ?? database;
    try {
      await migrate(migrator, MIGRATIONS_DIR, { table: MIGRATIONS_TABLE });
      const problems: string[] = [];
      for (const model of models) {
        const missing = await checkModelTable(migrator, model);
        if (missing.length > 0 && target.deriveMissingTables === true && missing[0]?.endsWith('is missing'))
          await migrator.exec(modelTableSql(model, SERVICE_ROLE));
        else problems.push(...missing.map((p) => `${model.name}: ${p}`));
      }
      if (problems.length > 0)
        throw new Error(
          `payments: the database does not match the schema (add a migration to services/payments-api/migrations): ${problems.join('; ')}`,
        );
    } finally {
      if (migrator !== database) await migrator.close();
    }
    await assertServiceRoleIsolated(database);
  } catch (error) {
    if (owned) await database.close();
    throw error;
  }
  const stores = new Map<string, ModelStore>(
    models.map((model) => [model.name, new PostgresModelStore(database, model, cursor)]),
  );
  return {
    database,
    stores,
    ping: () => database.ping(),
    close: async () => {
      if (owned) await database.close();
    },
  };
}
