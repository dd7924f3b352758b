import type { RevocationList } from '@atrium/auth';
import type { FastifyInstance } from 'fastify';
import accountsApi from './app.ts';
import { openAccountsDatabase } from './accounts-database.ts';
import type { AccountsConfig } from './config.ts';
import { seedDemoAccountsOnce } from './demo-data.ts';

/** Options of the accounts service as a configured plugin: its validated config, and what a host shares. */
export interface AccountsServiceOptions {
  /** The validated configuration (`loadConfig`): the one place that says what the service does. */
  readonly config: AccountsConfig;
  /** A revocation list the host owns and shares between services; by default the service polls its own. */
  readonly revocations?: RevocationList | undefined;
  /** Health routes relative to the prefix, as `accountsApi` takes them. */
  readonly healthRoutes?: { readonly live: string; readonly ready: string } | false | undefined;
  /** Where a start-up note for the operator goes (the embedded server's banner); the log by default. */
  readonly note?: ((message: string) => void) | undefined;
}

/**
 * The accounts API as its config describes it, at `config.prefix`: opens the database the config
 * names (closed with the app), mounts the REST plugin, and seeds the demo accounts when
 * `config.seedDemo` says so. The standalone server and the embedded one both mount this, so the
 * config-to-options mapping and the demo-seeding decision exist once.
 */
export default async function accountsService(
  app: FastifyInstance,
  options: AccountsServiceOptions,
): Promise<void> {
  const { config } = options;
  const databases = await openAccountsDatabase(config.database);
  try {
    await app.register(accountsApi, {
      prefix: config.prefix,
      database: databases.database,
      migrationDatabase: databases.migrationDatabase,
      verifier: config.verifier,
      revocations: options.revocations ?? config.revocations,
      corsOrigins: config.corsOrigins,
      publicUrl: config.publicUrl,
      healthRoutes: options.healthRoutes,
    });
    const dataDir = config.database.dataDir;
    if (config.seedDemo && dataDir !== undefined) {
      const seeded = await seedDemoAccountsOnce(databases.database, dataDir);
      const note = options.note ?? ((message: string) => app.log.info(`accounts: ${message}`));
      if (seeded !== undefined) note(`Seeded ${seeded} demo accounts for TenantA and TenantB.`);
    }
  } catch (error) {
    // A failed start (a migration, an unsafe database role) closes what it opened before failing.
    await databases.close().catch(() => {});
    throw error;
  }
  app.addHook('onClose', async () => databases.close());
}
