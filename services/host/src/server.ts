import Fastify from 'fastify';
import { stopOnSignals } from '@atrium/service-runtime';
import hostPlugin from './app.ts';
import { loadConfig } from './config.ts';

// The standalone host: only listens and shuts down; everything else is the plugin.
const config = loadConfig(process.env);
const app = Fastify({ logger: { level: config.logLevel }, trustProxy: config.trustProxy });
await app.register(hostPlugin, {
  dataDir: config.dataDir,
  shellDir: config.shellDir,
  runtimeConfig: config.runtime,
  mfeOrigins: config.mfeOrigins,
  servedMfes: config.servedMfes,
  extraConnectSrc: config.extraConnectSrc,
  frameAncestors: config.frameAncestors,
  hsts: config.hsts,
});

stopOnSignals(app);

await app.listen({ host: config.host, port: config.port });
