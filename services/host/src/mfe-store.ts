import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join, normalize, isAbsolute, sep } from 'node:path';
import {
  presentationProblems,
  RESERVED_ROUTES,
  type BuildManifest,
  type Registry,
  type RegistryEntry,
} from '@atrium/contracts';
import { isDatabaseUnavailable, openDatabase, openMigrationDatabase } from '@atrium/postgres';
import { HostError } from './errors.ts';
import { MfeFileStorage } from './mfe-file-storage.ts';
import { MfePostgresStorage, type MfePostgresStorageOptions } from './mfe-postgres-storage.ts';
import type { AuditRecord, MfeStorage, PublishedVersion, RegistryState, StateChange } from './mfe-storage.ts';
import type { Representation } from './static-files.ts';

export type { AuditRecord, MfeStorage, PublishedVersion, RegistryAction } from './mfe-storage.ts';

/** The manifest file name a micro-frontend build writes beside its files. */
export const MANIFEST_FILE = 'atrium-manifest.json';

const NAME = /^[a-z][a-z0-9-]{0,39}$/;
const BUILD_VERSION = /^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$/;

/** Where a micro-frontend is served from, per name: '' (same origin) or an origin like `http://localhost:8104`. */
export type MfeOrigins = Readonly<Record<string, string>>;

/** Result of a publish or rollback: the version now live and the one it replaced. */
export interface SwitchResult {
  readonly name: string;
  readonly version: string;
  readonly previous: string | undefined;
}

/** Result of a retire: the version that was live until then. */
export interface RetireResult {
  readonly name: string;
  readonly previous: string;
}

/** A build to publish: its manifest and the bytes of every file the manifest lists. */
export interface BuildUpload {
  readonly manifest: BuildManifest;
  readonly contents: ReadonlyMap<string, Buffer>;
}

/** Who asks for a change; recorded in the audit log and on the version. */
export interface ChangeOptions {
  readonly actor: string;
}

/** The SRI hash (sha384) the registry gives the browser for these bytes. */
function sri(content: Buffer): string {
  return `sha384-${createHash('sha384').update(content).digest('base64')}`;
}

/** A change made on this machine without a token (the operator's shell on the data folder). */
function localChange(): ChangeOptions {
  return { actor: `local:${userInfo().username}` };
}

/**
 * The host's store of published micro-frontends: the registry's rules (claims, content-hashed
 * version ids, history, rollback, retire) over a storage that keeps the files, the state and the
 * audit log — a data folder (`new MfeStore(dataDir)`, the embedded default) or a PostgreSQL
 * database shared by every host (`openMfeStore`, ADR 0407).
 */
export class MfeStore {
  readonly storage: MfeStorage;

  constructor(storage: string | MfeStorage) {
    this.storage = typeof storage === 'string' ? new MfeFileStorage(storage) : storage;
  }

