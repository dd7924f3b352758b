// Node only (build time): exported as `@atrium/contracts/write-build-manifest`, never from the
// package's browser entry point.
import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildManifest } from './registry.ts';

/** What a micro-frontend says about itself; the rest of the manifest is read off its build. */
export type ManifestIdentity = Pick<BuildManifest, 'name' | 'title' | 'route' | 'element'> & {
  readonly roles?: readonly string[];
};

/**
 * Writes `<appRoot>/dist/browser/atrium-manifest.json` after a build: what publishing needs to
 * turn the build into a registry entry without rebuilding anything. The version names the exact
 * content (package version + hash of every file): same files, same version; any change, a new one.
 */
export async function writeBuildManifest(appRoot: URL, app: ManifestIdentity): Promise<BuildManifest> {
  const dist = new URL('dist/browser/', appRoot);
  const pkg = JSON.parse(await readFile(new URL('package.json', appRoot), 'utf8')) as { version: string };
  const files = (await readdir(dist, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile() && entry.name !== 'atrium-manifest.json')
    .map((entry) => relative(fileURLToPath(dist), join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
  const entry = files.find((file) => /^main-[A-Z0-9]+\.js$/.test(file));
  if (!entry) throw new Error(`No content-hashed main-*.js in ${dist.pathname}: run ng build first.`);

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
  };
  await writeFile(new URL('atrium-manifest.json', dist), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
