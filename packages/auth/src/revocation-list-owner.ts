import { RevocationList, type RevocationListOptions, type RevocationLog } from './revocation-list.ts';

/** What owns a revocation list's polling: a Fastify instance (its log and its lifecycle hooks). */
export interface RevocationListHost {
  readonly log: RevocationLog;
  addHook(name: 'onListen', hook: () => Promise<void>): unknown;
  addHook(name: 'onClose', hook: () => Promise<void>): unknown;
}

/**
 * The revocation list a service checks: a shared one as given (its owner starts and closes it), or
 * one polled from `options`, started when `host` listens and closed with it; undefined without either.
 */
export function revocationListFor(
  host: RevocationListHost,
  revocations: RevocationList | Omit<RevocationListOptions, 'log'> | undefined,
): RevocationList | undefined {
  if (revocations === undefined || revocations instanceof RevocationList) return revocations;
  const owned = new RevocationList({ ...revocations, log: host.log });
  // Polling starts with listening, not registration: inject()-only tests and tools never poll.
  host.addHook('onListen', async () => void owned.start());
  host.addHook('onClose', async () => owned.close());
  return owned;
}
