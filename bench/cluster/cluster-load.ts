// The workload through nginx's one origin: N clients, each in a closed loop (the next request when
// the last is answered) over the four kinds in turn, so every kind gets the same share of clients.
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export const KINDS = ['listPayments', 'createPayment', 'getAccounts', 'staticFile'] as const;
export type Kind = (typeof KINDS)[number];

/** What one signed-in demo user needs to send each kind. */
export interface Caller {
  readonly token: string;
  /** One of its tenant's accounts: createPayment's from_account. */
  readonly fromAccount: string;
}

export interface LoadTarget {
  /** The public origin by address (http://127.0.0.1:<port>). */
  readonly origin: string;
  readonly callers: readonly Caller[];
  /** A hashed asset of the shell, as a browser asks for it. */
  readonly staticPath: string;
}

interface Sent {
  readonly path: string;
  readonly method: 'GET' | 'POST';
  readonly body?: string;
  readonly graphql: boolean;
}

const LIST = JSON.stringify({
  query:
    '{ listPayments(limit: 20) { items { id amount currency dueDate from_account to_account message type tenantId status createdBy createdAt updatedAt _version } nextToken } }',
});
const CREATE = 'mutation($input: CreatePaymentInput!) { createPayment(input: $input) { id } }';

function requestOf(kind: Kind, caller: Caller, target: LoadTarget, n: number): Sent {
  switch (kind) {
    case 'listPayments':
      return { path: '/graphql', method: 'POST', body: LIST, graphql: true };
    case 'createPayment':
      return {
        path: '/graphql',
        method: 'POST',
        graphql: true,
        body: JSON.stringify({
          query: CREATE,
          variables: {
            input: {
              amount: 1,
              currency: 'DKK',
              dueDate: '2027-02-01T00:00:00.000Z',
              from_account: caller.fromAccount,
              to_account: 'PAYEE001',
              message: `bench ${n}`,
              type: 'DOMESTIC',
            },
          },
        }),
      };
    case 'getAccounts':
      return { path: '/api/accounts?limit=20', method: 'GET', graphql: false };
    case 'staticFile':
      return { path: target.staticPath, method: 'GET', graphql: false };
  }
}

/** Answers of one kind. Latencies in milliseconds, in the order they came. */
export class KindStats {
  readonly latencies: number[] = [];
  /** Failed requests by cause: the HTTP status, `graphql <code>` or the network error's code. */
  readonly errors = new Map<string, number>();

  fail(cause: string): void {
    this.errors.set(cause, (this.errors.get(cause) ?? 0) + 1);
  }

  get errorCount(): number {
    let count = 0;
    for (const n of this.errors.values()) count += n;
    return count;
  }
}

/** The p-quantile (0..1) of `values`, nearest rank. */
export function quantile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? null;
}

interface Answer {
  readonly status: number;
  readonly body: string;
}

/**
 * The clients, running until stop(). `record` swaps the statistics the answers go into, so a
 * warm-up and the measured window are one uninterrupted load.
 */
export class ClusterLoad {
  #stats = new Map<Kind, KindStats>();
  #running = true;
  readonly #done: Promise<void>;
  // Keep-alive as a browser does: nginx's work per request, not a TCP handshake each time.
  readonly #agent: Agent;

  constructor(target: LoadTarget, clients: number) {
    this.#agent = new Agent({ keepAlive: true, maxSockets: clients });
    this.record();
    const url = new URL(target.origin);
    const send = (sent: Sent, token: string) =>
      new Promise<Answer>((resolve, reject) => {
        const req = request(
          {
            host: url.hostname,
            port: url.port,
            path: sent.path,
            method: sent.method,
            agent: this.#agent,
            headers: {
              authorization: `Bearer ${token}`,
              'accept-encoding': 'br, gzip',
              ...(sent.body === undefined
                ? {}
                : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(sent.body) }),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () =>
              resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
            );
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(sent.body);
      });
    const client = async (c: number) => {
      const caller = target.callers[c % target.callers.length];
      if (caller === undefined) throw new Error('no callers');
      for (let n = c; this.#running; n++) {
        const kind = KINDS[n % KINDS.length] ?? 'staticFile';
        const sent = requestOf(kind, caller, target, n);
        const began = performance.now();
        try {
          const answer = await send(sent, caller.token);
          const took = performance.now() - began;
          // Counted where it was answered: the window is the time between two record() calls.
          const stats = this.#stats.get(kind);
          if (answer.status !== 200) stats?.fail(String(answer.status));
          else if (sent.graphql && answer.body.includes('"errors"')) {
            const code = /"code":"([A-Z_]+)"/.exec(answer.body)?.[1] ?? 'error';
            stats?.fail(`graphql ${code}`);
          } else stats?.latencies.push(took);
        } catch (error) {
          this.#stats.get(kind)?.fail((error as NodeJS.ErrnoException).code ?? String(error));
        }
      }
    };
    this.#done = Promise.all(Array.from({ length: clients }, (_, c) => client(c))).then(() => {});
  }

  /** Starts new statistics and returns them; answers from now on go there. */
  record(): Map<Kind, KindStats> {
    this.#stats = new Map(KINDS.map((kind) => [kind, new KindStats()]));
    return this.#stats;
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#done;
    this.#agent.destroy();
  }
}
