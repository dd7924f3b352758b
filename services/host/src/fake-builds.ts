import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { BuildManifest } from '@atrium/contracts';

/** Test fixtures: folders shaped like the shell's and a micro-frontend's build output. */

async function put(root: string, files: Record<string, string>): Promise<void> {
  for (const [file, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, file)), { recursive: true });
    await writeFile(join(root, file), content);
  }
}

/** Compressible filler so that `.br`/`.gz` variants exist. */
export const filler = (label: string): string =>
  Array.from({ length: 80 }, (_, i) => `export const ${label}${i} = "${label} line ${i}";`).join('\n');

/** A Vite-like shell build: index.html, the silent sign-in page, hashed entries and stylesheet, an icon. */
export async function writeFakeShell(root: string): Promise<void> {
  await put(root, {
    'index.html': `<!doctype html><html><head><script type="module" src="/assets/index-AbCd1234.js"></script></head><body><div id="root"></div></body></html>`,
    'silent-callback.html': `<!doctype html><html><head><script type="module" src="/assets/silent-callback-Qw3rTy12.js"></script></head><body></body></html>`,
    'assets/index-AbCd1234.js': filler('shell'),
    'assets/silent-callback-Qw3rTy12.js': 'parent.postMessage({}, location.origin);',
    'assets/index-Zz9_y8x7.css': `:root { --x: 1 }\n`.repeat(40),
    'favicon.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
  });
}

/** A micro-frontend build with its `atrium-manifest.json`. */
export async function writeFakeMfe(
  root: string,
  options: { name?: string; version?: string; body?: string; manifest?: Partial<BuildManifest> } = {},
): Promise<BuildManifest> {
  const name = options.name ?? 'payments';
  const manifest: BuildManifest = {
    name,
    title: name[0]?.toUpperCase() + name.slice(1),
    route: `/${name}`,
    element: `atrium-${name}`,
    version: options.version ?? '1.0.0',
    entry: 'main-ABCD1234.js',
    styles: ['styles-EFGH5678.css'],
    files: ['main-ABCD1234.js', 'chunk-IJKL9012.js', 'styles-EFGH5678.css', 'media/logo.svg'],
    roles: [],
    ...options.manifest,
  };
  await put(root, {
    'main-ABCD1234.js': options.body ?? filler(name.replace(/-/g, '_')),
    'chunk-IJKL9012.js': filler('chunk'),
    'styles-EFGH5678.css': `.x { color: red }\n`.repeat(40),
    'media/logo.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
    'atrium-manifest.json': JSON.stringify(manifest),
  });
  return manifest;
}
