import { copyFile, mkdir, readdir, rename, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Every content-hashed shell asset the host has served, kept under `<dataDir>/host/shell-assets/`
 * after the shell's build folder moved on: a page loaded before a shell redeploy still finds its
 * lazy chunks (`/assets/admin-page-<old hash>.js`). Hashed names never change content, so a
 * file, once kept, is never rewritten. Nothing is pruned (like published micro-frontend versions).
 */
export class ShellArchive {
  readonly root: string;
  readonly #shellDir: string;
  #keptFor: number | undefined;

  constructor(shellDir: string, root: string) {
    this.#shellDir = shellDir;
    this.root = root;
  }

  /** Copies the build's hashed assets (with their `.br`/`.gz`) not kept yet; once per build (index.html's mtime). */
  async keep(isHashed: (path: string) => boolean): Promise<void> {
    const index = await stat(join(this.#shellDir, 'index.html')).catch(() => undefined);
    if (index === undefined || index.mtimeMs === this.#keptFor) return;
    const assets = join(this.#shellDir, 'assets');
    const files = await readdir(assets, { recursive: true, withFileTypes: true }).catch(() => []);
    for (const file of files) {
      if (!file.isFile()) continue;
      const path = `/${relative(this.#shellDir, join(file.parentPath, file.name)).split(sep).join('/')}`;
      if (!isHashed(path.replace(/\.(br|gz)$/, ''))) continue;
      const target = join(this.root, path);
      if (
        await stat(target).then(
          () => true,
          () => false,
        )
      )
        continue;
      await mkdir(dirname(target), { recursive: true });
      // Copied under a temp name and renamed: a reader never sees half a file.
      const temp = `${target}.${randomBytes(4).toString('hex')}.tmp`;
      await copyFile(join(this.#shellDir, path), temp);
      await rename(temp, target);
    }
    this.#keptFor = index.mtimeMs;
  }
}