  #state(): Promise<RegistryState> {
    return this.storage.state();
  }

  #update(change: StateChange): Promise<void> {
    return this.storage.update(change);
  }

  /** The audit log, oldest first; only one micro-frontend's records when `name` is given. */
  audit(name?: string): Promise<AuditRecord[]> {
    return this.storage.audit(name);
  }

  /** A published file, `<name>/<version>/<path>` as under `/mfe/` in a URL. */
  file(urlPath: string, acceptEncoding: string | undefined): Promise<Representation | undefined> {
    return this.storage.file(urlPath, acceptEncoding);
  }

  /** Reads the storage now, not at its next refresh (shared storage; see {@link MfeStorage.refresh}). */
  refresh(): Promise<void> {
    return this.storage.refresh();
  }

  /** Resolves when the storage itself answers (readiness). */
  check(): Promise<void> {
    return this.storage.check();
  }

  close(): Promise<void> {
    return this.storage.close();
  }

  /** The live version of every micro-frontend. */
  async current(): Promise<PublishedVersion[]> {
    const state = await this.#state();
    return Object.values(state.microFrontends)
      .map((entry) => entry.history.at(-1))
      .filter((version): version is PublishedVersion => version !== undefined)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Every version a micro-frontend was switched to, oldest first (the last one is live). */
  async history(name: string): Promise<readonly PublishedVersion[]> {
    return (await this.#state()).microFrontends[name]?.history ?? [];
  }

  /** The registry document, with entry URLs on each micro-frontend's configured origin. */
  async registry(origins: MfeOrigins = {}): Promise<Registry> {
    const microFrontends: RegistryEntry[] = (await this.current()).map((v) => {
      const base = `${origins[v.name] ?? ''}/mfe/${v.name}/${encodeURIComponent(v.version)}/`;
      return {
        name: v.name,
        title: v.title,
        route: v.route,
        element: v.element,
        entry: base + v.entry,
        styles: v.styles.map((s) => ({ url: base + s.file, integrity: s.integrity })),
        integrity: v.integrity,
        version: v.version,
        roles: v.roles,
        ...(v.titles === undefined ? {} : { titles: v.titles }),
        ...(v.order === undefined ? {} : { order: v.order }),
        ...(v.group === undefined ? {} : { group: v.group }),
        ...(v.icon === undefined ? {} : { icon: base + v.icon }),
        ...(v.api === undefined ? {} : { api: v.api }),
      };
    });
    return { schemaVersion: 1, microFrontends };
  }

  /**
   * Publishes the build in `buildDir` (its `atrium-manifest.json` and the files it lists) as a new
   * immutable version and switches the registry entry to it. Nothing is built here.
   */
  async publish(buildDir: string, options: ChangeOptions = localChange()): Promise<SwitchResult> {
    return this.publishUpload(await readBuild(buildDir), options);
  }

  /**
   * Publishes an uploaded build (see {@link publish}). A route or element tag of another
   * micro-frontend, or a route of the shell, is refused before anything is written.
   */
  async publishUpload(upload: BuildUpload, options: ChangeOptions = localChange()): Promise<SwitchResult> {
    const { manifest, contents } = upload;
    assertClaimsFree(await this.#state(), manifest);
    const tree = createHash('sha256');
    for (const file of [...contents.keys()].sort()) {
      const content = contents.get(file) ?? Buffer.alloc(0);
      tree.update(`${file}\0${createHash('sha256').update(content).digest('hex')}\n`);
    }
    // The build's own metadata (after '+') gives way to the store's content hash, which names the bytes.
    const version = `${manifest.version.split('+')[0]}+${tree.digest('hex').slice(0, 12)}`;
    // Every file is stored before any state names the version: a host that reads the new state
    // can serve all of it.
    await this.storage.writeVersion(manifest.name, version, contents);
    const integrity = (file: string): string => sri(contents.get(file) ?? Buffer.alloc(0));
    const record: PublishedVersion = {
      name: manifest.name,
      title: manifest.title,
      route: manifest.route,
      element: manifest.element,
      version,
      entry: manifest.entry,
      integrity: integrity(manifest.entry),
      styles: manifest.styles.map((file) => ({ file, integrity: integrity(file) })),
      roles: manifest.roles,
      ...(manifest.titles === undefined ? {} : { titles: manifest.titles }),
      ...(manifest.order === undefined ? {} : { order: manifest.order }),
      ...(manifest.group === undefined ? {} : { group: manifest.group }),
      ...(manifest.icon === undefined ? {} : { icon: manifest.icon }),
      ...(manifest.api === undefined ? {} : { api: manifest.api }),
      publishedAt: new Date().toISOString(),
      publishedBy: options.actor,
    };
    let previous: string | undefined;
    await this.#update((state) => {
      // Checked again under the lock: another publisher may have claimed the route meanwhile.
      assertClaimsFree(state, manifest);
      const known = state.microFrontends[manifest.name];
      const history = known?.history ?? [];
      const versions = known?.versions ?? history;
      previous = history.at(-1)?.version;
      if (previous === version) return undefined;
      return {
        state: {
          ...state,
          microFrontends: {
            ...state.microFrontends,
            [manifest.name]: {
              history: [...history, record],
              versions: [...versions.filter((v) => v.version !== version), record],
            },
          },
        },
        audit: {
          actor: options.actor,
          action: 'publish',
          name: manifest.name,
          from: previous ?? null,
          to: version,
        },
      };
    });
    return { name: manifest.name, version, previous };
  }

  /** Switches a micro-frontend back to the version it had before the live one. */
  async rollback(name: string, options: ChangeOptions = localChange()): Promise<SwitchResult> {
    let result: SwitchResult | undefined;
    await this.#update((state) => {
      const history = state.microFrontends[name]?.history;
      if (history === undefined || history.length === 0) throw new HostError('unknown_micro_frontend', name);
      const live = history.at(-1);
      const back = history.at(-2);
      if (live === undefined || back === undefined)
        throw new HostError('nothing_to_roll_back', `${name} has one version: retire it instead.`);
      result = { name, version: back.version, previous: live.version };
      return {
        state: {
          ...state,
          microFrontends: {
            ...state.microFrontends,
            [name]: {
              history: history.slice(0, -1),
              versions: state.microFrontends[name]?.versions ?? history,
            },
          },
        },
        audit: { actor: options.actor, action: 'rollback', name, from: live.version, to: back.version },
      };
    });
    if (result === undefined) throw new HostError('unknown_micro_frontend', name);
    return result;
  }

  /** Every version of a micro-frontend that was ever published (and not retired since), oldest first. */
  async versions(name: string): Promise<readonly PublishedVersion[]> {
    const entry = (await this.#state()).microFrontends[name];
    return entry?.versions ?? entry?.history ?? [];
  }

  /** Switches a micro-frontend to one of its published versions (e.g. one rolled back before). */
  async switchTo(
    name: string,
    version: string,
    options: ChangeOptions = localChange(),
  ): Promise<SwitchResult> {
    let result: SwitchResult | undefined;
    await this.#update((state) => {
      const entry = state.microFrontends[name];
      if (entry === undefined || entry.history.length === 0)
        throw new HostError('unknown_micro_frontend', name);
      const target = (entry.versions ?? entry.history).find((v) => v.version === version);
      if (target === undefined) throw new HostError('unknown_version', `${name} has no version ${version}.`);
      const live = entry.history.at(-1)?.version;
      result = { name, version, previous: live };
      if (live === version) return undefined;
      assertClaimsFree(state, target);
      return {
        state: {
          ...state,
          microFrontends: {
            ...state.microFrontends,
            [name]: { history: [...entry.history, target], versions: entry.versions ?? entry.history },
          },
        },
        audit: { actor: options.actor, action: 'switch', name, from: live ?? null, to: version },
      };
    });
    if (result === undefined) throw new HostError('unknown_micro_frontend', name);
    return result;
  }

  /**
   * Takes a micro-frontend out of the registry (navigation and route disappear on the next
   * registry read). Its version folders stay: pages still open keep loading their chunks. Its
   * route and tag become free; publishing it again starts a new history.
   */
  async retire(name: string, options: ChangeOptions = localChange()): Promise<RetireResult> {
    let result: RetireResult | undefined;
    await this.#update((state) => {
      const live = state.microFrontends[name]?.history.at(-1);
      if (live === undefined) throw new HostError('unknown_micro_frontend', name);
      result = { name, previous: live.version };
      const { [name]: _retired, ...rest } = state.microFrontends;
      return {
        state: { ...state, microFrontends: rest },
        audit: { actor: options.actor, action: 'retire', name, from: live.version, to: null },
      };
    });
    if (result === undefined) throw new HostError('unknown_micro_frontend', name);
    return result;
  }

  /**
   * Copies into this store every micro-frontend of `source` it has no entry for (a host's data
   * folder moving into the shared store): the files of each of its versions first, then its history
   * and versions in one change, audited as a publish of its live version. A name this store has is
   * left as it is; a route or tag another micro-frontend holds here, or files that do not match
   * the integrity recorded for them, refuse that name before its entry is written.
   */
  async importFrom(
    source: MfeStore,
    options: ChangeOptions = localChange(),
  ): Promise<{ imported: SwitchResult[]; present: string[] }> {
    await this.refresh();
    const imported: SwitchResult[] = [];
    const present: string[] = [];
    const entries = Object.entries((await source.#state()).microFrontends).sort(([a], [b]) =>
      a.localeCompare(b),
    );
    for (const [name, entry] of entries) {
      const live = entry.history.at(-1);
      if (live === undefined) continue;
      if ((await this.#state()).microFrontends[name] !== undefined) {
        present.push(name);
        continue;
      }
      assertClaimsFree(await this.#state(), live);
      const versions = [...(entry.versions ?? []), ...entry.history].filter(
        (v, i, all) => all.findIndex((w) => w.version === v.version) === i,
      );
      for (const version of versions) {
        const files = await source.storage.readVersion(name, version.version);
        const entryFile = files?.get(version.entry);
        if (files === undefined || entryFile === undefined)
          throw new HostError('missing_build_file', `${name} ${version.version}: not in the source store`);
        if (sri(entryFile) !== version.integrity)
          throw new HostError(
            'bad_upload',
            `${name} ${version.version}: its entry does not match its integrity`,
          );
        await this.storage.writeVersion(name, version.version, files);
      }
      let added = false;
      await this.#update((state) => {
        // Another importer or publisher may have been quicker: its entry stays.
        if (state.microFrontends[name] !== undefined) return undefined;
        assertClaimsFree(state, live);
        added = true;
        return {
          state: {
            ...state,
            microFrontends: { ...state.microFrontends, [name]: { history: entry.history, versions } },
          },
          audit: { actor: options.actor, action: 'publish', name, from: null, to: live.version },
        };
      });
      if (added) imported.push({ name, version: live.version, previous: undefined });
      else present.push(name);
    }
    return { imported, present };
  }

  /**
   * Publishes each build whose micro-frontend has no registry entry yet (first start of the
   * embedded server); builds that are missing are skipped and reported.
   */
  async ensurePublished(
    buildDirs: readonly string[],
  ): Promise<{ published: SwitchResult[]; skipped: string[] }> {
    const live = new Set((await this.current()).map((v) => v.name));
    const published: SwitchResult[] = [];
    const skipped: string[] = [];
    for (const dir of buildDirs) {
      const manifest = await readManifest(dir).catch(() => undefined);
      if (manifest === undefined) skipped.push(dir);
      else if (!live.has(manifest.name)) published.push(await this.publish(dir, { actor: 'first-start' }));
    }
    return { published, skipped };
  }
}

