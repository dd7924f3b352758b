import { join } from 'node:path';
import type { FastifyError, FastifyInstance } from 'fastify';
import cors from '@fastify/cors';
import type Provider from 'oidc-provider';
import { AuthError } from '@atrium/auth';
import { isDatabaseUnavailable, migrate, openDatabase, type Database } from '@atrium/postgres';
import { readinessHandler, serviceMetrics } from '@atrium/service-runtime';
import type { IdentityConfig } from './config.ts';
import { adminRoutes } from './admin-routes.ts';
import { refuseDemoCredentials, seedDemoIdentity } from './demo-data.ts';
import { outagePage, reportingOutages, RETRY_AFTER_SECONDS } from './database-outage.ts';
import { IdentityError, problem } from './errors.ts';
import { interactionRoutes } from './interactions.ts';
import { loginAssetRoutes } from './login-assets.ts';
import { LoginThrottle } from './login-throttle.ts';
import { sweepExpired } from './oidc-adapter.ts';
import { pageSecurityHeaders } from './page-security-headers.ts';
import { createProvider } from './provider.ts';
import { SigningKeyReload } from './signing-key-reload.ts';
import { loadKeyMaterial } from './signing-keys.ts';
import { revocationRoutes } from './token-revocations.ts';
import { UserDirectory } from './user-directory.ts';

export interface IdentityOptions {
  readonly config: IdentityConfig;
  /** An open database to use instead of opening one from the config (tests, tools). */
  readonly db?: Database;
}

/** Opens the identity database named by the config and brings its schema up to date. */
export async function openIdentityDatabase(config: IdentityConfig): Promise<Database> {
  const db = await openDatabase(
    config.databaseUrl === undefined
      ? { dataDir: join(config.dataDir, 'identity') }
      : { url: config.databaseUrl, applicationName: 'atrium-identity' },
  );
  await migrate(db, new URL('../migrations/', import.meta.url));
  return db;
}

/**
 * The identity service as a Fastify plugin, registered under the issuer's path (`/auth`): the
 * OpenID provider, the login pages, the admin API, health checks.
 */
