import { resolve } from 'node:path';
import { callerDirectory, loadConfig, loadPublishTarget } from './config.ts';
import { HostError } from './errors.ts';
import { MfeStore, openMfeStore, readManifest, type RetireResult, type SwitchResult } from './mfe-store.ts';
import { PublishClient } from './publish-client.ts';

const USAGE = `Usage:
  npm run publish:mfe -- <name> <build folder>   publish a build as a new immutable version and switch to it
  npm run rollback:mfe -- <name>                 switch back to the previous version
  npm run retire:mfe -- <name>                   take a micro-frontend out of the registry (its files stay)
  node services/host/src/cli.ts switch <name> <version>   switch to a version published before
  node services/host/src/cli.ts list [name]      show live versions (or one micro-frontend's history)
  node services/host/src/cli.ts audit [name]     show who changed what, when, from which version to which
  node services/host/src/cli.ts import <data folder>   copy a host's folder store (<folder>/host) into this
                                                 host's store (HOST_STORE=postgres: the shared one); names
                                                 already there are left as they are
With ATRIUM_HOST_URL the changes go through that host's publish API, authorised by
ATRIUM_PUBLISH_TOKEN or the client-credentials client ATRIUM_CLIENT_ID / ATRIUM_CLIENT_SECRET.
Without it they are made in the host's store: <ATRIUM_DATA_DIR>/host (default ./.atrium/host), or
with HOST_STORE=postgres the shared database at HOST_DATABASE_URL (every host sees the change).
Nothing is built. A relative build folder is taken from where npm was started (INIT_CWD).`;

/** The same four changes, made through a host's API or in the local store. */
interface Registrar {
  publish(name: string, dir: string): Promise<SwitchResult>;
  rollback(name: string): Promise<SwitchResult>;
  switchTo(name: string, version: string): Promise<SwitchResult>;
  retire(name: string): Promise<RetireResult>;
}

function localRegistrar(store: MfeStore): Registrar {
  return {
    async publish(name, dir) {
      const manifest = await readManifest(dir);
      if (manifest.name !== name)
        throw new HostError('name_mismatch', `The build in ${dir} is "${manifest.name}".`);
      return store.publish(dir);
    },
    rollback: (name) => store.rollback(name),
    switchTo: (name, version) => store.switchTo(name, version),
    retire: (name) => store.retire(name),
  };
}

async function main(
  argv: readonly string[],
  store: MfeStore,
  remote: PublishClient | undefined,
): Promise<number> {
  const [command, ...args] = argv;
  const registrar: Registrar = remote ?? localRegistrar(store);
  const [name = '', second = ''] = args;
  if (command === 'publish' && args.length === 2) {
    const result = await registrar.publish(name, resolve(callerDirectory(process.env), second));
    console.log(
      result.previous === result.version
        ? `${name} ${result.version} is already live`
        : `${name}: ${result.previous ?? '(none)'} -> ${result.version}`,
    );
    return 0;
  }
  if (command === 'rollback' && args.length === 1) {
    const result = await registrar.rollback(name);
    console.log(`${result.name}: ${result.previous} -> ${result.version} (rolled back)`);
    return 0;
  }
  if (command === 'switch' && args.length === 2) {
    const result = await registrar.switchTo(name, second);
    console.log(`${result.name}: ${result.previous ?? '(none)'} -> ${result.version}`);
    return 0;
  }
  if (command === 'retire' && args.length === 1) {
    const result = await registrar.retire(name);
    console.log(`${result.name}: ${result.previous} -> (retired)`);
    return 0;
  }
  if (command === 'import' && args.length === 1) {
    if (remote !== undefined)
      throw new HostError('bad_upload', 'import writes the configured store itself: unset ATRIUM_HOST_URL.');
    const source = new MfeStore(resolve(callerDirectory(process.env), name));
    const { imported, present } = await store.importFrom(source);
    for (const result of imported) console.log(`${result.name}: imported, live ${result.version}`);
    for (const kept of present) console.log(`${kept}: already in the store, left as it is`);
    if (imported.length + present.length === 0) console.log('nothing to import');
    return 0;
  }
  if (command === 'list' && args.length <= 1) {
    if (remote !== undefined && args[0] !== undefined) {
      const info = await remote.info(args[0]);
      for (const v of info.versions)
        console.log(
          `${info.name}\t${v.version}\t${v.publishedAt}\t${v.publishedBy ?? '-'}${v.version === info.live ? '\tlive' : ''}`,
        );
      return 0;
    }
    const rows = args[0] === undefined ? await store.current() : await store.history(args[0]);
    for (const v of rows) console.log(`${v.name}\t${v.version}\t${v.publishedAt}\t${v.route}\t${v.entry}`);
    return 0;
  }
  if (command === 'audit' && args.length <= 1) {
    const records =
      remote !== undefined && args[0] !== undefined
        ? (await remote.info(args[0])).audit
        : await store.audit(args[0]);
    for (const r of records)
      console.log(`${r.at}\t${r.actor}\t${r.action}\t${r.name}\t${r.from ?? '-'} -> ${r.to ?? '-'}`);
    return 0;
  }
  console.error(USAGE);
  return 2;
}

let store: MfeStore | undefined;
try {
  const target = loadPublishTarget(process.env);
  const remote = target.kind === 'remote' ? new PublishClient(target.hostUrl, target.tokens) : undefined;
  const config = loadConfig(process.env);
  // A change through the API opens no database: only `list`/`audit` without a name read a local
  // store then, the data folder's as before.
  store = await openMfeStore(remote === undefined ? config.store : { kind: 'files' }, config.dataDir);
  process.exitCode = await main(process.argv.slice(2), store, remote);
} catch (error) {
  console.error(error instanceof HostError ? `${error.code}: ${error.message}` : error);
  // 2 as for a usage error: the command named one micro-frontend and the build is another.
  process.exitCode = error instanceof HostError && error.code === 'name_mismatch' ? 2 : 1;
} finally {
  // A database pool would keep the process alive.
  await store?.close();
}
