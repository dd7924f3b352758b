import { createHash, randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname, join, normalize, isAbsolute, sep } from 'node:path';
import {
  presentationProblems,
  RESERVED_ROUTES,
  type BuildManifest,
  type Registry,
  type RegistryEntry,
} from '@atrium/contracts';
import { writeFileAtomic } from './atomic-file.ts';
import { withFileLock } from './file-lock.ts';
import { HostError } from './errors.ts';
import { isCompressible, precompress } from './precompress.ts';

/** The manifest file name a micro-frontend build writes beside its files. */
export const MANIFEST_FILE = 'atrium-manifest.json';

/**
 * One published, immutable version of a micro-frontend, as the registry state records it: its
 * build manifest, with integrity hashes instead of the file list. `version` is
 * `<build version>+<content hash>`, so a different build never gets the same id; `entry` is relative
 * to the version folder.
 */
export interface PublishedVersion extends Omit<BuildManifest, 'styles' | 'files'> {
  /** Who switched the registry to this version (`cli:<user>` or a token's subject). */
  readonly publishedBy?: string;
  readonly integrity: string;
  readonly styles: readonly { readonly file: string; readonly integrity: string }[];
  readonly publishedAt: string;
}

/**
 * The registry state file: per micro-frontend, the versions it was switched to, newest last, and
 * every version ever published (`versions`, so a rolled-back one can be switched to again).
 */
interface RegistryState {
  readonly schemaVersion: 1;
  readonly microFrontends: Record<
    string,
    { readonly history: readonly PublishedVersion[]; readonly versions?: readonly PublishedVersion[] }
  >;
}

const EMPTY_STATE: RegistryState = { schemaVersion: 1, microFrontends: {} };
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

export type RegistryAction = 'publish' | 'switch' | 'rollback' | 'retire';

/** One line of `audit.jsonl`: who changed which micro-frontend when, from which version to which. */
export interface AuditRecord {
  readonly at: string;
  readonly actor: string;
  readonly action: RegistryAction;
  readonly name: string;
  readonly from: string | null;
  readonly to: string | null;
}

/** Who asks for a change; recorded in the audit log and on the version. */
export interface ChangeOptions {
  readonly actor: string;
}

/** A change made on this machine without a token (the operator's shell on the data folder). */
function localChange(): ChangeOptions {
  return { actor: `local:${userInfo().username}` };
}

/**
 * The host's store of published micro-frontends under `<dataDir>/host`: immutable version folders
 * `mfe/<name>/<version>/…` (with `.br`/`.gz` siblings) and `registry-state.json`, replaced atomically.
 */
export class MfeStore {
  readonly root: string;
  readonly mfeRoot: string;
  readonly #statePath: string;
  readonly #lockPath: string;
  readonly #auditPath: string;
  #cache: { mtimeMs: number; size: number; state: RegistryState } | undefined;

  constructor(dataDir: string) {
    this.root = join(dataDir, 'host');
    this.mfeRoot = join(this.root, 'mfe');
    this.#statePath = join(this.root, 'registry-state.json');
    this.#lockPath = join(this.root, 'registry-state.lock');
    this.#auditPath = join(this.root, 'audit.jsonl');
  }

  /** Reads the state, re-reading only when the file changed (another process may have published). */
  async #state(): Promise<RegistryState> {
    const info = await stat(this.#statePath).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (info === undefined) return EMPTY_STATE;
    if (this.#cache && this.#cache.mtimeMs === info.mtimeMs && this.#cache.size === info.size)
      return this.#cache.state;
    let state: RegistryState;
    try {
      state = JSON.parse(await readFile(this.#statePath, 'utf8')) as RegistryState;
    } catch (error) {
      throw new HostError('registry_state_corrupt', (error as Error).message);
    }
    if (state.schemaVersion !== 1 || typeof state.microFrontends !== 'object')
      throw new HostError('registry_state_corrupt', 'unexpected shape');
    this.#cache = { mtimeMs: info.mtimeMs, size: info.size, state };
    return state;
  }

  /**
   * One read-modify-write of the state under the lock. `change` returns the next state and the
   * audit record of what it did (undefined: nothing changed, nothing is written or audited). The
   * audit line is appended before the state is replaced, under the same lock: a change that is live
   * is always in the log (a crash between the two leaves a logged change that did not happen,
   * never the reverse).
   */
  async #update(
    change: (state: RegistryState) => { state: RegistryState; audit: Omit<AuditRecord, 'at'> } | undefined,
  ): Promise<void> {
    await mkdir(this.root, { recursive: true });
    await withFileLock(this.#lockPath, async () => {
      this.#cache = undefined;
      const next = change(await this.#state());
      if (next === undefined) return;
      const record: AuditRecord = { at: new Date().toISOString(), ...next.audit };
      await appendFile(this.#auditPath, `${JSON.stringify(record)}\n`);
      await writeFileAtomic(this.#statePath, `${JSON.stringify(next.state, null, 2)}\n`);
      this.#cache = undefined;
    });
  }

  /** The audit log, oldest first; only one micro-frontend's records when `name` is given. */
  async audit(name?: string): Promise<AuditRecord[]> {
    const text = await readFile(this.#auditPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return '';
      throw error;
    });
    return text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as AuditRecord)
      .filter((record) => name === undefined || record.name === name);
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
    const target = join(this.mfeRoot, manifest.name, version);
    const exists = await stat(target).then(
      () => true,
      () => false,
    );
    // A version folder is written once, under a temp name, and renamed into place: readers
    // never see a half-copied version, and an existing version is never overwritten. A file lost
    // from an existing version is restored: the version id guarantees it is the same content.
    if (exists) {
      for (const [file, content] of contents) {
        const path = join(target, file);
        if (
          await stat(path).then(
            () => false,
            () => true,
          )
        ) {
          await mkdir(dirname(path), { recursive: true });
          await writeFile(path, content);
        }
      }
    } else {
      const incoming = join(this.mfeRoot, manifest.name, `.incoming-${randomBytes(6).toString('hex')}`);
      try {
        for (const [file, content] of contents) {
          const path = join(incoming, file);
          await mkdir(dirname(path), { recursive: true });
          await writeFile(path, content);
          if (isCompressible(file, content.byteLength)) {
            const { br, gz } = await precompress(content);
            if (br.byteLength < content.byteLength) await writeFile(`${path}.br`, br);
            if (gz.byteLength < content.byteLength) await writeFile(`${path}.gz`, gz);
          }
        }
        await rename(incoming, target);
      } catch (error) {
        await rm(incoming, { recursive: true, force: true });
        // Another publisher of the very same build won the rename: its folder is identical.
        if (
          !(await stat(target).then(
            () => true,
            () => false,
          ))
        )
          throw error;
      }
    }
    const sri = (file: string): string =>
      `sha384-${createHash('sha384')
        .update(contents.get(file) ?? Buffer.alloc(0))
        .digest('base64')}`;
    const record: PublishedVersion = {
      name: manifest.name,
      title: manifest.title,
      route: manifest.route,
      element: manifest.element,
      version,
      entry: manifest.entry,
      integrity: sri(manifest.entry),
      styles: manifest.styles.map((file) => ({ file, integrity: sri(file) })),
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
