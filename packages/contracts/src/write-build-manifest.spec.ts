import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeBuildManifest } from './write-build-manifest.ts';

/** An app folder with a package.json and the given build output under `outDir`. */
async function withApp(
  outDir: string,
  files: Record<string, string>,
  fn: (appRoot: URL, root: string) => Promise<void>,
): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'atrium-manifest-'));
  try {
    await writeFile(join(root, 'package.json'), JSON.stringify({ name: 'x', version: '1.2.3' }));
    for (const [file, content] of Object.entries(files)) {
      await mkdir(dirname(join(root, outDir, file)), { recursive: true });
      await writeFile(join(root, outDir, file), content);
    }
    await fn(pathToFileURL(`${root}/`), root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const identity = { name: 'reports', title: 'Reports', route: '/reports', element: 'team-reports' };

test('an Angular build: the entry is main-<hash>.js under dist/browser', () =>
  withApp(
    'dist/browser',
    { 'main-AB12CD34.js': 'x', 'chunk-ZZ.js': 'y', 'styles-Q1.css': 'z' },
    async (app) => {
      const manifest = await writeBuildManifest(app, identity);
      assert.equal(manifest.entry, 'main-AB12CD34.js');
      assert.deepEqual(manifest.styles, ['styles-Q1.css']);
      assert.match(manifest.version, /^1\.2\.3\+[0-9a-f]{10}$/);
    },
  ));

test('a Vite (Lit) build: the entry is assets/index-<hash>.js, whatever the output folder', () =>
  withApp(
    'dist',
    { 'index.html': '<!doctype html>', 'assets/index-Bx_9-kLm.js': 'x', 'assets/index-Cc.css': 'c' },
    async (app, root) => {
      const manifest = await writeBuildManifest(
        app,
        { ...identity, order: 40, group: 'Finance' },
        { outDir: 'dist' },
      );
      assert.equal(manifest.entry, 'assets/index-Bx_9-kLm.js');
      assert.equal(manifest.order, 40);
      assert.equal(manifest.group, 'Finance');
      const written = JSON.parse(await readFile(join(root, 'dist', 'atrium-manifest.json'), 'utf8')) as {
        entry: string;
      };
      assert.equal(written.entry, 'assets/index-Bx_9-kLm.js');
    },
  ));

test('a plain build: its only top-level script is the entry; precompressed siblings are not listed', () =>
  withApp(
    'dist/browser',
    { 'reports-element.js': 'x', 'reports-element.js.br': 'b', 'icon.svg': '<svg/>' },
    async (app) => {
      const manifest = await writeBuildManifest(app, { ...identity, icon: 'icon.svg' });
      assert.equal(manifest.entry, 'reports-element.js');
      assert.deepEqual(manifest.files, ['icon.svg', 'reports-element.js']);
    },
  ));

test('an entry named in the layout wins; an ambiguous build names the option in its error', () =>
  withApp('dist/browser', { 'a.js': 'x', 'b.js': 'y' }, async (app) => {
    await assert.rejects(writeBuildManifest(app, identity), /entry option/);
    assert.equal((await writeBuildManifest(app, identity, { entry: 'b.js' })).entry, 'b.js');
    assert.equal((await writeBuildManifest(app, identity, { entry: /^a\.js$/ })).entry, 'a.js');
  }));
