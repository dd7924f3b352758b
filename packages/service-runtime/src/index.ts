import net from 'node:net';
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';

export {
  answerPreflight,
  applyCors,
  corsPolicy,
  isPreflight,
  type CorsAllowances,
  type CorsPolicy,
} from './cors-policy.ts';
export { isUrl, ServiceEnvironment } from './service-environment.ts';
export { parseTrustProxy, trustProxyOption, type TrustedProxies } from './trusted-proxies.ts';
export { redactCredentials, serviceLoggerOptions, type LogDestination } from './request-log.ts';
export { readableLog, usesReadableLogs } from './readable-log.ts';
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
  securePrivateFolderAtStart,
} from './private-folder.ts';
export {
  METRICS_PATH,
  MIN_METRICS_TOKEN_LENGTH,
  observability,
  serviceMetrics,
  type MetricsAccess,
  type ObservabilityOptions,
} from './observability.ts';
export {
  LATENCY_BUCKETS,
  OTHER_OPERATION,
  operationLabel,
  ServiceMetrics,
  UNMATCHED_ROUTE,
  type LiveConnections,
  type PoolStats,
} from './metrics.ts';
export {
  acceptedRequestId,
  currentRequestId,
  MAX_REQUEST_ID_LENGTH,
  outgoingRequestIdHeaders,
  REQUEST_ID_HEADER,
  requestIdHeaders,
  requestIdOf,
  runForRequest,
} from './request-id.ts';
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
 * How long, after the listener closes, a kept-alive connection that looks idle is still served: a
 * request the client wrote just before the signal may not have been read yet.
 */
export const DRAIN_LINGER_MS = 500;

/**
 * On the first SIGINT/SIGTERM, in dependency order: stop accepting connections; answer every request
 * already received (each with `Connection: close`), and the calls they make to sibling services in
 * the same process, which are still served; then close the app: its preClose hooks (WebSocket
 * subscribers get 1001 from their plugin) and onClose hooks (the stores). Exit 0, or 1 when closing
 * fails or takes longer than the grace period.
 */
export function stopOnSignals(app: FastifyInstance, options: StopOptions = {}): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const server = app.server;
  let closing = false;
  const inFlight = new Set<ServerResponse>();
  let drained: (() => void) | undefined;
  // Counted on the listener itself: Fastify's own closing state would answer 503 to the sibling calls.
  server.prependListener('request', (_request, response) => {
    inFlight.add(response);
    // Whoever still sends on a kept-alive connection while draining reconnects elsewhere afterwards.
    if (closing) response.setHeader('connection', 'close');
    response.once('close', () => {
      inFlight.delete(response);
      if (inFlight.size === 0) drained?.();
    });
  });
  for (const signal of options.signals ?? (['SIGINT', 'SIGTERM'] as const)) {
    process.once(signal, () => {
      if (closing) return;
      closing = true;
      app.log.info({ signal }, 'shutting down: finishing in-flight requests, closing stores');
      // The answers still to come close their connections too: kept alive, one would go back to a
      // proxy's pool idle, to be closed below while the proxy may be writing a request into it (a
      // POST is then lost: proxies resend only idempotent requests).
      for (const response of inFlight) if (!response.headersSent) response.setHeader('connection', 'close');
      // A request or store that hangs must not keep the process alive forever.
      const deadline = setTimeout(() => {
        app.log.error('shutdown exceeded its grace period, exiting');
        exit(1);
      }, options.graceMs ?? 10_000);
      deadline.unref();
      // Not server.close(): that also drops the kept-alive connections idle at this instant, and
      // with them a request a client wrote just before the signal.
      if (server.listening) net.Server.prototype.close.call(server);
      let sweeper: NodeJS.Timeout | undefined;
      const lingered = new Promise<void>((resolve) => setTimeout(resolve, DRAIN_LINGER_MS).unref());
      const idle = new Promise<void>((resolve) => {
        drained = resolve;
        if (inFlight.size === 0) resolve();
      });
      lingered
        .then(() => {
          // A kept-alive connection whose request was in flight goes idle later and would hold the
          // process for the keep-alive timeout.
          server.closeIdleConnections();
          sweeper = setInterval(() => server.closeIdleConnections(), 50);
          sweeper.unref();
          return idle;
        })
        .then(() => app.close())
        .then(
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
