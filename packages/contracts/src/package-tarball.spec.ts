import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repo = new URL('../../../', import.meta.url).pathname;

test('npm run pack builds a tarball that a project outside the repository installs, imports and type-checks', async () => {
  const outside = await mkdtemp(join(tmpdir(), 'atrium-contracts-consumer-'));
  try {
    // npm sets INIT_CWD itself: the destination is given explicitly, so nothing lands in the repository.
    const packed = await run(
      'npm',
      ['run', '--silent', 'pack', '-w', '@atrium/contracts', '--', '--into', outside],
      {
        cwd: repo,
      },
    );
    const tarball = packed.stdout.trim().split('\n').at(-1) ?? '';
    assert.equal(tarball, join(outside, 'atrium-contracts-0.1.0.tgz'));
    await writeFile(
      join(outside, 'package.json'),
      JSON.stringify({ name: 'reports', type: 'module', private: true }),
    );
    await run('npm', ['install', '--no-audit', '--no-fund', '--offline', tarball], { cwd: outside });
    // Plain JavaScript at run time…
    await writeFile(
      join(outside, 'check.mjs'),
      `import { registryProblems, ELEMENT_EVENTS } from '@atrium/contracts';
console.log(ELEMENT_EVENTS.renderError, registryProblems(null).join());`,
    );
    const ran = await run(process.execPath, ['check.mjs'], { cwd: outside });
    assert.equal(ran.stdout.trim(), 'atrium:render-error registry: not an object');
    // …and its types for a TypeScript project.
    await writeFile(
      join(outside, 'element.ts'),
      `import type { ElementContext, RenderErrorDetail } from '@atrium/contracts';
export function greet(context: ElementContext): string { return context.tenant.name + context.api['accounts']; }
export const detail: RenderErrorDetail = { message: 'x' };
// @ts-expect-error a context has no such field: the types are real, not any.
export const wrong = (context: ElementContext): string => context.nope;`,
    );
    await writeFile(
      join(outside, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          strict: true,
          noEmit: true,
          lib: ['es2022', 'dom'],
          types: [],
        },
        files: ['element.ts'],
      }),
    );
    await run(process.execPath, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', outside], {
      cwd: outside,
    });
  } finally {
    await rm(outside, { recursive: true, force: true });
  }
});
