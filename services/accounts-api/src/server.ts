import Fastify from 'fastify';
import {
  observability,
  PRIVATE_UMASK,
  securePrivateFolder,
  securePrivateFolderAtStart,
  serviceLoggerOptions,
  stopOnSignals,
} from '@atrium/service-runtime';
import accountsService from './accounts-service.ts';
import { loadConfig } from './config.ts';

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
try {
  await app.register(accountsService, { config });
  await app.ready();
  if (dataDir !== undefined) await securePrivateFolder(dataDir);
} catch (error) {
  // A failed migration (or an unsafe database role) must stop the start with a non-zero exit.
  app.log.fatal({ err: error }, 'accounts API failed to start');
  process.exit(1);
}

stopOnSignals(app);

await app.listen({ host: config.host, port: config.port });
