// Runs the identity service alone on its own port and origin (split and cluster topologies).
import Fastify from 'fastify';
import { stopOnSignals } from '@atrium/service-runtime';
import identityApp from './app.ts';
import { ConfigError, loadConfig } from './config.ts';

let config;
try {
  config = loadConfig(process.env);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}

const app = Fastify({
  logger: { level: process.env['LOG_LEVEL'] ?? 'info' },
  trustProxy: config.trustProxy,
  requestIdHeader: 'x-request-id',
  return503OnClosing: true,
  // The embedded PGlite database may be created on a first start: seconds on a busy machine.
  pluginTimeout: 60_000,
});
await app.register(identityApp, { prefix: config.basePath, config });
await app.listen({ port: config.port, host: config.host });
app.log.info(`identity: issuer ${config.issuer}`);

stopOnSignals(app);
