import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { RevocationList, createVerifier, withRevocations } from '@atrium/auth';
import identityApp from '@atrium/identity/app';
import { loadConfig as loadIdentityConfig, type IdentityConfig } from '@atrium/identity/config';
import { loadConfig as loadAccountsConfig } from '@atrium/accounts-api/config';
import accountsService from '@atrium/accounts-api/service';
import hostPlugin from '@atrium/host/app';
import { loadConfig as loadPaymentsConfig } from '@atrium/payments-api/config';
import paymentsService from '@atrium/payments-api/service';
import { MfeStore } from '@atrium/host/store';
import {
  combineReadiness,
  observability,
  sendReadiness,
  serviceLoggerOptions,
  type LogDestination,
  type Readiness,
  trustProxyOption,
} from '@atrium/service-runtime';
import { builtFrontend } from './build-missing.ts';
import type { EmbeddedConfig } from './config.ts';

/** Each mounted service's readiness route, by the name its checks are reported under. */
const READINESS_ROUTES = {
  identity: '/auth/readyz',
  accounts: '/api/accounts/readyz',
  payments: '/graphql/readyz',
} as const;

export interface EmbeddedServer {
  readonly app: FastifyInstance;
  readonly identity: IdentityConfig;
  /** What happened on start, for the banner (e.g. micro-frontends published from fresh builds). */
  readonly notes: string[];
  /** The issuer's token revocations, polled once for both APIs. */
  readonly revocations: RevocationList;
}

/**
 * Every Atrium service as plugins of one Fastify instance on one port, at the fixed paths the
 * tests and the shell rely on: `/auth` (OIDC issuer), `/graphql`, `/api/accounts`, `/registry.json`
 * and the shell at `/`.
 */
