import Fastify from 'fastify';
import { stopOnSignals } from '@atrium/service-runtime';
import paymentsPlugin from './app.ts';
import { loadConfig } from './config.ts';

// The standalone service: only listens and shuts down; everything else is the plugin.
const config = loadConfig(process.env);
const app = Fastify({ logger: { level: config.logLevel } });
await app.register(paymentsPlugin, {
  verifier: config.verifier,
  revocations: config.revocations,
  storage: config.storage,
  tablePrefix: config.tablePrefix,
  dataDir: config.dataDir,
  redisUrl: config.redisUrl,
  accountsApi: config.accountsApiUrl === undefined ? undefined : { url: config.accountsApiUrl },
  production: config.production,
  corsOrigins: config.corsOrigins,
  rateLimit: config.rateLimit,
});

stopOnSignals(app);

await app.listen({ host: config.host, port: config.port });
