import { resolve } from 'node:path';
import { callerDirectory, loadConfig } from './config.ts';
import { HostError } from './errors.ts';
import { MfeStore, readManifest } from './mfe-store.ts';

const USAGE = `Usage:
  npm run publish:mfe -- <name> <build folder>   publish a build as a new immutable version and switch to it
  npm run rollback:mfe -- <name>                 switch back to the previous version
  npm run retire:mfe -- <name>                   take a micro-frontend out of the registry (its files stay)
  node services/host/src/cli.ts list [name]      show live versions (or one micro-frontend's history)
  node services/host/src/cli.ts audit [name]     show who changed what, when, from which version to which
The store is <ATRIUM_DATA_DIR>/host (default ./.atrium/host). Nothing is built.
A relative build folder is taken from where npm was started (INIT_CWD), else the current folder.`;

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...args] = argv;
  const store = new MfeStore(loadConfig(process.env).dataDir);
  if (command === 'publish' && args.length === 2) {
    const [name = '', given = ''] = args;
    const dir = resolve(callerDirectory(process.env), given);
    const manifest = await readManifest(dir);
    if (manifest.name !== name) {
      console.error(`The build in ${dir} is "${manifest.name}", not "${name}".`);
      return 2;
    }
    const result = await store.publish(dir);
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
  if (command === 'retire' && args.length === 1) {
    const result = await store.retire(args[0] ?? '');
    console.log(`${result.name}: ${result.previous} -> (retired)`);
    return 0;
  }
  if (command === 'list' && args.length <= 1) {
    const rows = args[0] === undefined ? await store.current() : await store.history(args[0]);
    for (const v of rows) console.log(`${v.name}\t${v.version}\t${v.publishedAt}\t${v.route}\t${v.entry}`);
    return 0;
  }
  if (command === 'audit' && args.length <= 1) {
    for (const r of await store.audit(args[0]))
      console.log(`${r.at}\t${r.actor}\t${r.action}\t${r.name}\t${r.from ?? '-'} -> ${r.to ?? '-'}`);
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
