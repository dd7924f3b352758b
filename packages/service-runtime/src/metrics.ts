import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Latency buckets in seconds: 5 ms (a cached read) to 10 s (past every deadline of the services). */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The route label of a request no route matched: never the raw URL, whose values are unbounded. */
export const UNMATCHED_ROUTE = 'unmatched';

/** The operation label of a GraphQL operation whose name is not one the service knows. */
export const OTHER_OPERATION = 'other';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** A connection pool's state at one instant (pg.Pool's totalCount, idleCount, waitingCount). */
export interface PoolStats {
  readonly total: number;
  readonly idle: number;
  readonly waiting: number;
}

/** What a WebSocket endpoint holds open at one instant. */
export interface LiveConnections {
  readonly connections: number;
  readonly subscriptions: number;
}

/**
 * One process's metrics, in its own registry (several apps in one test process must not share a
 * global one). Sources are read when scraped, so a gauge never drifts from what it reports.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly pools = new Map<string, () => PoolStats>();
  private readonly live = new Map<string, () => LiveConnections>();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly latency: Histogram<'method' | 'route'>;
  private readonly operations: Counter<'operation' | 'type' | 'outcome'>;
  private readonly operationLatency: Histogram<'operation' | 'type'>;
  private readonly refusals: Counter<'limiter'>;

  constructor(service: string) {
    const registers = [this.registry];
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by method, route template and status code',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.latency = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from receiving a request to finishing its response, by method and route template',
      labelNames: ['method', 'route'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.operations = new Counter({
      name: 'graphql_operations_total',
      help: 'GraphQL operations executed, by operation name (unknown names: other), type and outcome',
      labelNames: ['operation', 'type', 'outcome'],
      registers,
    });
    this.operationLatency = new Histogram({
      name: 'graphql_operation_duration_seconds',
      help: 'Time to execute a GraphQL operation, by operation name and type',
      labelNames: ['operation', 'type'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.refusals = new Counter({
      name: 'rate_limit_refusals_total',
      help: 'Requests refused by a rate limit or throttle, by limiter',
      labelNames: ['limiter'],
      registers,
    });
    const pools = this.pools;
    const poolGauge = (name: string, help: string, read: (stats: PoolStats) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['database'],
        registers,
        collect() {
          this.reset();
          for (const [database, stats] of pools) this.set({ database }, read(stats()));
        },
      });
    poolGauge('db_pool_connections', 'Connections the database pool holds (embedded: 1)', (s) => s.total);
    poolGauge('db_pool_idle_connections', 'Pool connections not in use', (s) => s.idle);
    poolGauge(
      'db_pool_waiting_requests',
      'Queries and transactions waiting for a connection',
      (s) => s.waiting,
    );
    const live = this.live;
    const liveGauge = (name: string, help: string, read: (state: LiveConnections) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['endpoint'],
        registers,
        collect() {
          this.reset();
          for (const [endpoint, state] of live) this.set({ endpoint }, read(state()));
        },
      });
    liveGauge('websocket_connections', 'WebSocket connections open', (s) => s.connections);
    liveGauge('graphql_subscriptions_active', 'GraphQL subscriptions running', (s) => s.subscriptions);
  }

  /** Counts an answered request under its route template (`undefined`: no route matched). */
  recordRequest(method: string, route: string | undefined, status: number, seconds: number): void {
    const labels = { method: METHODS.has(method) ? method : 'OTHER', route: route ?? UNMATCHED_ROUTE };
    this.requests.inc({ ...labels, status: String(status) });
    this.latency.observe(labels, seconds);
  }

  /** Counts a GraphQL operation; its name must already be bounded (see `operationLabel`). */
  recordOperation(operation: string, type: string, outcome: 'ok' | 'error', seconds: number): void {
    this.operations.inc({ operation, type, outcome });
    this.operationLatency.observe({ operation, type }, seconds);
  }

  /** Counts one refusal of `limiter` (e.g. `payments_tenant`, `identity_login`). */
  recordRefusal(limiter: string): void {
    this.refusals.inc({ limiter });
  }

  /** Reports a database's pool, read at every scrape, as `database`. */
  watchDatabasePool(database: string, stats: () => PoolStats): void {
    this.pools.set(database, stats);
  }

  /** Reports a WebSocket endpoint's connections and subscriptions, read at every scrape. */
  watchLiveConnections(endpoint: string, state: () => LiveConnections): void {
    this.live.set(endpoint, state);
  }
}

/**
 * The label of a GraphQL operation: its name when `known` has it, `anonymous` without a name, and
 * `other` for any other name, so a client choosing names cannot grow the series without bound.
 */
export function operationLabel(name: string | null | undefined, known: ReadonlySet<string>): string {
  if (name === undefined || name === null || name === '') return 'anonymous';
  return known.has(name) ? name : OTHER_OPERATION;
}
