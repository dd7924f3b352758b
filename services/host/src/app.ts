import { createHash } from 'node:crypto';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RETRY_AFTER_SECONDS } from '@atrium/service-runtime';
import type { ShellRuntimeConfig } from './config.ts';
import { HostError, problem, type HostErrorCode } from './errors.ts';
import { MfeStore, type MfeOrigins } from './mfe-store.ts';
import {
  contentSecurityPolicy,
  securityHeaders,
  silentCallbackHeaders,
  HSTS_VALUE,
  SILENT_CALLBACK_PATH,
  type HstsMode,
} from './security-headers.ts';
import { StaticDirectory, etagMatches, type Representation } from './static-files.ts';
import { ShellArchive } from './shell-archive.ts';
import publishApi, { PUBLISH_API_PREFIX, type PublishApiOptions } from './publish-api.ts';

export type { ShellRuntimeConfig } from './config.ts';
export { MfeStore } from './mfe-store.ts';

/** Options of the host plugin; every URL comes from the deployment's configuration. */
export interface HostOptions {
  /**
   * Root of the data folder: the file store lives in `<dataDir>/host` (unless `store` is another),
   * the archived shell assets in `<dataDir>/host/shell-assets` in any case.
   */
  readonly dataDir: string;
  /** The built shell; leave it out for an origin that only serves micro-frontends (split topology). */
  readonly shellDir?: string | undefined;
  /** Served at `/config.json` for the shell (required with `shellDir`). */
  readonly runtimeConfig?: ShellRuntimeConfig | undefined;
  /** Origins of micro-frontends served elsewhere, by name; others are served by this plugin. */
  readonly mfeOrigins?: MfeOrigins | undefined;
  /**
   * Names served under `/mfe/` here; undefined = all published ones; `unassigned` = those without
   * an origin of their own in `mfeOrigins` (the split topology's shell origin).
   */
  readonly servedMfes?: readonly string[] | 'unassigned' | undefined;
  /**
   * Path prefixes that belong to other plugins of the same Fastify instance (`/auth`, `/graphql`,
   * `/api`): an unknown path below them is a 404, never the shell's index.html.
   */
  readonly reservedPrefixes?: readonly string[] | undefined;
  /** More `connect-src` sources beyond those in `runtimeConfig`. */
  readonly extraConnectSrc?: readonly string[] | undefined;
  readonly frameAncestors?: readonly string[] | undefined;
  readonly hsts?: HstsMode | undefined;
  /** Health routes; `false` when the embedding server has its own. */
  readonly healthRoutes?: { readonly live: string; readonly ready: string } | false | undefined;
  /**
   * A store shared with the caller (the embedded server publishing builds on first start, a host of
   * a cluster on the shared PostgreSQL store: `openMfeStore`); the caller closes it.
   */
  readonly store?: MfeStore | undefined;
  /**
   * Development mode: `/config.json` says `development: true`, and a page whose request carries the
   * shell's `atrium-mfe-overrides` cookie gets those origins (loopback only) in its CSP, so a
   * developer's dev server can serve one element in their browser. Never set it in production.
   */
  readonly devOverrides?: boolean | undefined;
  /**
   * The publish API at `/api/registry` and how it checks tokens. Default: on with the shell's
   * runtime configuration, trusting its issuer (`<issuer>/jwks`) for the audience `atrium-api`;
   * `false` turns it off (an origin that only serves micro-frontends has none).
   */
  readonly publishApi?: Pick<PublishApiOptions, 'verifier'> | false | undefined;
}

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';
/** Vite names its output `name-<hash>.ext`; only such files may be cached forever. */
const HASHED_ASSET = /^\/assets\/.+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;

const DEFAULT_RESERVED = ['/auth', '/graphql', '/api'];

/** The shell's override cookie (apps/shell dev-overrides.ts): loopback origins only, at most 5. */
function devOverrideOrigins(cookieHeader: string | undefined): string[] {
  const raw = (cookieHeader ?? '')
    .split(';')
    .map((part) => part.trim())
    .find((part) => part.startsWith('atrium-mfe-overrides='))
    ?.slice('atrium-mfe-overrides='.length);
  if (raw === undefined) return [];
  let value: string;
  try {
    value = decodeURIComponent(raw);
  } catch {
    return [];
  }
  return value
    .split(' ')
    .filter((origin) => /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?$/.test(origin))
    .slice(0, 5);
}

function isReserved(path: string, prefixes: readonly string[]): boolean {
  return prefixes.some(
    (prefix) => path === prefix || path.startsWith(`${prefix}/`) || path.startsWith(`${prefix}?`),
  );
}

/** A path that names a file (has an extension, or is under a file area) is never answered with the shell. */
function looksLikeAsset(path: string): boolean {
  const last = path.split('/').at(-1) ?? '';
  return last.includes('.') || path.startsWith('/assets/') || path.startsWith('/mfe/');
}

