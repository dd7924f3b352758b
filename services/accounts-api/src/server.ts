import Fastify from 'fastify';
import {
  observability,
  PRIVATE_UMASK,
  securePrivateFolder,
  securePrivateFolderAtStart,
  serviceLoggerOptions,
  stopOnSignals,
} from '@atrium/service-runtime';
import accountsApi, { openAccountsDatabase } from './app.ts';
import { loadConfig } from './config.ts';
import { seedDemoAccountsOnce } from './demo-data.ts';

// What it writes (keys, secrets, password hashes) is this user's alone: 0600 files, 0700 folders.
process.umask(PRIVATE_UMASK);

// The standalone accounts API: only listens and shuts down; everything else is the plugin.
const config = loadConfig(process.env);
// A first start may create the embedded PGlite database: seconds on a busy machine, more than
// Fastify's 10 s default per plugin.
const app = Fastify({ logger: serviceLoggerOptions(config.logLevel), pluginTimeout: 60_000 });
// Before the service: request ids and /metrics for all its routes.
await app.register(observability, { service: 'accounts', ...config.metricsAccess });
// The embedded database's folder: fixed (with a warning) before it opens, and again after, since
// PGlite sets the modes of the files it creates itself.
const dataDir = config.database.dataDir;
await securePrivateFolderAtStart(dataDir, (message) => app.log.warn(message));
const databases = await openAccountsDatabase(config.database);
app.addHook('onClose', async () => databases.close());
try {
  await app.register(accountsApi, {
    prefix: config.prefix,
    database: databases.database,
    migrationDatabase: databases.migrationDatabase,
    verifier: config.verifier,
    revocations: config.revocations,
    corsOrigins: config.corsOrigins,
    publicUrl: config.publicUrl,
  });
  await app.ready();
  if (config.seedDemo && config.database.dataDir !== undefined) {
    const seeded = await seedDemoAccountsOnce(databases.database, config.database.dataDir);
    if (seeded !== undefined)
      app.log.info(`accounts: seeded ${seeded} demo accounts for TenantA and TenantB`);
  }
  if (dataDir !== undefined) await securePrivateFolder(dataDir);
} catch (error) {
  // A failed migration (or an unsafe database role) must stop the start with a non-zero exit.
  app.log.fatal({ err: error }, 'accounts API failed to start');
  await databases.close().catch(() => {});
  process.exit(1);
}

stopOnSignals(app);

await app.listen({ host: config.host, port: config.port });
