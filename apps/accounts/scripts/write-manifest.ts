// Writes dist/browser/atrium-manifest.json (contracts' BuildManifest) after `ng build`:
// what publishing needs to turn this build into a registry entry, without rebuilding anything.
import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildManifest } from '@atrium/contracts';

const app = { name: 'accounts', title: 'Accounts', route: '/accounts', element: 'atrium-accounts' };

const root = new URL('../', import.meta.url);
const dist = new URL('dist/browser/', root);
const pkg = JSON.parse(await readFile(new URL('package.json', root), 'utf8')) as { version: string };

const files = (await readdir(dist, { recursive: true, withFileTypes: true }))
  .filter((entry) => entry.isFile() && entry.name !== 'atrium-manifest.json')
  .map((entry) => relative(fileURLToPath(dist), join(entry.parentPath, entry.name)).split(sep).join('/'))
  .sort();
const entry = files.find((file) => /^main-[A-Z0-9]+\.js$/.test(file));
if (!entry) throw new Error(`No content-hashed main-*.js in ${dist.pathname}: run ng build first.`);

// The version names the exact content: same files, same version; any change, a new one.
const hash = createHash('sha256');
for (const file of files) hash.update(file).update(await readFile(new URL(file, dist)));

const manifest: BuildManifest = {
  ...app,
  version: `${pkg.version}+${hash.digest('hex').slice(0, 10)}`,
  entry,
  styles: files.filter((file) => file.endsWith('.css')),
  files,
  roles: [],
};
await writeFile(new URL('atrium-manifest.json', dist), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`${app.name}: ${manifest.version}, entry ${entry}, ${files.length} files`);