/**
 * The host as a Fastify plugin mounted at `/`: the shell with its route fallback, `/config.json`,
 * `/registry.json`, and every published micro-frontend version under `/mfe/<name>/<version>/`,
 * with CDN cache semantics and security headers. Hooks stay encapsulated in this plugin.
 */
export default async function hostPlugin(app: FastifyInstance, options: HostOptions): Promise<void> {
  const store = options.store ?? new MfeStore(options.dataDir);
  const mfeOrigins = options.mfeOrigins ?? {};
  const reserved = options.reservedPrefixes ?? DEFAULT_RESERVED;
  const shell =
    options.shellDir === undefined
      ? undefined
      : new StaticDirectory(options.shellDir, { compressMissing: true });
  const archive =
    options.shellDir === undefined
      ? undefined
      : new ShellArchive(options.shellDir, join(options.dataDir, 'host', 'shell-assets'));
  const archived = archive === undefined ? undefined : new StaticDirectory(archive.root);
  const isHashedAsset = (path: string): boolean => HASHED_ASSET.test(path);
  await archive
    ?.keep(isHashedAsset)
    .catch((error: unknown) => app.log.warn({ err: error }, 'host: shell assets not archived'));
  const runtime = options.runtimeConfig;
  if (shell !== undefined && runtime === undefined)
    throw new Error('host: runtimeConfig is required with shellDir');
  const hsts = options.hsts ?? 'auto';
  const frameAncestors = options.frameAncestors ?? [];
  const cspSources = {
    mfeOrigins: Object.values(mfeOrigins),
    connect: [...(runtime ? Object.values(runtime.api) : []), ...(options.extraConnectSrc ?? [])],
    issuer: runtime?.oidc.issuer,
    frameAncestors,
  };
  // The APIs the published elements call (their manifests' `api`) join connect-src: a team adds an
  // API by publishing, not by reconfiguring the host. Headers are rebuilt only when that set changes.
  // An unreadable state (the error handler answers 500) keeps the platform's own policy.
  function headersFor(apiUrls: readonly string[]): {
    page: Record<string, string>;
    silent: Record<string, string>;
  } {
    const sources = { ...cspSources, connect: [...cspSources.connect, ...apiUrls] };
    const page = securityHeaders(contentSecurityPolicy(sources));
    const silent = silentCallbackHeaders(sources);
    // X-Frame-Options cannot express an allow-list: it is only sent when nobody may frame us.
    if (frameAncestors.length > 0) {
      delete page['x-frame-options'];
      delete silent['x-frame-options'];
    }
    return { page, silent };
  }
  const platformHeaders = headersFor([]);
  let policy = { key: '', ...platformHeaders };
  async function currentHeaders(
    request: FastifyRequest,
  ): Promise<{ page: Record<string, string>; silent: Record<string, string> }> {
    const apiUrls = (await store.current()).flatMap((version) => Object.values(version.api ?? {}));
    const key = apiUrls.join(' ');
    if (key !== policy.key) policy = { key, ...headersFor(apiUrls) };
    const devOrigins = devOverrides ? devOverrideOrigins(request.headers.cookie) : [];
    if (devOrigins.length === 0) return policy;
    // This browser's own dev servers: its policy only, never the shared one.
    const page = securityHeaders(
      contentSecurityPolicy({
        ...cspSources,
        mfeOrigins: [...cspSources.mfeOrigins, ...devOrigins],
        connect: [...cspSources.connect, ...apiUrls, ...devOrigins.map((o) => o.replace(/^http/, 'ws'))],
      }),
    );
    if (frameAncestors.length > 0) delete page['x-frame-options'];
    return { page, silent: policy.silent };
  }
  const devOverrides = options.devOverrides === true;
  const runtimeJson =
    runtime === undefined
      ? undefined
      : JSON.stringify(devOverrides ? { ...runtime, development: true } : runtime);
  const runtimeEtag =
    runtimeJson === undefined
      ? ''
      : `"${createHash('sha256').update(runtimeJson).digest('base64url').slice(0, 27)}"`;

  app.addHook('onSend', async (request, reply, payload) => {
    const { page, silent } = await currentHeaders(request).catch(() => platformHeaders);
    reply.headers(request.url.split('?')[0] === SILENT_CALLBACK_PATH ? silent : page);
    if (hsts === 'always' || (hsts === 'auto' && request.protocol === 'https')) {
      reply.header('strict-transport-security', HSTS_VALUE);
    }
    return payload;
  });

  app.setErrorHandler(async (error, request, reply) => {
    const code: HostErrorCode = error instanceof HostError ? error.code : 'registry_state_corrupt';
    if (!(error instanceof HostError) || error.status >= 500) request.log.error({ err: error }, 'host error');
    return sendProblem(reply, code, error instanceof HostError ? error.status : 500);
  });

  function sendProblem(reply: FastifyReply, code: HostErrorCode, status?: number): FastifyReply {
    if (code === 'store_unavailable') reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    return reply
      .code(status ?? (problem(code)['status'] as number))
      .header('cache-control', REVALIDATE)
      .type('application/problem+json')
      .send(JSON.stringify(problem(code)));
  }

  function sendFile(
    request: FastifyRequest,
    reply: FastifyReply,
    file: Representation,
    cacheControl: string,
  ): FastifyReply {
    reply.header('cache-control', cacheControl).header('etag', file.etag);
    if (file.varies) reply.header('vary', 'Accept-Encoding');
    if (etagMatches(request.headers['if-none-match'], file.etag)) return reply.code(304).send();
    reply.header('content-type', file.contentType);
    if (file.encoding !== undefined) reply.header('content-encoding', file.encoding);
    return reply.send(file.body);
  }

  function sendJson(request: FastifyRequest, reply: FastifyReply, body: string, etag: string): FastifyReply {
    reply.header('cache-control', REVALIDATE).header('etag', etag);
    if (etagMatches(request.headers['if-none-match'], etag)) return reply.code(304).send();
    return reply.type('application/json; charset=utf-8').send(body);
  }

  if (options.healthRoutes !== false) {
    const routes = options.healthRoutes ?? { live: '/healthz', ready: '/readyz' };
    app.get(routes.live, async (_request, reply) =>
      reply.header('cache-control', 'no-store').send({ status: 'ok' }),
    );
    app.get(routes.ready, async (_request, reply) => {
      // The storage itself, not this host's cache: a shared store that does not answer makes the
      // host unable to publish or to serve files it has not cached.
      await store.check();
      if (options.shellDir !== undefined) {
        const built = await access(join(options.shellDir, 'index.html')).then(
          () => true,
          () => false,
        );
        if (!built) return sendProblem(reply, 'shell_not_built');
      }
      return reply.header('cache-control', 'no-store').send({ status: 'ready' });
    });
  }

  // The registry and the runtime configuration belong to the shell's origin; they are served even
  // before the shell is built, so tools and tests can read them.
  if (runtimeJson !== undefined) {
    app.get('/config.json', async (request, reply) => sendJson(request, reply, runtimeJson, runtimeEtag));
    app.get('/registry.json', async (request, reply) => {
      const body = JSON.stringify(await store.registry(mfeOrigins));
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
      return sendJson(request, reply, body, etag);
    });
  }

  const publishing =
    options.publishApi ??
    (runtime === undefined ? false : { verifier: { issuer: runtime.oidc.issuer, audience: 'atrium-api' } });
  if (publishing !== false)
    await app.register(publishApi, { prefix: PUBLISH_API_PREFIX, store, verifier: publishing.verifier });

  app.get('/mfe/*', async (request, reply) => {
    const path = (request.params as { '*': string })['*'];
    const name = path.split('/')[0] ?? '';
    // A name served from an origin of its own is not served here (its registry URLs point there);
    // any other published name is, so a third team's element needs no topology change.
    const served = options.servedMfes;
    const servedHere =
      served === undefined ||
      (served === 'unassigned' ? mfeOrigins[name] === undefined : served.includes(name));
    if (!servedHere) return sendProblem(reply, 'not_found');
    const file = await store.file(path, request.headers['accept-encoding']);
    if (file === undefined) return sendProblem(reply, 'not_found');
    // Published files are public and carry no credentials: `*` lets any shell origin load them
    // as module scripts (always CORS) and keeps one cache entry per URL.
    reply.header('access-control-allow-origin', '*');
    // Everything under a version folder is immutable: the version id is a content hash.
    return sendFile(request, reply, file, IMMUTABLE);
  });

  app.get('/*', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (reply.raw.headersSent) return reply;
    if (shell === undefined || isReserved(path, reserved)) return sendProblem(reply, 'no_route');
    if (path !== '/' && path !== '/index.html') {
      const file = await shell.get(path, request.headers['accept-encoding']);
      if (file !== undefined)
        return sendFile(request, reply, file, HASHED_ASSET.test(path) ? IMMUTABLE : REVALIDATE);
      // A chunk of the shell as it was before a redeploy, for a page loaded then.
      const kept = HASHED_ASSET.test(path)
        ? await archived?.get(path, request.headers['accept-encoding'])
        : undefined;
      if (kept !== undefined) return sendFile(request, reply, kept, IMMUTABLE);
      if (looksLikeAsset(path)) return sendProblem(reply, 'not_found');
    }
    // A shell route (deep link, reload): the SPA's index.html, always revalidated.
    const index = await shell.get('/index.html', request.headers['accept-encoding']);
    if (index === undefined) return sendProblem(reply, 'shell_not_built');
    // A new build of the shell: keep its chunks too, before a later build replaces them.
    void archive
      ?.keep(isHashedAsset)
      .catch((error: unknown) => request.log.warn({ err: error }, 'host: shell assets not archived'));
    return sendFile(request, reply, index, REVALIDATE);
  });
}
