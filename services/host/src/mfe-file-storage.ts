import { randomBytes } from 'node:crypto';
import { appendFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { writeFileAtomic } from './atomic-file.ts';
import { withFileLock } from './file-lock.ts';
import { HostError } from './errors.ts';
import {
  EMPTY_STATE,
  type AuditRecord,
  type MfeStorage,
  type RegistryState,
  type StateChange,
} from './mfe-storage.ts';
import { isCompressible, precompress } from './precompress.ts';
import { StaticDirectory, type Representation } from './static-files.ts';

const exists = (path: string): Promise<boolean> =>
  stat(path).then(
    () => true,
    () => false,
  );

/**
 * One host's store under `<dataDir>/host` (the embedded default, ADR 0401): immutable version
 * folders `mfe/<name>/<version>/…` (with `.br`/`.gz` siblings), `registry-state.json` replaced
 * atomically under a lock file, `audit.jsonl`. Another process on the same folder (the CLI) sees
 * the same state; another host with its own folder does not (use the PostgreSQL storage).
 */
export class MfeFileStorage implements MfeStorage {
  readonly kind = 'files';
  readonly root: string;
  readonly mfeRoot: string;
  readonly #statePath: string;
  readonly #lockPath: string;
  readonly #auditPath: string;
  readonly #files: StaticDirectory;
  #cache: { mtimeMs: number; size: number; state: RegistryState } | undefined;

  constructor(dataDir: string) {
    this.root = join(dataDir, 'host');
    this.mfeRoot = join(this.root, 'mfe');
    this.#statePath = join(this.root, 'registry-state.json');
    this.#lockPath = join(this.root, 'registry-state.lock');
    this.#auditPath = join(this.root, 'audit.jsonl');
    this.#files = new StaticDirectory(this.mfeRoot);
  }

  /** Reads the state, re-reading only when the file changed (another process may have published). */
  async state(): Promise<RegistryState> {
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

  /** Every read already looks at the file. */
  async refresh(): Promise<void> {}

  /**
   * The read-modify-write under the lock file. The audit line is appended before the state is
   * replaced, under the same lock: a change that is live is always in the log (a crash between the
   * two leaves a logged change that did not happen, never the reverse).
   */
  async update(change: StateChange): Promise<void> {
    await mkdir(this.root, { recursive: true });
    await withFileLock(this.#lockPath, async () => {
      this.#cache = undefined;
      const next = change(await this.state());
      if (next === undefined) return;
      const record: AuditRecord = { at: new Date().toISOString(), ...next.audit };
      await appendFile(this.#auditPath, `${JSON.stringify(record)}\n`);
      await writeFileAtomic(this.#statePath, `${JSON.stringify(next.state, null, 2)}\n`);
      this.#cache = undefined;
    });
  }

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

  /**
   * A version folder is written once, under a temp name, and renamed into place. A file lost from
   * an existing version is restored: the version id guarantees it is the same content.
   */
  async writeVersion(name: string, version: string, contents: ReadonlyMap<string, Buffer>): Promise<void> {
    const target = join(this.mfeRoot, name, version);
    if (await exists(target)) {
      for (const [file, content] of contents) {
        const path = join(target, file);
        if (!(await exists(path))) {
          await mkdir(dirname(path), { recursive: true });
          await writeFile(path, content);
        }
      }
      return;
    }
    const incoming = join(this.mfeRoot, name, `.incoming-${randomBytes(6).toString('hex')}`);
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
      if (!(await exists(target))) throw error;
    }
  }

  async readVersion(name: string, version: string): Promise<ReadonlyMap<string, Buffer> | undefined> {
    const folder = join(this.mfeRoot, name, version);
    const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => undefined);
    if (entries === undefined) return undefined;
    const contents = new Map<string, Buffer>();
    for (const entry of entries) {
      // The .br/.gz siblings are made again by the storage that receives the files.
      if (!entry.isFile() || entry.name.endsWith('.br') || entry.name.endsWith('.gz')) continue;
      const path = join(entry.parentPath, entry.name);
      contents.set(relative(folder, path).split(sep).join('/'), await readFile(path));
    }
    return contents;
  }

  file(urlPath: string, acceptEncoding: string | undefined): Promise<Representation | undefined> {
    return this.#files.get(urlPath, acceptEncoding);
  }

  async check(): Promise<void> {
    await this.state();
  }

  async close(): Promise<void> {}
}
