import type { FastifyInstance } from 'fastify';

export { isUrl, ServiceEnvironment } from './service-environment.ts';
export { redactCredentials, serviceLoggerOptions, type LogDestination } from './request-log.ts';
export {
  lockOwner,
  tryLockExclusively,
  withProcessLock,
  type LockOwner,
  type ProcessLock,
} from './process-lock.ts';
export {
  PRIVATE_UMASK,
  PrivateFolderError,
  privateFolderWarning,
  securePrivateFolder,
} from './private-folder.ts';
export {
  CHECK_DEADLINE_MS,
  checkReadiness,
  combineReadiness,
  READINESS_SCHEMA,
  readinessHandler,
  RETRY_AFTER_SECONDS,
  sendReadiness,
  type CheckOutcome,
  type DependencyCheck,
  type Readiness,
  type ReadinessStatus,
} from './readiness.ts';

export interface StopOptions {
  /** Longest wait for in-flight requests and stores before exiting anyway (default 10 s). */
  readonly graceMs?: number;
  /** Where the process goes when done; tests pass their own. */
  readonly exit?: (code: number) => void;
  readonly signals?: readonly NodeJS.Signals[];
}

/**
 * On the first SIGINT/SIGTERM: stop accepting connections, finish in-flight requests, run the
 * app's onClose hooks (which close the stores), then exit 0 — or 1 when closing fails or hangs.
 */
export function stopOnSignals(app: FastifyInstance, options: StopOptions = {}): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let closing = false;
  for (const signal of options.signals ?? (['SIGINT', 'SIGTERM'] as const)) {
    process.once(signal, () => {
      if (closing) return;
      closing = true;
      app.log.info({ signal }, 'shutting down: finishing in-flight requests, closing stores');
      // A request or store that hangs must not keep the process alive forever.
      const deadline = setTimeout(() => {
        app.log.error('shutdown exceeded its grace period, exiting');
        exit(1);
      }, options.graceMs ?? 10_000);
      deadline.unref();
      // server.close() ends the connections idle at that moment only; a keep-alive connection whose
      // request was in flight goes idle later and would hold the process for the keep-alive timeout.
      const sweeper = setInterval(() => app.server.closeIdleConnections(), 50);
      sweeper.unref();
      app.close().then(
        () => {
          clearInterval(sweeper);
          clearTimeout(deadline);
          app.log.info('stopped');
          exit(0);
        },
        (error: unknown) => {
          clearInterval(sweeper);
          clearTimeout(deadline);
          app.log.error({ err: error }, 'shutdown failed');
          exit(1);
        },
      );
    });
  }
}
