import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeTempDir } from '@atrium/test-kit';
import { MfeStore } from '@atrium/host/store';

const run = promisify(execFile);
const repo = new URL('../', import.meta.url).pathname;
const bin = (name: string): string => join(repo, 'node_modules', '.bin', name);

test('npm run new:mfe scaffolds an element workspace that builds, passes its test and publishes as is', async () => {
  // Below the repository (.atrium is ignored by git), so the scaffold resolves the root's packages.
  const parent = join(repo, '.atrium', `new-mfe-spec-${process.pid}-${Date.now()}`);
  const data = await makeTempDir('new-mfe-data');
  try {
    const created = await run(
      process.execPath,
      [join(repo, 'scripts/new-mfe.ts'), 'sales-report', '--title', 'Sales report', '--into', parent],
      { cwd: repo },
    );
    assert.match(created.stdout, /<team-sales-report> at \/sales-report/);
    const app = join(parent, 'sales-report');
    const env = {
      ...process.env,
      PATH: `${join(repo, 'node_modules', '.bin')}:${process.env['PATH'] ?? ''}`,
    };
    await run(process.execPath, [bin('vite'), 'build', '--logLevel', 'error'], { cwd: app, env });
    const written = await run(process.execPath, ['scripts/write-manifest.ts'], { cwd: app, env });
    assert.match(written.stdout, /sales-report: 0\.1\.0\+\w+, entry sales-report-[\w-]+\.js/);
    const tested = await run(process.execPath, [bin('vitest'), 'run'], { cwd: app, env });
    assert.match(tested.stdout, /1 passed/);
    const manifest = JSON.parse(await readFile(join(app, 'dist/browser/atrium-manifest.json'), 'utf8')) as {
      element: string;
    };
    assert.equal(manifest.element, 'team-sales-report');
    const store = new MfeStore(data);
    const published = await store.publish(join(app, 'dist/browser'));
    const [entry] = (await store.registry()).microFrontends;
    assert.equal(entry?.route, '/sales-report');
    assert.equal(entry?.title, 'Sales report');
    assert.match(
      entry?.entry ?? '',
      new RegExp(`/mfe/sales-report/${encodeURIComponent(published.version)}/sales-report-`),
    );
    // A second run never overwrites.
    await assert.rejects(
      run(process.execPath, [join(repo, 'scripts/new-mfe.ts'), 'sales-report', '--into', parent], {
        cwd: repo,
      }),
      (e: { code: number; stderr: string }) => e.code === 1 && /exists already/.test(e.stderr),
    );
  } finally {
    await rm(parent, { recursive: true, force: true });
    await rm(data, { recursive: true, force: true });
  }
});
