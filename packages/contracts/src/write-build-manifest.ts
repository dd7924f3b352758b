// Node only (build time): exported as `@atrium/contracts/write-build-manifest`, never from the
// package's browser entry point.
import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildManifest } from './registry.ts';

/** What a micro-frontend says about itself; the rest of the manifest is read off its build. */
export type ManifestIdentity = Pick<BuildManifest, 'name' | 'title' | 'route' | 'element'> &
  Partial<Pick<BuildManifest, 'roles' | 'order' | 'group' | 'icon' | 'api' | 'titles'>>;

/** Where the build is and which of its files is the entry module. */
export interface BuildLayout {
  /** The build folder, relative to the app's root; default `dist/browser/` (Angular's). */
  readonly outDir?: string;
  /**
   * The entry module: its exact path inside the build, or a pattern it matches. Default: Angular's
   * `main-<hash>.js`, Vite's `assets/index-<hash>.js`, or the build's only top-level `.js` file.
   */
  readonly entry?: string | RegExp;
}

/** The entry conventions tried in order when the layout names none. */
const ENTRY_CONVENTIONS = [/^main-[A-Za-z0-9_-]+\.js$/, /^assets\/index-[A-Za-z0-9_-]+\.js$/];

function findEntry(files: readonly string[], wanted: string | RegExp | undefined): string | undefined {
  if (typeof wanted === 'string') return files.includes(wanted) ? wanted : undefined;
  if (wanted !== undefined) {
    const matches = files.filter((file) => wanted.test(file));
    return matches.length === 1 ? matches[0] : undefined;
  }
  for (const convention of ENTRY_CONVENTIONS) {
    const matches = files.filter((file) => convention.test(file));
    if (matches.length === 1) return matches[0];
  }
  const topLevel = files.filter((file) => !file.includes('/') && file.endsWith('.js'));
  return topLevel.length === 1 ? topLevel[0] : undefined;
}

/**
 * Writes `atrium-manifest.json` into the build folder after a build: what publishing needs to
 * turn the build into a registry entry without rebuilding anything. The version names the exact
 * content (package version + hash of every file): same files, same version; any change, a new one.
 */
export async function writeBuildManifest(
  appRoot: URL,
  app: ManifestIdentity,
  layout: BuildLayout = {},
): Promise<BuildManifest> {
  const outDir = layout.outDir ?? 'dist/browser/';
  const dist = new URL(outDir.endsWith('/') ? outDir : `${outDir}/`, appRoot);
  const pkg = JSON.parse(await readFile(new URL('package.json', appRoot), 'utf8')) as { version: string };
  const files = (await readdir(dist, { recursive: true, withFileTypes: true }))
    .filter(
      (entry) =>
        entry.isFile() &&
        entry.name !== 'atrium-manifest.json' &&
        // Precompressed siblings are the host's business: it writes its own on publish.
        !entry.name.endsWith('.br') &&
        !entry.name.endsWith('.gz'),
    )
    .map((entry) => relative(fileURLToPath(dist), join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
  const entry = findEntry(files, layout.entry);
  if (!entry)
    throw new Error(
      `No entry module in ${dist.pathname} (${layout.entry === undefined ? 'main-*.js, assets/index-*.js or a single .js file' : String(layout.entry)}): build first, or name it with the entry option.`,
    );

  const hash = createHash('sha256');
  for (const file of files) hash.update(file).update(await readFile(new URL(file, dist)));

  const manifest: BuildManifest = {
    name: app.name,
    title: app.title,
    route: app.route,
    element: app.element,
    version: `${pkg.version}+${hash.digest('hex').slice(0, 10)}`,
    entry,
    styles: files.filter((file) => file.endsWith('.css')),
    files,
    roles: app.roles ?? [],
    ...(app.titles === undefined ? {} : { titles: app.titles }),
    ...(app.order === undefined ? {} : { order: app.order }),
    ...(app.group === undefined ? {} : { group: app.group }),
    ...(app.icon === undefined ? {} : { icon: app.icon }),
    ...(app.api === undefined ? {} : { api: app.api }),
  };
  await writeFile(new URL('atrium-manifest.json', dist), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
