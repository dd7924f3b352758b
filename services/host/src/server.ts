import Fastify from 'fastify';
import {
  observability,
  PRIVATE_UMASK,
  securePrivateFolderAtStart,
  serviceLoggerOptions,
  stopOnSignals,
  trustProxyOption,
} from '@atrium/service-runtime';
import hostPlugin from './app.ts';
import { loadConfig } from './config.ts';
import { openMfeStore } from './mfe-store.ts';

// What it writes (keys, secrets, password hashes) is this user's alone: 0600 files, 0700 folders.
process.umask(PRIVATE_UMASK);

// The standalone host: only listens and shuts down; everything else is the plugin.
const config = loadConfig(process.env);
const app = Fastify({
  logger: serviceLoggerOptions(config.logLevel),
  trustProxy: trustProxyOption(config.trustProxy),
});
// Before the service: request ids and /metrics for all its routes.
await app.register(observability, { service: 'host', ...config.metricsAccess });
// The published micro-frontends and the registry's state: fixed (with a warning) at start.
await securePrivateFolderAtStart(config.dataDir, (message) => app.log.warn(message));
// The data folder's store, or the PostgreSQL store every host of a cluster shares (HOST_STORE).
const store = await openMfeStore(config.store, config.dataDir, app.log);
app.addHook('onClose', () => store.close());
await app.register(hostPlugin, {
  dataDir: config.dataDir,
  store,
  shellDir: config.shellDir,
  runtimeConfig: config.runtime,
  mfeOrigins: config.mfeOrigins,
  servedMfes: config.servedMfes,
  extraConnectSrc: config.extraConnectSrc,
  frameAncestors: config.frameAncestors,
  hsts: config.hsts,
  devOverrides: config.devOverrides,
  publishApi: config.shellDir === undefined ? false : { verifier: config.publishVerifier },
});

stopOnSignals(app);

await app.listen({ host: config.host, port: config.port });
