// `npm start`: builds what is missing, then runs all of Atrium in one process on one port.
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

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    console.log(`atrium: ${signal} received, finishing in-flight requests and closing stores…`);
    // A request that hangs must not keep the process alive forever.
    const deadline = setTimeout(() => {
      console.error('atrium: shutdown took over 10 s, exiting');
      process.exit(1);
    }, 10_000);
    deadline.unref();
    app.close().then(
      () => {
        console.log('atrium: stopped');
        process.exit(0);
      },
      (error: unknown) => {
        console.error('atrium: error while stopping', error);
        process.exit(1);
      },
    );
  });
}
