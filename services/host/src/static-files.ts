import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { isCompressible, precompress } from './precompress.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
};

/** The media type for a file name; unknown kinds are opaque bytes (with nosniff, never executed). */
export function contentTypeOf(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

export type ContentEncoding = 'br' | 'gzip';

/** One representation of a file, ready to send. */
export interface Representation {
  readonly body: Buffer;
  readonly encoding: ContentEncoding | undefined;
  readonly etag: string;
  readonly contentType: string;
  /** True when other encodings of the same file exist (so caches must `Vary: Accept-Encoding`). */
  readonly varies: boolean;
}

interface Loaded extends EncodedFile {
  readonly mtimeMs: number;
  readonly size: number;
  readonly bytes: number;
}

/** Encodings the client accepts, best first, honouring `q=0` refusals. */
export function acceptedEncodings(header: string | undefined): ContentEncoding[] {
  if (header === undefined) return [];
  const accepted = new Map<string, number>();
  for (const part of header.split(',')) {
    const [token = '', ...params] = part.trim().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    accepted.set(token.trim().toLowerCase(), q === undefined ? 1 : Number(q.slice(2)) || 0);
  }
  const wildcard = accepted.get('*');
  const weight = (name: string): number => accepted.get(name) ?? wildcard ?? 0;
  return (['br', 'gzip'] as const).filter((name) => weight(name) > 0).sort((a, b) => weight(b) - weight(a));
}

/** True when an `If-None-Match` header matches `etag` (weak comparison, as RFC 9110 asks for GET). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const bare = etag.replace(/^W\//, '');
  return ifNoneMatch.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === bare);
}

/** A file's bytes with their precompressed variants and the hash its ETags are made of. */
export interface EncodedFile {
  readonly identity: Buffer;
  readonly br: Buffer | undefined;
  readonly gz: Buffer | undefined;
  /** base64url of the identity's SHA-256, 27 characters: the same bytes get the same ETag on every host. */
  readonly hash: string;
}

/** The ETag hash of a file's bytes (see {@link EncodedFile.hash}). */
export function etagHash(identity: Buffer): string {
  return createHash('sha256').update(identity).digest('base64url').slice(0, 27);
}

/** The best representation of a file for this `Accept-Encoding`. */
export function representationOf(
  file: EncodedFile,
  contentType: string,
  acceptEncoding: string | undefined,
): Representation {
  const varies = file.br !== undefined || file.gz !== undefined;
  for (const encoding of acceptedEncodings(acceptEncoding)) {
    const body = encoding === 'br' ? file.br : file.gz;
    if (body !== undefined) {
      const suffix = encoding === 'br' ? 'br' : 'gz';
      return { body, encoding, etag: `"${file.hash}-${suffix}"`, contentType, varies };
    }
  }
  return { body: file.identity, encoding: undefined, etag: `"${file.hash}"`, contentType, varies };
}

/**
 * Serves the files under one folder: paths that would leave it resolve to nothing; brotli and gzip
 * come from `.br`/`.gz` siblings written at build/publish time (or, when `compressMissing` is set,
 * are made once and kept in memory). Contents are cached by path, size and mtime, bounded in bytes.
 */
export class StaticDirectory {
  readonly root: string;
  readonly #compressMissing: boolean;
  readonly #cache = new Map<string, Loaded>();
  readonly #maxBytes: number;
  #bytes = 0;

  constructor(root: string, options: { compressMissing?: boolean; maxCacheBytes?: number } = {}) {
    this.root = normalize(root);
    this.#compressMissing = options.compressMissing ?? false;
    this.#maxBytes = options.maxCacheBytes ?? 64 * 1024 * 1024;
  }

  /** The absolute path for a URL path below the root, or undefined when it is not a safe path. */
  resolve(urlPath: string): string | undefined {
    let decoded: string;
    try {
      decoded = decodeURIComponent(urlPath);
    } catch {
      return undefined;
    }
    if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
    const segments = decoded.split('/').filter((s) => s !== '');
    // Dot-files (the store's temp folders, lock and state files) are never served.
    if (segments.some((s) => s === '..' || s.startsWith('.'))) return undefined;
    const path = join(this.root, ...segments);
    return path.startsWith(this.root + sep) ? path : undefined;
  }

  /** The best representation of the file at `urlPath` for this `Accept-Encoding`, or undefined. */
  async get(urlPath: string, acceptEncoding: string | undefined): Promise<Representation | undefined> {
    const path = this.resolve(urlPath);
    if (path === undefined || path.endsWith('.br') || path.endsWith('.gz')) return undefined;
    const loaded = await this.#load(path);
    if (loaded === undefined) return undefined;
    return representationOf(loaded, contentTypeOf(path), acceptEncoding);
  }

  async #load(path: string): Promise<Loaded | undefined> {
    const info = await stat(path).catch(() => undefined);
    if (info === undefined || !info.isFile()) return undefined;
    const cached = this.#cache.get(path);
    if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) {
      // Refresh its place: the Map's insertion order is the eviction order.
      this.#cache.delete(path);
      this.#cache.set(path, cached);
      return cached;
    }
    const identity = await readFile(path);
    let br: Buffer | undefined = await readFile(`${path}.br`).catch(() => undefined);
    let gz: Buffer | undefined = await readFile(`${path}.gz`).catch(() => undefined);
    if (
      this.#compressMissing &&
      br === undefined &&
      gz === undefined &&
      isCompressible(path, identity.byteLength)
    ) {
      const made = await precompress(identity);
      br = made.br.byteLength < identity.byteLength ? made.br : undefined;
      gz = made.gz.byteLength < identity.byteLength ? made.gz : undefined;
    }
    const hash = etagHash(identity);
    const bytes = identity.byteLength + (br?.byteLength ?? 0) + (gz?.byteLength ?? 0);
    const loaded: Loaded = { mtimeMs: info.mtimeMs, size: info.size, identity, br, gz, hash, bytes };
    if (cached) this.#bytes -= cached.bytes;
    this.#cache.delete(path);
    if (bytes <= this.#maxBytes) {
      this.#cache.set(path, loaded);
      this.#bytes += bytes;
      for (const [key, value] of this.#cache) {
        if (this.#bytes <= this.#maxBytes) break;
        this.#cache.delete(key);
        this.#bytes -= value.bytes;
      }
    }
    return loaded;
  }
}
