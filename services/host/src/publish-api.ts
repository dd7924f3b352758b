import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  AuthError,
  bearerToken,
  createVerifier,
  type TokenVerifier,
  type VerifierConfig,
} from '@atrium/auth';
import { HostError, problem, type HostErrorCode } from './errors.ts';
import { validManifest, type BuildUpload, type MfeStore } from './mfe-store.ts';

/** Where the publish API lives on the host (on the shell's origin). */
export const PUBLISH_API_PREFIX = '/api/registry';

/** The scope that lets a token change one micro-frontend: `mfe:publish:<name>`. */
export function publishScope(name: string): string {
  return `mfe:publish:${name}`;
}

/**
 * Largest upload body: a build as JSON with base64 files (a third larger than the files). The
 * Angular elements are under 1 MB; 32 MiB leaves room and still bounds what one request can make
 * the host hold in memory.
 */
export const UPLOAD_LIMIT_BYTES = 32 * 1024 * 1024;

export interface PublishApiOptions {
  readonly store: MfeStore;
  /** How tokens from the identity service are checked (or a verifier built already). */
  readonly verifier: VerifierConfig | TokenVerifier;
}

/** Who made a change, as the audit log names them. */
interface Caller {
  readonly actor: string;
  readonly mayChange: (name: string) => boolean;
}

const NAME = /^[a-z][a-z0-9-]{0,39}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function isVerifier(value: VerifierConfig | TokenVerifier): value is TokenVerifier {
  return typeof (value as TokenVerifier).verifyPlatformToken === 'function';
}

/**
 * The registry's HTTP API, authorised by tokens of the identity service: a team's CI (a
 * client-credentials client granted `mfe:publish:<name>` for each of its micro-frontends) or a
 * platform operator uploads builds, switches, rolls back and retires; every change is audited by
 * the store. Mounted under {@link PUBLISH_API_PREFIX}.
 */