export default async function identityApp(app: FastifyInstance, options: IdentityOptions): Promise<void> {
  const { config } = options;
  const ownsDb = options.db === undefined;
  // Outage errors carry their meaning (503, retry) to the provider, the login pages and the APIs.
  const db = reportingOutages(options.db ?? (await openIdentityDatabase(config)));
  if (ownsDb) app.addHook('onClose', () => db.close());

  const users = new UserDirectory(db);
  if (config.seedDemo && (await seedDemoIdentity(db, users)))
    app.log.info('identity: demo tenants and users seeded');
  if (config.production) {
    try {
      await refuseDemoCredentials(users);
    } catch (error) {
      if (ownsDb) await db.close();
      throw error;
    }
  }

  const policy = {
    retiredKeyGraceSeconds: config.accessTokenTtlSeconds + 300,
    publishWindowSeconds: config.signingKeys.publishWindowSeconds,
  };
  const keys = await loadKeyMaterial(db, policy);
  const throttle = new LoginThrottle(db, config.loginThrottle);
  serviceMetrics(app)?.watchDatabasePool('identity', () => db.poolStats());
  const pageHeaders = pageSecurityHeaders(config);
  // Every provider built on a new key set (signing-key-reload.ts) gets the same page handling.
  const signingKeys = SigningKeyReload.start({
    db,
    policy,
    reloadMs: config.signingKeys.reloadMs,
    initial: keys,
    build: (material) => withPageHandling(createProvider(config, db, users, material), config, pageHeaders),
    verifier: { issuer: config.issuer, audience: config.audience },
    log: app.log,
  });
  app.addHook('onClose', async () => signingKeys.close());
  const verifier = signingKeys.verifier;

  const sweeper = setInterval(() => {
    void sweepExpired(db).catch(() => {});
    void throttle.sweep().catch(() => {});
  }, 10 * 60_000);
  sweeper.unref();
  app.addHook('onClose', async () => clearInterval(sweeper));

  app.setErrorHandler((error: FastifyError | IdentityError | AuthError, request, reply) => {
    if (error instanceof AuthError) {
      return reply
        .code(401)
        .header('www-authenticate', error.wwwAuthenticate)
        .type('application/problem+json')
        .send({ type: `urn:atrium:auth:${error.code}`, title: error.message, status: 401, code: error.code });
    }
    if (isDatabaseUnavailable(error)) {
      // Retryable, and said so: a login page gets a page a person can read, an API a problem.
      request.log.warn({ err: error }, 'database unavailable');
      reply.code(503).header('retry-after', String(RETRY_AFTER_SECONDS)).header('cache-control', 'no-store');
      if ((request.headers.accept ?? '').includes('text/html'))
        return reply.type('text/html; charset=utf-8').send(outagePage(config.basePath));
      return reply
        .type('application/problem+json')
        .send(problem(new IdentityError('database_unavailable'), request.url));
    }
    if (error instanceof IdentityError) {
      return reply.code(error.status).type('application/problem+json').send(problem(error, request.url));
    }
    if ('validation' in error && error.validation !== undefined) {
      const invalid = new IdentityError('validation_failed', error.message);
      return reply.code(400).type('application/problem+json').send(problem(invalid, request.url));
    }
    if (typeof error.statusCode === 'number' && error.statusCode < 500) {
      return reply
        .code(error.statusCode)
        .type('application/problem+json')
        .send({
          type: 'about:blank',
          title: error.message,
          status: error.statusCode,
          code: error.code ?? 'bad_request',
        });
    }
    // Unexpected: logged with the request id, masked for the client.
    request.log.error({ err: error }, 'unexpected error');
    return reply
      .code(500)
      .type('application/problem+json')
      .send({ ...problem(new IdentityError('internal')), requestId: request.id });
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', readinessHandler([{ name: 'database', required: true, probe: async () => db.ping() }]));
  loginAssetRoutes(app);

  // Login pages: no script at all, styles from one file, never framed.
  app.addHook('onSend', async (_request, reply) => {
    if (String(reply.getHeader('content-type') ?? '').startsWith('text/html')) reply.headers(pageHeaders);
  });
  // Tokens live accessTokenTtlSeconds (ID tokens too); the APIs accept them 30 s past exp, and a
  // further 30 s covers clocks that drift apart.
  await app.register(revocationRoutes, { db, windowSeconds: config.accessTokenTtlSeconds + 60 });
  await app.register(interactionRoutes, {
    config,
    provider: () => signingKeys.provider,
    users,
    throttle,
    csrfSecret: keys.csrfSecret,
  });
  await app.register(
    async (admin) => {
      await admin.register(cors, {
        origin: [...new Set(config.shellRedirectUris.map((uri) => new URL(uri).origin))],
        methods: ['GET', 'POST', 'PUT'],
        allowedHeaders: ['authorization', 'content-type'],
        maxAge: 600,
      });
      await admin.register(adminRoutes, { users, verifier });
    },
    { prefix: '/admin' },
  );

  // Everything else under the issuer's path is the OpenID provider (a Koa app). Its request body
  // must reach it unread, so this scope has no content-type parsers of its own.
  const callback = signingKeys.handler;
  const issuerUrl = new URL(config.issuer);
  await app.register(async (oidc) => {
    oidc.removeAllContentTypeParsers();
    oidc.addContentTypeParser('*', (_request, _payload, done) => done(null));
    oidc.all('/*', (request, reply) => {
      reply.hijack();
      const raw = request.raw as typeof request.raw & { originalUrl?: string };
      // The provider writes its URLs (discovery, redirects, form actions) from the request's host
      // and scheme: they come from the configured issuer only, never from Host or X-Forwarded-*,
      // or a forged header would name another origin in an answer a cache may keep.
      raw.headers.host = issuerUrl.host;
      raw.headers['x-forwarded-host'] = issuerUrl.host;
      raw.headers['x-forwarded-proto'] = issuerUrl.protocol.slice(0, -1);
      // The provider trusts these X-Forwarded-* headers (provider.proxy); the client address is the
      // one Fastify worked out under TRUST_PROXY.
      raw.headers['x-forwarded-for'] = request.ip;
      // oidc-provider expects a mounted app's URL without the mount path, and the full one in originalUrl.
      raw.originalUrl = raw.url;
      raw.url = (raw.url ?? '/').slice(config.basePath.length) || '/';
      callback(raw, reply.raw);
    });
  });
}

/** The provider's own pages (sign-out, errors, form_post), written by Koa past Fastify's hooks. */
function withPageHandling(
  provider: Provider,
  config: IdentityConfig,
  pageHeaders: Readonly<Record<string, string>>,
): Provider {
  // Set before the provider runs, so its form_post can add its script's hash to this policy.
  provider.use(async (ctx, next) => {
    ctx.set(pageHeaders);
    await next();
  });
  // The provider answers an outage 503 temporarily_unavailable (IdentityUnavailableError): say when
  // to retry, and on its HTML pages say it in words.
  provider.use(async (ctx, next) => {
    await next();
    if (ctx.status !== 503) return;
    ctx.set('retry-after', String(RETRY_AFTER_SECONDS));
    ctx.set('cache-control', 'no-store');
    if (ctx.response.is('html')) ctx.body = outagePage(config.basePath);
  });
  return provider;
}
