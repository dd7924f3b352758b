// The API under load, in its own process so that process.cpuUsage() is the API's alone: the payments
// plugin on the adapter BENCH_STORAGE (JSON StorageTarget), the bare routes doing the same store
// calls without GraphQL, and the bench's own probes (CPU, heap after GC, seeding). Run with --expose-gc.
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import Fastify from 'fastify';
import { BatchWriteItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { bearerToken, createVerifier } from '@atrium/auth';
import { makeTempDir } from '@atrium/test-kit';
import paymentsPlugin from '@atrium/payments-api/app';

const storage = JSON.parse(process.env['BENCH_STORAGE'] ?? '{}') as Record<string, unknown>;
const verifierConfig = JSON.parse(process.env['BENCH_VERIFIER'] ?? '{}');

interface Store {
  list(tenant: string, r: Record<string, unknown>): Promise<unknown>;
  create(tenant: string, record: Record<string, unknown>, actor: unknown, idem: unknown): Promise<unknown>;
}
let store: Store | undefined;
let seed: ((count: number) => Promise<void>) | undefined;

function dynamoSeeder(client: DynamoDBClient, table: string) {
  return async (count: number) => {
    const now = Date.now();
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < count; i += 25) {
      const requests = Array.from({ length: Math.min(25, count - i) }, (_, j) => {
        const at = new Date(now - (i + j + 1) * 1000).toISOString();
        const id = randomUUID();
        // Shaped as the DynamoDB adapter writes a created payment.
        const item: Record<string, AttributeValue> = {
          pk: { S: 'TenantA' },
          sk: { S: id },
          lpk: { S: 'TenantA' },
          id: { S: id },
          tenantId: { S: 'TenantA' },
          amount: { N: String(1 + ((i + j) % 5000)) },
          currency: { S: 'DKK' },
          dueDate: { S: at },
          from_account: { S: 'S1' },
          to_account: { S: 'S2' },
          type: { S: 'DOMESTIC' },
          status: { S: 'UNCONFIRMED' },
          createdBy: { S: 'seed' },
          createdAt: { S: at },
          updatedAt: { S: at },
          _version: { N: '1' },
          _createdById: { S: 'seed' },
          _history: { L: [] },
        };
        return { PutRequest: { Item: item } };
      });
      pending.push(client.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } })));
      if (pending.length >= 8) await Promise.all(pending.splice(0));
    }
    await Promise.all(pending);
  };
}

const app = Fastify({ logger: false, pluginTimeout: 120_000 });
await app.register(paymentsPlugin, {
  verifier: verifierConfig,
  storage: storage as never,
  dataDir: await makeTempDir('payments-bench-key'),
  secretKey: randomBytes(32),
  rateLimit: { perSecond: 0, burst: 1 },
  // As deployed (docs/operations.md): introspection and GraphiQL off, so is the IDE's request hook.
  production: true,
  onStores: (engine) => {
    store = engine.stores.get('Payment') as unknown as Store;
    const opened = engine as { database?: { exec(sql: string): Promise<void> }; client?: DynamoDBClient };
    if (opened.database !== undefined) {
      const database = opened.database;
      // Rows shaped as the PostgreSQL adapter writes a created payment; 10 000 per statement, so no
      // statement nears the pool's statement timeout on a loaded machine.
      const insert = (from: number, to: number) =>
        database.exec(`insert into payments (tenant_id, id, amount, currency, due_date, from_account, to_account,
            type, status, created_by, created_at, updated_at, version, created_by_id)
          select 'TenantA', gen_random_uuid()::text, 1 + i % 5000, 'DKK', now() - i * interval '1 second', 'S1', 'S2',
            'DOMESTIC', 'UNCONFIRMED', 'seed', now() - i * interval '1 second', now() - i * interval '1 second', 1, 'seed'
          from generate_series(${from}, ${to}) as i`);
      seed = async (count) => {
        for (let from = 1; from <= count; from += 10_000) await insert(from, Math.min(count, from + 9_999));
      };
    } else if (opened.client !== undefined)
      seed = dynamoSeeder(opened.client, `${String(storage['tablePrefix'])}payments`);
  },
});
// The bare routes: same token verification, same store calls, no GraphQL.
const verifier = createVerifier(verifierConfig);
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
// The store answering from memory (one page read once, then a fresh copy of it handed back at once):
// the GraphQL route beside the bare route then differ only by what GraphQL and the route's hooks
// cost. A copy per call, as a store makes fresh records (and strings) per call.
app.post('/bench/memory-store', async (request) => {
  if (store === undefined) throw new Error('no store');
  const on = (request.body as { on: boolean }).on;
  if (on) {
    const page = await store.list('TenantA', {
      filter: null,
      limit: 20,
      nextToken: null,
      sortField: 'createdAt',
      descending: true,
    });
    store.list = async () => structuredClone(page);
  } else delete (store as Partial<Store>).list;
  return { ok: true };
});
app.get('/bench/cpu', async () => {
  const { user, system } = process.cpuUsage();
  return { micros: user + system };
});
app.get('/bench/heap', async () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  for (let i = 0; i < 3; i += 1) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { heapUsed: process.memoryUsage().heapUsed };
});
app.post('/bench/seed', async (request) => {
  await seed?.((request.body as { count: number }).count);
  return { ok: true };
});
// BENCH_CPU_PROF: the runner profiles each measured row on its own (a whole-process profile mixes
// the seeding, the warm-up and every route).
const inspector = new Session();
inspector.connect();
app.post('/bench/profile/start', async () => {
  await inspector.post('Profiler.enable');
  await inspector.post('Profiler.start');
  return { ok: true };
});
app.post('/bench/profile/stop', async (request) => {
  const { profile } = await inspector.post('Profiler.stop');
  await writeFile((request.body as { file: string }).file, JSON.stringify(profile));
  return { ok: true };
});
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ url })}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