export default async function publishApi(app: FastifyInstance, options: PublishApiOptions): Promise<void> {
  const { store } = options;
  const verifier = isVerifier(options.verifier) ? options.verifier : createVerifier(options.verifier);

  function send(reply: FastifyReply, code: HostErrorCode, detail?: string): FastifyReply {
    const body = problem(code, undefined, detail);
    return reply
      .code(body['status'] as number)
      .header('cache-control', 'no-store')
      .type('application/problem+json')
      .send(JSON.stringify(body));
  }

  app.setErrorHandler(async (error, request, reply) => {
    if (error instanceof AuthError) {
      reply.header('www-authenticate', error.wwwAuthenticate);
      return send(
        reply,
        error.code === 'token_expired'
          ? 'token_expired'
          : error.code === 'missing_token'
            ? 'missing_token'
            : 'invalid_token',
      );
    }
    if (error instanceof HostError) {
      if (error.status >= 500) request.log.error({ err: error }, 'publish API error');
      return send(reply, error.code, error.detail);
    }
    const fastifyError = error as { code?: string; statusCode?: number; message?: string };
    if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return send(reply, 'upload_too_large', `At most ${UPLOAD_LIMIT_BYTES} bytes.`);
    if (
      fastifyError.statusCode !== undefined &&
      fastifyError.statusCode >= 400 &&
      fastifyError.statusCode < 500
    )
      return send(reply, 'bad_upload', fastifyError.message);
    request.log.error({ err: error }, 'publish API error');
    return send(reply, 'registry_state_corrupt');
  });

  async function caller(request: FastifyRequest): Promise<Caller> {
    const verified = await verifier.verifyPlatformToken(bearerToken(request.headers.authorization));
    const scopes = verified.scopes ?? [];
    // A platform operator (a person) may change any micro-frontend; anyone else only those its
    // token was granted, name by name.
    if (verified.caller.roles.includes('operator'))
      return { actor: `user:${verified.caller.username}`, mayChange: () => true };
    const actor =
      verified.clientId !== undefined && verified.clientId === verified.caller.userId
        ? `client:${verified.clientId}`
        : `user:${verified.caller.username}`;
    return { actor, mayChange: (name) => scopes.includes(publishScope(name)) };
  }

  /** The caller, once it is known to hold the right to change `name`. */
  async function authorised(request: FastifyRequest): Promise<{ name: string; actor: string }> {
    const who = await caller(request);
    const name = (request.params as { name: string }).name;
    if (!NAME.test(name)) throw new HostError('unknown_micro_frontend', name);
    if (!who.mayChange(name))
      throw new HostError('not_permitted', `The token lacks the scope ${publishScope(name)}.`);
    return { name, actor: who.actor };
  }

  app.get('/micro-frontends/:name', async (request, reply) => {
    const { name } = await authorised(request);
    // The latest state, not this host's cache: a team's CI reads what it just changed on another host.
    await store.refresh();
    const history = await store.history(name);
    return reply.header('cache-control', 'no-store').send({
      name,
      live: history.at(-1)?.version ?? null,
      versions: (await store.versions(name)).map((v) => ({
        version: v.version,
        publishedAt: v.publishedAt,
        publishedBy: v.publishedBy ?? null,
      })),
      audit: await store.audit(name),
    });
  });

  app.post('/micro-frontends/:name/versions', { bodyLimit: UPLOAD_LIMIT_BYTES }, async (request, reply) => {
    const { name, actor } = await authorised(request);
    const upload = buildUpload(request.body);
    if (upload.manifest.name !== name)
      throw new HostError(
        'name_mismatch',
        `The build is "${upload.manifest.name}", the URL names "${name}".`,
      );
    const result = await store.publishUpload(upload, { actor });
    return reply
      .code(result.previous === result.version ? 200 : 201)
      .header('cache-control', 'no-store')
      .send(result);
  });

  app.post('/micro-frontends/:name/switch', async (request, reply) => {
    const { name, actor } = await authorised(request);
    const version = (request.body as { version?: unknown } | undefined)?.version;
    if (typeof version !== 'string' || version === '')
      throw new HostError('bad_upload', 'The body must be { "version": "<a published version>" }.');
    return reply.header('cache-control', 'no-store').send(await store.switchTo(name, version, { actor }));
  });

  app.post('/micro-frontends/:name/rollback', async (request, reply) => {
    const { name, actor } = await authorised(request);
    return reply.header('cache-control', 'no-store').send(await store.rollback(name, { actor }));
  });

  app.delete('/micro-frontends/:name', async (request, reply) => {
    const { name, actor } = await authorised(request);
    return reply.header('cache-control', 'no-store').send(await store.retire(name, { actor }));
  });
}

/**
 * Reads an upload: `{ "manifest": <atrium-manifest.json>, "files": { "<path>": "<base64>" } }`,
 * with exactly the files the manifest lists. Nothing is written before all of it is checked.
 */
export function buildUpload(body: unknown): BuildUpload {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new HostError('bad_upload', 'Send { "manifest": {…}, "files": { "<path>": "<base64>" } } as JSON.');
  const { manifest: rawManifest, files } = body as { manifest?: unknown; files?: unknown };
  const manifest = validManifest(rawManifest);
  if (typeof files !== 'object' || files === null || Array.isArray(files))
    throw new HostError('bad_upload', 'files: an object of path to base64 content.');
  const contents = new Map<string, Buffer>();
  for (const file of manifest.files) {
    const encoded = (files as Record<string, unknown>)[file];
    if (typeof encoded !== 'string') throw new HostError('missing_build_file', file);
    if (!BASE64.test(encoded)) throw new HostError('bad_upload', `${file}: not base64.`);
    contents.set(file, Buffer.from(encoded, 'base64'));
  }
  const extra = Object.keys(files).filter((file) => !manifest.files.includes(file));
  if (extra.length > 0)
    throw new HostError('bad_upload', `Files the manifest does not list: ${extra.slice(0, 5).join(', ')}.`);
  return { manifest, contents };
}
