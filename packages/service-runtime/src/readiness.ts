import type { FastifyReply, FastifyRequest } from 'fastify';

/** One dependency a readiness probe asks; `probe` rejects, or outlasts the deadline, when it is down. */
export interface DependencyCheck {
  readonly name: string;
  /**
   * Whether the service can serve without it: a required dependency down makes the service
   * `unavailable` (503, take it out of the load balancer); an optional one only `degraded` (200).
   */
  readonly required: boolean;
  probe(): Promise<unknown>;
}

export type ReadinessStatus = 'ready' | 'degraded' | 'unavailable';
export type CheckOutcome = 'ok' | 'down';

/** What `/readyz` answers: the verdict and every dependency's outcome, by name. */
export interface Readiness {
  readonly status: ReadinessStatus;
  readonly checks: Readonly<Record<string, CheckOutcome>>;
}

/** How long one probe may take before its dependency counts as down: a load balancer's probe times out too. */
export const CHECK_DEADLINE_MS = 2_000;

/** Seconds a 503 readiness answer asks the caller to wait before probing again. */
export const RETRY_AFTER_SECONDS = 5;

async function outcome(check: DependencyCheck, deadlineMs: number): Promise<CheckOutcome> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<CheckOutcome>((resolve) => {
    timer = setTimeout(() => resolve('down'), deadlineMs);
  });
  try {
    return await Promise.race([
      check.probe().then(
        () => 'ok' as const,
        () => 'down' as const,
      ),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function verdict(checks: readonly DependencyCheck[], outcomes: readonly CheckOutcome[]): ReadinessStatus {
  if (checks.some((check, i) => check.required && outcomes[i] === 'down')) return 'unavailable';
  return outcomes.includes('down') ? 'degraded' : 'ready';
}

/** Probes every dependency at once, each within `deadlineMs`. */
export async function checkReadiness(
  checks: readonly DependencyCheck[],
  deadlineMs: number = CHECK_DEADLINE_MS,
): Promise<Readiness> {
  const outcomes = await Promise.all(checks.map((check) => outcome(check, deadlineMs)));
  return {
    status: verdict(checks, outcomes),
    checks: Object.fromEntries(checks.map((check, i) => [check.name, outcomes[i] as CheckOutcome])),
  };
}

/**
 * Several services' readiness as one (the embedded process): checks named `<service>.<check>`; the
 * worst verdict wins.
 */
export function combineReadiness(parts: Readonly<Record<string, Readiness>>): Readiness {
  const entries = Object.entries(parts);
  const statuses = entries.map(([, part]) => part.status);
  return {
    status: statuses.includes('unavailable')
      ? 'unavailable'
      : statuses.includes('degraded')
        ? 'degraded'
        : 'ready',
    checks: Object.fromEntries(
      entries.flatMap(([service, part]) =>
        Object.entries(part.checks).map(([name, result]) => [`${service}.${name}`, result]),
      ),
    ),
  };
}

/** Sends a readiness answer: 503 + `Retry-After` when unavailable, 200 otherwise; never cached. */
export function sendReadiness(reply: FastifyReply, readiness: Readiness): FastifyReply {
  reply.header('cache-control', 'no-store');
  if (readiness.status === 'unavailable') reply.code(503).header('retry-after', String(RETRY_AFTER_SECONDS));
  return reply.send(readiness);
}

/** A `/readyz` handler over these dependencies. */
export function readinessHandler(
  checks: readonly DependencyCheck[],
): (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply> {
  return async (_request, reply) => sendReadiness(reply, await checkReadiness(checks));
}

/** The JSON schema of a readiness answer, for routes that declare their responses (OpenAPI). */
export const READINESS_SCHEMA = {
  type: 'object',
  title: 'Readiness',
  required: ['status', 'checks'],
  properties: {
    status: { type: 'string', enum: ['ready', 'degraded', 'unavailable'] },
    checks: {
      type: 'object',
      description: 'Each dependency by name: `ok` or `down`.',
      additionalProperties: { type: 'string', enum: ['ok', 'down'] },
    },
  },
} as const;
