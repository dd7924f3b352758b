import Fastify from 'fastify';
import {
  observability,
  PRIVATE_UMASK,
  securePrivateFolderAtStart,
  serviceLoggerOptions,
  stopOnSignals,
} from '@atrium/service-runtime';
import { loadConfig } from './config.ts';
import paymentsService from './payments-service.ts';

// What it writes (keys, secrets, password hashes) is this user's alone: 0600 files, 0700 folders.
process.umask(PRIVATE_UMASK);

// The standalone service: only listens and shuts down; everything else is the plugin.
const config = loadConfig(process.env);
const app = Fastify({ logger: serviceLoggerOptions(config.logLevel), pluginTimeout: 60_000 });
// Before the service: request ids and /metrics for all its routes.
await app.register(observability, { service: 'payments', ...config.metricsAccess });
// The signing key and the embedded tables' files: fixed (with a warning) at start.
await securePrivateFolderAtStart(config.dataDir, (message) => app.log.warn(message));
await app.register(paymentsService, { config });

stopOnSignals(app);

await app.listen({ host: config.host, port: config.port });
