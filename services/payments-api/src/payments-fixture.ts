import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import Fastify, { type FastifyInstance } from 'fastify';
import { makeTempDir, type TestIssuer } from '@atrium/test-kit';
import paymentsPlugin, { type PaymentsOptions } from './app.ts';

/** A running payments service for tests: the real plugin on real dynalite (in memory). */
export interface PaymentsFixture {
  readonly app: FastifyInstance;
  /** `http://127.0.0.1:<port>` when started with `listen`. */
  readonly url: string;
  gql(token: string | undefined, query: string, variables?: Record<string, unknown>): Promise<GqlResponse>;
  close(): Promise<void>;
}

export interface GqlResponse {
  readonly status: number;
  readonly body: {
    data?: Record<string, unknown> | null;
    errors?: {
      message: string;
      errorType?: string;
      path?: string[];
      data?: unknown;
      extensions?: Record<string, unknown>;
    }[];
  };
}

/**
 * Starts the plugin against `issuer`; options override the test defaults. With `logStream`, the
 * service's log lines (JSON, level info and up) are written to it, for tests of what is logged.
 */
export async function startPayments(
  issuer: TestIssuer,
  overrides: Partial<PaymentsOptions> & {
    listen?: boolean;
    logStream?: { write(line: string): void };
  } = {},
): Promise<PaymentsFixture> {
  const dataDir = await makeTempDir('payments');
  const { listen, logStream, ...options } = overrides;
  const app = Fastify({ logger: logStream === undefined ? false : { level: 'info', stream: logStream } });
  await app.register(paymentsPlugin, {
    verifier: issuer.verifierConfig(),
    storage: { kind: 'embedded', dataDir: undefined, region: 'eu-west-1' },
    dataDir,
    secretKey: randomBytes(32),
    rateLimit: { perSecond: 0, burst: 1 },
    ...options,
  });
  let url = '';
  if (listen === true) url = await app.listen({ host: '127.0.0.1', port: 0 });
  else await app.ready();
  return {
    app,
    url,
    async gql(token, query, variables = {}) {
      const response = await app.inject({
        method: 'POST',
        url: '/graphql',
        headers: {
          'content-type': 'application/json',
          ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        },
        payload: JSON.stringify({ query, variables }),
      });
      return { status: response.statusCode, body: response.json() as GqlResponse['body'] };
    },
    async close() {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
