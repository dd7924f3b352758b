import { join } from 'node:path';
import { migrate, openDatabase, openMigrationDatabase, type Database } from '@atrium/postgres';

/** The numbered SQL migrations of the accounts schema. */
export const MIGRATIONS_DIR = new URL('../migrations/', import.meta.url);
/** Own bookkeeping table, so the schema can share one database with other services' migrations. */
export const MIGRATIONS_TABLE = 'accounts_schema_migrations';

/** Applies pending accounts migrations; throws MigrationError (naming the file) when one fails. */
export function migrateAccounts(db: Database): Promise<string[]> {
  return migrate(db, MIGRATIONS_DIR, { table: MIGRATIONS_TABLE });
}

/** Where the accounts data lives and how patient the pool is. */
export interface AccountsDatabaseConfig {
  /** A PostgreSQL server for the service's queries; undefined = embedded PGlite. */
  readonly url: string | undefined;
  /** An owner connection for migrations when `url` connects as the restricted role. */
  readonly migrationUrl: string | undefined;
  /** Root data folder; PGlite keeps its files in `<dataDir>/accounts/pgdata`. */
  readonly dataDir: string | undefined;
  readonly poolSize: number;
  readonly connectTimeoutMs: number;
  readonly statementTimeoutMs: number;
}

/** The databases the plugin needs: queries, and migrations when they use another connection. */
export interface AccountsDatabases {
  readonly database: Database;
  readonly migrationDatabase: Database | undefined;
  close(): Promise<void>;
}

/** Opens the service's database (and the owner connection for migrations, if configured). */
export async function openAccountsDatabase(config: AccountsDatabaseConfig): Promise<AccountsDatabases> {
  const timeouts = {
    poolSize: config.poolSize,
    connectTimeoutMs: config.connectTimeoutMs,
    statementTimeoutMs: config.statementTimeoutMs,
    applicationName: 'atrium-accounts',
  };
  const database =
    config.url === undefined
      ? await openDatabase(
          config.dataDir === undefined ? {} : { dataDir: join(config.dataDir, 'accounts', 'pgdata') },
        )
      : await openDatabase({ url: config.url, ...timeouts });
  const migrationDatabase = await openMigrationDatabase(config.migrationUrl, timeouts);
  return {
    database,
    migrationDatabase,
    async close() {
      await migrationDatabase?.close();
      await database.close();
    },
  };
}
