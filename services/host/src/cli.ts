import { resolve } from 'node:path';
import { loadConfig } from './config.ts';
import { HostError } from './errors.ts';
import { MfeStore, readManifest } from './mfe-store.ts';

const USAGE = `Usage:
  npm run publish:mfe -- <name> <build folder>   publish a build as a new immutable version and switch to it
  npm run rollback:mfe -- <name>                 switch back to the previous version
  node services/host/src/cli.ts list [name]      show live versions (or one micro-frontend's history)
The store is <ATRIUM_DATA_DIR>/host (default ./.atrium/host). Nothing is built.`;

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...args] = argv;
  const store = new MfeStore(loadConfig(process.env).dataDir);
  if (command === 'publish' && args.length === 2) {
    const [name = '', dir = ''] = args;
    const manifest = await readManifest(resolve(dir));
    if (manifest.name !== name) {
      console.error(`The build in ${dir} is "${manifest.name}", not "${name}".`);
      return 2;
    }
    const result = await store.publish(resolve(dir));
    console.log(
      result.previous === result.version
        ? `${name} ${result.version} is already live`
        : `${name}: ${result.previous ?? '(none)'} -> ${result.version}`,
    );
    return 0;
  }
  if (command === 'rollback' && args.length === 1) {
    const result = await store.rollback(args[0] ?? '');
    console.log(`${result.name}: ${result.previous} -> ${result.version} (rolled back)`);
    return 0;
  }
  if (command === 'list' && args.length <= 1) {
    const rows = args[0] === undefined ? await store.current() : await store.history(args[0]);
    for (const v of rows) console.log(`${v.name}\t${v.version}\t${v.publishedAt}\t${v.route}\t${v.entry}`);
    return 0;
  }
  console.error(USAGE);
  return 2;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(error instanceof HostError ? `${error.code}: ${error.message}` : error);
  process.exitCode = 1;
}
