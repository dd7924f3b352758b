// `npm start`: builds what is missing, then runs all of Atrium in one process on one port.
import {
  PRIVATE_UMASK,
  readableLog,
  securePrivateFolder,
  securePrivateFolderAtStart,
  stopOnSignals,
  usesReadableLogs,
} from '@atrium/service-runtime';
import { ConfigError, loadConfig } from './config.ts';
import { buildMissing } from './build-missing.ts';
import { createEmbeddedServer } from './app.ts';
import { banner } from './banner.ts';

// The data folder holds the signing keys, the cookie secret and password hashes: ours alone.
process.umask(PRIVATE_UMASK);

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
  await securePrivateFolderAtStart(config.dataDir, (message) => console.warn(`atrium: ${message}`));
  // A person at a terminal reads lines, not JSON (requests only at debug); CI, production and a
  // pipe keep JSON for the machines that read it.
  const readable = usesReadableLogs(config.logFormat, {
    terminal: process.stdout.isTTY === true,
    ci: config.ci,
    production: config.production,
  });
  server = await createEmbeddedServer(
    config,
    process.env,
    readable ? { logDestination: readableLog(process.stdout, config.logLevel) } : {},
  );
  // PGlite sets the modes of the database files it creates itself (0666), whatever the umask.
  await securePrivateFolder(config.dataDir);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
const { app } = server;
await app.listen({ port: config.port, host: config.host });
console.log(banner(config, server));

stopOnSignals(app);
