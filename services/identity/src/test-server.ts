// Starts the identity service on a free port for tests: real PGlite in a temp folder, demo data on.
import Fastify, { type FastifyInstance } from 'fastify';
import { rm } from 'node:fs/promises';
import { freePort, makeTempDir } from '@atrium/test-kit';
import { trustProxyOption } from '@atrium/service-runtime';
import identityApp from './app.ts';
import { loadConfig, type IdentityConfig } from './config.ts';

export interface RunningIdentity {
  readonly app: FastifyInstance;
  readonly config: IdentityConfig;
  readonly issuer: string;
  readonly redirectUri: string;
  stop(options?: { keepData?: boolean }): Promise<void>;
}

export async function startIdentity(env: Record<string, string> = {}): Promise<RunningIdentity> {
  const port = env['PORT'] === undefined ? await freePort() : Number(env['PORT']);
  const dataDir = env['ATRIUM_DATA_DIR'] ?? (await makeTempDir('identity'));
  const config = loadConfig({ PORT: String(port), ATRIUM_DATA_DIR: dataDir, ATRIUM_DEMO: 'true', ...env });
  // A first start creates the PGlite database: seconds, and more than 10 s on a busy machine.
  const app = Fastify({
    logger: false,
    trustProxy: trustProxyOption(config.trustProxy),
    pluginTimeout: 60_000,
  });
  await app.register(identityApp, { prefix: config.basePath, config });
  await app.listen({ port, host: '127.0.0.1' });
  return {
    app,
    config,
    issuer: config.issuer,
    redirectUri: config.shellRedirectUris[0] as string,
    async stop(options = {}) {
      await app.close();
      if (options.keepData !== true) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
