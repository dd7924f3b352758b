// `npm start`: builds what is missing, then runs all of Atrium in one process on one port.
import { stopOnSignals } from '@atrium/service-runtime';
import { ConfigError, loadConfig } from './config.ts';
import { buildMissing } from './build-missing.ts';
import { createEmbeddedServer } from './app.ts';
import { banner } from './banner.ts';

let config;
try {
  config = loadConfig(process.env);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}

if (!config.skipBuild) buildMissing((line) => console.log(line));

let server;
try {
  server = await createEmbeddedServer(config, process.env);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
const { app } = server;
await app.listen({ port: config.port, host: config.host });
console.log(banner(config, server));

stopOnSignals(app);