/**
 * Where a host keeps its store: its data folder (one host, the embedded default) or a PostgreSQL
 * server every host of a cluster shares (`HOST_STORE=postgres`, ADR 0407).
 */
export type MfeStoreTarget =
  | { readonly kind: 'files' }
  | {
      readonly kind: 'postgres';
      readonly url: string;
      /** An owner's connection for the migrations when `url` is a restricted role. */
      readonly migrationUrl: string | undefined;
      readonly poolSize: number;
      readonly connectTimeoutMs: number;
      readonly statementTimeoutMs: number;
      readonly pollMs: number;
      readonly cacheBytes: number;
    };

/** Opens the configured store (PostgreSQL: migrated, its state read); `close()` it when done. */
export async function openMfeStore(
  target: MfeStoreTarget,
  dataDir: string,
  log?: MfePostgresStorageOptions['log'],
): Promise<MfeStore> {
  if (target.kind === 'files') return new MfeStore(dataDir);
  const timeouts = {
    connectTimeoutMs: target.connectTimeoutMs,
    statementTimeoutMs: target.statementTimeoutMs,
    applicationName: 'atrium-host',
  };
  const db = await openDatabase({ url: target.url, poolSize: target.poolSize, ...timeouts });
  const migrationDatabase = await openMigrationDatabase(target.migrationUrl, timeouts);
  try {
    return new MfeStore(
      await MfePostgresStorage.open(db, {
        pollMs: target.pollMs,
        cacheBytes: target.cacheBytes,
        migrationDatabase,
        log,
      }),
    );
  } catch (error) {
    await db.close();
    if (isDatabaseUnavailable(error)) {
      // Where, never the password: the message goes to logs.
      const { hostname, port, pathname } = new URL(target.migrationUrl ?? target.url);
      throw new Error(
        `host: the shared store at ${hostname}:${port || '5432'}${pathname} does not answer (HOST_DATABASE_URL, HOST_DATABASE_MIGRATION_URL): ${String(error)}`,
        { cause: error },
      );
    }
    throw error;
  } finally {
    await migrationDatabase?.close();
  }
}