export async function createEmbeddedServer(
  config: EmbeddedConfig,
  env: NodeJS.ProcessEnv,
  options: { readonly logDestination?: LogDestination } = {},
): Promise<EmbeddedServer> {
  const issuer = `${config.publicUrl}/auth`;
  // Identity validates the real environment; what this process fixes (its port, origin, data folder
  // and the `/auth` issuer) it gives as overrides, so what derives from them and the checks on them
  // (an https issuer in production mode) run as they would on the variables.
  const identity = loadIdentityConfig(env, {
    port: config.port,
    publicUrl: config.publicUrl,
    issuer,
    dataDir: config.dataDir,
  });
  const notes: string[] = [];

  const app = Fastify({
    logger: serviceLoggerOptions(config.logLevel, options.logDestination),
    trustProxy: trustProxyOption(identity.trustProxy),
    // While closing, new requests get 503 and in-flight ones finish.
    return503OnClosing: true,
    bodyLimit: 1024 * 1024,
    // A first start opens (and may create) the embedded PGlite databases: seconds, and more than
    // Fastify's 10 s default per plugin when the two cores are busy.
    pluginTimeout: 60_000,
  });

  // Once, before the services: one /metrics and one request id for all of them.
  await app.register(observability, { service: 'embedded', ...config.metricsAccess });
  await app.register(identityApp, { prefix: '/auth', config: identity });

  // The services' calls to each other (the APIs fetch the issuer's JWKS and revocations, payments
  // ask the accounts API) go over loopback, not the public URL, which may not be reachable from
  // inside (a proxy in front, no hairpin routing); and to a listener of their own, the same app
  // behind a second port, so that on SIGTERM the public one stops taking requests while the
  // requests it already took can still make their sibling calls. This one closes last, with the app.
  const internal = createServer((request, response) => app.routing(request, response));
  await new Promise<void>((resolve, reject) => {
    internal.once('error', reject);
    internal.listen(0, '127.0.0.1', () => resolve());
  });
  app.addHook('onClose', async () => {
    internal.closeAllConnections();
    await new Promise((resolve) => internal.close(resolve));
  });
  const internalUrl = `http://127.0.0.1:${(internal.address() as AddressInfo).port}`;
  const loopbackJwks = `${internalUrl}/auth/jwks`;
  const loopbackRevocations = `${internalUrl}/auth/revocations`;
  // The accounts API validates the same environment it would alone; what this process fixes (its
  // path, origin, data folder, and the issuer over loopback) replaces those fields of the result.
  const accountsAlone = loadAccountsConfig(env);
  const accounts = {
    ...accountsAlone,
    prefix: '/api/accounts',
    publicUrl: config.publicUrl,
    verifier: { ...accountsAlone.verifier, issuer, jwksUri: loopbackJwks },
    revocations: { ...accountsAlone.revocations, url: loopbackRevocations },
    database: { ...accountsAlone.database, dataDir: config.dataDir },
  };
  // One list for both APIs, polled over loopback like the JWKS, from the moment the server listens.
  const revocations = new RevocationList({ ...accounts.revocations, log: app.log });
  app.addHook('onListen', async () => void revocations.start());
  app.addHook('onClose', async () => revocations.close());
  await app.register(accountsService, {
    config: accounts,
    revocations,
    healthRoutes: { live: '/healthz', ready: '/readyz' },
    note: (message) => notes.push(message),
  });
  // Payments check that a from-account is the caller's tenant's by asking the accounts API above,
  // over the internal listener, with the caller's own token.
  // As for the accounts API, the payments config is the real environment's; the data folder is
  // this process's (the payments folder and its embedded store derive from it), and the issuer and
  // the accounts API are reached over loopback.
  const paymentsAlone = loadPaymentsConfig({ ...env, ATRIUM_DATA_DIR: config.dataDir });
  const payments = {
    ...paymentsAlone,
    publicUrl: config.publicUrl,
    verifier: { ...paymentsAlone.verifier, issuer, jwksUri: loopbackJwks },
    accountsApiUrl: `${internalUrl}/api/accounts`,
  };
  await app.register(paymentsService, {
    config: payments,
    revocations,
    healthRoutes: { live: '/graphql/healthz', ready: '/graphql/readyz' },
  });

  const store = new MfeStore(config.dataDir);
  const elements = [builtFrontend('accounts'), builtFrontend('payments')];
  const { published } = await store.ensurePublished(elements);
  for (const result of published)
    notes.push(`Published micro-frontend ${result.name} ${result.version} from its build.`);

  const shellDir = builtFrontend('shell');
  const wsBase = config.publicUrl.replace(/^http/, 'ws');
  await app.register(hostPlugin, {
    dataDir: config.dataDir,
    store,
    shellDir: existsSync(join(shellDir, 'index.html')) ? shellDir : undefined,
    runtimeConfig: {
      productName: 'Atrium',
      oidc: { issuer, clientId: identity.shellClientId, scope: 'openid profile email offline_access' },
      api: {
        paymentsGraphql: `${config.publicUrl}/graphql`,
        paymentsGraphqlWs: `${wsBase}/graphql`,
        accounts: `${config.publicUrl}/api/accounts`,
        identityAdmin: `${issuer}/admin`,
      },
    },
    reservedPrefixes: ['/auth', '/graphql', '/api'],
    healthRoutes: false,
    // Outside production a developer may point one element at a local dev server (docs/micro-frontends.md).
    devOverrides: !identity.production,
    // Publish API tokens: the issuer's keys over loopback like the APIs', and its revocations.
    publishApi: {
      verifier: withRevocations(
        createVerifier({ issuer, audience: identity.audience, jwksUri: loopbackJwks }),
        revocations,
      ),
    },
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const parts = await Promise.all(
      Object.entries(READINESS_ROUTES).map(async ([service, url]) => {
        const response = await app.inject({ method: 'GET', url });
        const body = response.json<Partial<Readiness>>();
        // A service whose probe itself failed (a 500) is not ready, whatever it answered.
        const part: Readiness =
          (response.statusCode === 200 || response.statusCode === 503) && typeof body.checks === 'object'
            ? (body as Readiness)
            : { status: 'unavailable', checks: { readiness: 'down' } };
        return [service, part] as const;
      }),
    );
    return sendReadiness(reply, combineReadiness(Object.fromEntries(parts)));
  });

  return { app, identity, notes, revocations };
}
