// `npm run pack -w @atrium/contracts`: a tarball a team outside this repository can install. Inside
// the repository the package is its TypeScript source (nothing is built); outside, it is compiled
// JavaScript with .d.ts, so the staged package.json points its exports there.
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
// Staged outside the work tree: nothing is left in the repository, even by a failed run.
const stage = await mkdtemp(join(tmpdir(), 'atrium-contracts-pack-'));
// `-- --into <folder>` or, by default, where npm was started.
const into = process.argv.indexOf('--into');
const destination =
  into > 0 && process.argv[into + 1] ? process.argv[into + 1]! : (process.env['INIT_CWD'] ?? process.cwd());
const tsc = fileURLToPath(new URL('../../../node_modules/typescript/bin/tsc', import.meta.url));

execFileSync(
  process.execPath,
  [tsc, '-p', join(root, 'tsconfig.pack.json'), '--outDir', join(stage, 'dist')],
  {
    stdio: 'inherit',
  },
);
await cp(join(root, 'README.md'), join(stage, 'README.md'));
const source = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
const entry = (name: string) => ({ types: `./dist/${name}.d.ts`, default: `./dist/${name}.js` });
const { private: _private, scripts: _scripts, devDependencies: _dev, ...published } = source;
await writeFile(
  join(stage, 'package.json'),
  `${JSON.stringify(
    {
      ...published,
      exports: { '.': entry('index'), './write-build-manifest': entry('write-build-manifest') },
      types: './dist/index.d.ts',
      files: ['dist', 'README.md'],
      engines: { node: '>=20' },
    },
    null,
    2,
  )}\n`,
);
const tarball = execFileSync('npm', ['pack', stage, '--pack-destination', destination], { encoding: 'utf8' })
  .trim()
  .split('\n')
  .at(-1);
await rm(stage, { recursive: true, force: true });
console.log(join(destination, tarball ?? ''));
