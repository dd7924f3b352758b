// Payments API benchmark (bench/results/payments.json): GraphQL vs the same store calls through a
// bare Fastify route in the same run, and listPayments p50 at 1 000 vs 100 000 payments in one tenant.
import { mkdir, writeFile } from 'node:fs/promises';
import { randomBytes, randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { createVerifier, bearerToken } from '@atrium/auth';
import { demoCaller, makeTempDir, startTestIssuer } from '@atrium/test-kit';
import paymentsPlugin from '@atrium/payments-api/app';

const seconds = Number(process.env['BENCH_SECONDS'] ?? '10');
const big = Number(process.env['BENCH_BIG'] ?? '100000');
const connections = 50;

interface Store {
  list(
    tenant: string,
    r: { filter: null; limit: number; nextToken: null; sortField: string; descending: boolean },
  ): Promise<unknown>;
  create(
    tenant: string,
    record: Record<string, unknown>,
    actor: { userId: string; username: string },
    idem: { key: undefined; inputHash: string },
  ): Promise<unknown>;
}
const issuer = await startTestIssuer();
const token = await issuer.mint(demoCaller('A', 'member'), { expiresInSeconds: 3600 });
let store: Store | undefined;
let seedSql: ((sql: string) => Promise<void>) | undefined;
const app = Fastify({ logger: false });
await app.register(paymentsPlugin, {
  verifier: issuer.verifierConfig(),
  storage: {
    kind: 'postgres',
    url: process.env['BENCH_DATABASE_URL'],
    dataDir: await makeTempDir('payments-bench'),
  },
  dataDir: await makeTempDir('payments-bench-key'),
  secretKey: randomBytes(32),
  rateLimit: { perSecond: 0, burst: 1 },
  onStores: (engine) => {
    store = engine.stores.get('Payment') as unknown as Store;
    const database = (engine as { database?: { exec(sql: string): Promise<void> } }).database;
    seedSql = database === undefined ? undefined : (sql) => database.exec(sql);
  },
});
// The bare routes: same token verification, same store calls, no GraphQL.
const verifier = createVerifier(issuer.verifierConfig());
app.get('/bare/list', async (request) => {
  const caller = await verifier.verify(bearerToken(request.headers.authorization));
  return store?.list(caller.tenantId, {
    filter: null,
    limit: 20,
    nextToken: null,
    sortField: 'createdAt',
    descending: true,
  });
});
app.post('/bare/create', async (request) => {
  const caller = await verifier.verify(bearerToken(request.headers.authorization));
  const body = request.body as Record<string, unknown>;
  const record = {
    ...body,
    id: randomUUID(),
    amount: String(body['amount']),
    status: 'UNCONFIRMED',
    createdBy: caller.username,
  };
  return store?.create(caller.tenantId, record, caller, { key: undefined, inputHash: '' });
});
const url = await app.listen({ host: '127.0.0.1', port: 0 });

const input = {
  amount: 12.5,
  currency: 'DKK',
  dueDate: '2027-01-01T00:00:00.000Z',
  from_account: 'B1',
  to_account: 'B2',
  message: 'bench',
  type: 'DOMESTIC',
};
const CREATE = JSON.stringify({
  query: 'mutation($i: CreatePaymentInput!) { createPayment(input: $i) { id } }',
  variables: { i: input },
});
const LIST = JSON.stringify({
  query:
    '{ listPayments(limit: 20) { items { id amount currency dueDate from_account to_account message type tenantId status createdBy confirmedBy createdAt updatedAt _version } nextToken } }',
});
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

async function load(
  name: string,
  path: string,
  method: 'GET' | 'POST',
  body: string | undefined,
  duration = seconds,
  conns = connections,
) {
  const r = await autocannon({
    url: `${url}${path}`,
    method,
    headers,
    connections: conns,
    duration,
    ...(body === undefined ? {} : { body }),
  });
  return {
    name,
    reqPerSec: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
  };
}

// Seed 1 000 payments through the API itself.
for (let i = 0; i < 1000; i += 1)
  await fetch(`${url}/graphql`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      query: 'mutation($i: CreatePaymentInput!) { createPayment(input: $i) { id } }',
      variables: { i: { ...input, message: `m${i}` } },
    }),
  });

const rows = [];
const p50At1k = await load('listPayments p50 @1k', '/graphql', 'POST', LIST, 3, 1);
rows.push(p50At1k);
rows.push(await load('graphql listPayments(limit 20)', '/graphql', 'POST', LIST));
rows.push(await load('bare route list (same store call)', '/bare/list', 'GET', undefined));
rows.push(await load('graphql createPayment', '/graphql', 'POST', CREATE));
rows.push(await load('bare route create (same store call)', '/bare/create', 'POST', JSON.stringify(input)));

// Grow tenant A to `big` payments in one statement (rows shaped as the PostgreSQL adapter writes them).
const seedStart = Date.now();
await seedSql?.(`insert into payments (tenant_id, id, amount, currency, due_date, from_account, to_account, type,
    status, created_by, created_at, updated_at, version, created_by_id)
  select 'TenantA', gen_random_uuid()::text, 1 + i % 5000, 'DKK', now() - i * interval '1 second', 'S1', 'S2',
    'DOMESTIC', 'UNCONFIRMED', 'seed', now() - i * interval '1 second', now() - i * interval '1 second', 1, 'seed'
  from generate_series(1, ${big}) as i`);
const seedMs = Date.now() - seedStart;
const p50AtBig = await load(`listPayments p50 @${big}`, '/graphql', 'POST', LIST, 3, 1);
rows.push(p50AtBig);

const overhead = (g: number, b: number) => (b > 0 ? 1 - g / b : 0);
const listOverhead = overhead(rows[1]!.reqPerSec, rows[2]!.reqPerSec);
const createOverhead = overhead(rows[3]!.reqPerSec, rows[4]!.reqPerSec);
const result = {
  when: new Date().toISOString(),
  seconds,
  connections,
  rows,
  listOverhead,
  createOverhead,
  p50Ratio: p50AtBig.p50 / Math.max(p50At1k.p50, 0.001),
  seed: { payments: big, milliseconds: seedMs, method: 'one INSERT … SELECT generate_series' },
  targets: { overheadAtMost: 0.25, p50RatioAtMost: 1.5 },
};
console.table(rows);
console.log(
  `GraphQL overhead: list ${(listOverhead * 100).toFixed(1)} %, create ${(createOverhead * 100).toFixed(1)} %; p50 ${big}/1k = ${result.p50Ratio.toFixed(2)}; seeded ${big} in ${(seedMs / 1000).toFixed(1)} s`,
);
await mkdir(new URL('../results/', import.meta.url), { recursive: true });
await writeFile(new URL('../results/payments.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
await app.close();
await issuer.close();
