import { promisify } from 'node:util';
import { brotliCompress, gzip, constants } from 'node:zlib';
import { extname } from 'node:path';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Extensions worth compressing; images and fonts are already compressed formats. */
const COMPRESSIBLE = new Set([
  '.js',
  '.mjs',
  '.css',
  '.html',
  '.json',
  '.svg',
  '.txt',
  '.map',
  '.xml',
  '.ico',
  '.webmanifest',
]);

/** Files smaller than this are sent as they are: the encoding overhead beats the saving. */
const MIN_BYTES = 256;

/** True when a file of this name and size gets `.br` and `.gz` siblings. */
export function isCompressible(path: string, size: number): boolean {
  return size >= MIN_BYTES && COMPRESSIBLE.has(extname(path).toLowerCase());
}

/** Maximum-quality brotli and gzip of `content`: done once at publish/build time, never per request. */
export async function precompress(content: Uint8Array): Promise<{ br: Buffer; gz: Buffer }> {
  const [br, gz] = await Promise.all([
    brotli(content, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: content.byteLength,
      },
    }),
    gzipAsync(content, { level: constants.Z_BEST_COMPRESSION }),
  ]);
  return { br, gz };
}
