// Runs the identity service alone on its own port and origin (split and cluster topologies).
import Fastify from 'fastify';
import {
  observability,
  PRIVATE_UMASK,
  securePrivateFolder,
  securePrivateFolderAtStart,
  serviceLoggerOptions,
  stopOnSignals,
  trustProxyOption,
} from '@atrium/service-runtime';
import identityApp from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { DemoCredentialsError } from './demo-data.ts';

// What it writes (keys, secrets, password hashes) is this user's alone: 0600 files, 0700 folders.
process.umask(PRIVATE_UMASK);

let config;
try {
  config = loadConfig(process.env);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}

const app = Fastify({
  logger: serviceLoggerOptions(process.env['LOG_LEVEL'] ?? 'info'),
  trustProxy: trustProxyOption(config.trustProxy),
  return503OnClosing: true,
  // The embedded PGlite database may be created on a first start: seconds on a busy machine.
  pluginTimeout: 60_000,
});
// Before the service: request ids and /metrics for all its routes.
await app.register(observability, { service: 'identity', ...config.metricsAccess });
// The embedded database's folder: fixed (with a warning) before it opens, and again after, since
// PGlite sets the modes of the files it creates itself.
const dataDir = config.databaseUrl === undefined ? config.dataDir : undefined;
await securePrivateFolderAtStart(dataDir, (message) => app.log.warn(message));
try {
  await app.register(identityApp, { prefix: config.basePath, config });
  await app.ready();
} catch (error) {
  // A start refused on purpose (demo passwords in production) says what to do, without a stack.
  console.error(error instanceof DemoCredentialsError ? error.message : error);
  process.exit(1);
}
if (dataDir !== undefined) await securePrivateFolder(dataDir);
await app.listen({ port: config.port, host: config.host });
app.log.info(`identity: issuer ${config.issuer}`);

stopOnSignals(app);