/**
 * Refuses a manifest whose route is the shell's or another micro-frontend's, or whose element tag
 * another micro-frontend uses (in any version it still has: a tag defined in an open page can never
 * be redefined there, so two teams sharing one would render each other's code).
 */
function assertClaimsFree(
  state: RegistryState,
  manifest: Pick<BuildManifest, 'name' | 'route' | 'element'>,
): void {
  if (RESERVED_ROUTES.includes(manifest.route))
    throw new HostError('route_reserved', `${manifest.route} belongs to the shell.`);
  for (const [name, { history }] of Object.entries(state.microFrontends)) {
    if (name === manifest.name) continue;
    if (history.at(-1)?.route === manifest.route)
      throw new HostError('route_taken', `${manifest.route} belongs to the micro-frontend "${name}".`);
    if (history.some((version) => version.element === manifest.element))
      throw new HostError('element_taken', `<${manifest.element}> belongs to the micro-frontend "${name}".`);
  }
}

/** Reads a build folder: its manifest and the bytes of every file the manifest lists. */
export async function readBuild(buildDir: string): Promise<BuildUpload> {
  const manifest = await readManifest(buildDir);
  const contents = new Map<string, Buffer>();
  for (const file of [...manifest.files].sort()) {
    try {
      contents.set(file, await readFile(join(buildDir, file)));
    } catch {
      throw new HostError('missing_build_file', file);
    }
  }
  return { manifest, contents };
}

