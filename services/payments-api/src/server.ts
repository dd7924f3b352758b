import Fastify from 'fastify';
import paymentsPlugin from './app.ts';
import { loadConfig } from './config.ts';

// The standalone service: only listens and shuts down; everything else is the plugin.
const config = loadConfig(process.env);
const app = Fastify({ logger: { level: config.logLevel } });
await app.register(paymentsPlugin, {
  verifier: config.verifier,
  storage: config.storage,
  tablePrefix: config.tablePrefix,
  dataDir: config.dataDir,
  redisUrl: config.redisUrl,
  production: config.production,
  corsOrigins: config.corsOrigins,
  rateLimit: config.rateLimit,
});

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    // close() stops accepting, waits for in-flight requests, then closes the store (onClose hook).
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
