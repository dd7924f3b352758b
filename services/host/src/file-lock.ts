import { withProcessLock } from '@atrium/service-runtime';

/**
 * Runs `fn` while holding an exclusive lock file, so that the CLI and a running host never
 * interleave read-modify-write cycles of the registry state. The lock is released by the kernel
 * when its process ends, kill -9 included: a crashed publish never blocks the next one.
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  return withProcessLock(path, fn, timeoutMs);
}
