import { createHash } from 'node:crypto';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { brandMarkSvg, tokensCss } from '@atrium/design-tokens';

/** The login pages' stylesheet, served as a file so the CSP needs no 'unsafe-inline'. */
const LOGIN_CSS = `${tokensCss(':root')}
*, *::before, *::after { box-sizing: border-box; }
body {
  margin: 0; min-height: 100vh; display: grid; place-items: center;
  font-family: var(--atrium-font-family); font-size: var(--atrium-font-size-body);
  line-height: var(--atrium-line-height);
  background: var(--atrium-color-surface-container); color: var(--atrium-color-on-surface);
}
main {
  width: min(100% - 2 * var(--atrium-space-m), 400px); padding: var(--atrium-space-xl);
  background: var(--atrium-color-surface); border-radius: var(--atrium-shape-corner-large);
  box-shadow: var(--atrium-elevation-level1);
}
.brand { font-size: var(--atrium-font-size-title); font-weight: var(--atrium-font-weight-bold);
  color: var(--atrium-color-primary); margin: 0 0 var(--atrium-space-s); }
h1 { font-size: var(--atrium-font-size-headline); font-weight: var(--atrium-font-weight-regular); margin: 0 0 var(--atrium-space-l); }
label { display: block; font-weight: var(--atrium-font-weight-medium); margin: var(--atrium-space-m) 0 var(--atrium-space-xs); }
input {
  width: 100%; padding: 12px var(--atrium-space-m); font: inherit; color: inherit;
  background: var(--atrium-color-surface); border: 1px solid var(--atrium-color-outline);
  border-radius: var(--atrium-shape-corner-small);
}
input:focus-visible, button:focus-visible, a:focus-visible {
  outline: 3px solid var(--atrium-color-focus-ring); outline-offset: 2px;
}
button {
  margin-top: var(--atrium-space-l); width: 100%; padding: 12px var(--atrium-space-m); font: inherit;
  font-weight: var(--atrium-font-weight-medium); border: 0; border-radius: var(--atrium-shape-corner-full);
  background: var(--atrium-color-primary); color: var(--atrium-color-on-primary); cursor: pointer;
}
button.secondary { background: transparent; color: var(--atrium-color-primary); border: 1px solid var(--atrium-color-outline); }
.actions { display: grid; gap: var(--atrium-space-s); }
.actions button { margin-top: 0; }
.error {
  margin: 0 0 var(--atrium-space-m); padding: var(--atrium-space-s) var(--atrium-space-m);
  border-radius: var(--atrium-shape-corner-small);
  background: var(--atrium-color-error-container); color: var(--atrium-color-on-error-container);
}
a { color: var(--atrium-color-primary); }
`;

/** A file of the login pages, named after its content and compressed once, when the service starts. */
interface LoginAsset {
  /** Below the service's base path, e.g. `/assets/login-1a2b3c4d5e6f.css`. */
  readonly path: string;
  readonly type: string;
  readonly identity: Buffer;
  readonly br: Buffer;
  readonly gzip: Buffer;
}

function loginAsset(name: string, extension: string, type: string, text: string): LoginAsset {
  const identity = Buffer.from(text);
  const hash = createHash('sha256').update(identity).digest('hex').slice(0, 12);
  return {
    path: `/assets/${name}-${hash}.${extension}`,
    type,
    identity,
    // The host's CDN rules (ADR 0400): compressed once at the highest settings, chosen per request.
    br: brotliCompressSync(identity, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
    gzip: gzipSync(identity, { level: 9 }),
  };
}

/**
 * The login pages' stylesheet and icon. Their names change with their content, so they are cached
 * for a year as immutable, as the host serves the shell's hashed assets; a page always links the
 * current names (an old name is a 404, never stale content).
 */
export const LOGIN_ASSETS = {
  stylesheet: loginAsset('login', 'css', 'text/css; charset=utf-8', LOGIN_CSS),
  icon: loginAsset('favicon', 'svg', 'image/svg+xml', brandMarkSvg()),
} as const;

/** The best encoding the request accepts (`q=0` refuses one): br, then gzip, else none. */
function chosenEncoding(acceptEncoding: string | undefined): 'br' | 'gzip' | undefined {
  const accepted = new Map<string, number>();
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    accepted.set(name, q === undefined ? 1 : Number(q));
  }
  const wants = (name: string): boolean => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  if (wants('br')) return 'br';
  if (wants('gzip')) return 'gzip';
  return undefined;
}

/** Serves LOGIN_ASSETS at their content-named paths. */
export function loginAssetRoutes(app: FastifyInstance): void {
  for (const asset of Object.values(LOGIN_ASSETS)) {
    app.get(asset.path, async (request: FastifyRequest, reply: FastifyReply) => {
      const encoding = chosenEncoding(request.headers['accept-encoding']);
      reply
        .type(asset.type)
        .header('cache-control', 'public, max-age=31536000, immutable')
        .header('vary', 'Accept-Encoding');
      if (encoding === undefined) return reply.send(asset.identity);
      return reply.header('content-encoding', encoding).send(asset[encoding]);
    });
  }
}
