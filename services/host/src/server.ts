import Fastify from 'fastify';
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

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    // close() stops accepting connections and waits for in-flight requests.
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}

await app.listen({ host: config.host, port: config.port });