function isSafeRelative(file: unknown): file is string {
  if (typeof file !== 'string' || file === '' || isAbsolute(file) || file.includes('\\')) return false;
  const normal = normalize(file);
  return (
    normal === file && !normal.split(sep).includes('..') && !file.endsWith('.br') && !file.endsWith('.gz')
  );
}

/** Reads and validates `atrium-manifest.json`, naming every problem at once. */
export async function readManifest(buildDir: string): Promise<BuildManifest> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(join(buildDir, MANIFEST_FILE), 'utf8'));
  } catch (error) {
    throw new HostError('bad_manifest', `${join(buildDir, MANIFEST_FILE)}: ${(error as Error).message}`);
  }
  return validManifest(value);
}

/** Validates a parsed build manifest, naming every problem at once. */
export function validManifest(parsed: unknown): BuildManifest {
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new HostError('bad_manifest', 'not an object');
  const value = parsed as Partial<BuildManifest>;
  const problems: string[] = [];
  if (typeof value.name !== 'string' || !NAME.test(value.name))
    problems.push('name: lower-case letters, digits, -');
  if (typeof value.title !== 'string' || value.title === '') problems.push('title: required');
  if (typeof value.route !== 'string' || !/^\/[a-z0-9-]+$/.test(value.route))
    problems.push('route: like /payments');
  if (typeof value.element !== 'string' || !/^[a-z][a-z0-9]*-[a-z0-9-]+$/.test(value.element))
    problems.push('element: a custom element name');
  if (typeof value.version !== 'string' || !BUILD_VERSION.test(value.version))
    problems.push('version: letters, digits, dots, dashes and +');
  const files = Array.isArray(value.files) ? value.files : undefined;
  if (files === undefined || files.length === 0 || !files.every(isSafeRelative))
    problems.push('files: relative paths inside the build');
  if (!isSafeRelative(value.entry) || !files?.includes(value.entry)) problems.push('entry: one of files');
  if (!Array.isArray(value.styles) || !value.styles.every((s) => isSafeRelative(s) && files?.includes(s)))
    problems.push('styles: each one of files');
  if (!Array.isArray(value.roles) || !value.roles.every((r) => typeof r === 'string'))
    problems.push('roles: list of role names');
  if (value.icon !== undefined && !(isSafeRelative(value.icon) && files?.includes(value.icon)))
    problems.push('icon: one of files');
  problems.push(...presentationProblems(value, ''));
  if (problems.length > 0) throw new HostError('bad_manifest', problems.join('; '));
  return value as BuildManifest;
}
