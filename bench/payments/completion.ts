// Completion of one 20-item listPayments page: compiled execution (ADR 0111) beside graphql-js'
// execute, on the schema the transformer generates from schema/schema.graphql, with a resolver that
// returns the same page at once (no store, no HTTP): the µs per operation each executor spends
// turning records into the response. Writes bench/results/payments-completion.json.
import { mkdir, writeFile } from 'node:fs/promises';
import { buildSchema, execute, parse, type GraphQLObjectType } from 'graphql';
import { CompiledExecution, sourceOnlyResolver } from '@atrium/payments-api/compiled-execution';
import { servedSchemaSdl } from '@atrium/payments-api/client-codegen';
import { LIST_ITEMS } from './api-harness.ts';

const operations = Number(process.env['BENCH_OPERATIONS'] ?? '20000');
const schema = buildSchema(await servedSchemaSdl());
const at = '2026-12-02T05:29:01.292Z';
const page = {
  items: Array.from({ length: 20 }, (_, i) => ({
    id: `9e2d8269-fdc7-4689-b1bf-7a4b1979d5${String(i).padStart(2, '0')}`,
    amount: '12.5',
    currency: 'DKK',
    dueDate: '2027-01-01T00:00:00.000Z',
    from_account: 'B1',
    to_account: 'B2',
    message: `m${i}`,
    type: 'DOMESTIC',
    tenantId: 'TenantA',
    status: 'UNCONFIRMED',
    createdBy: 'userTenantA',
    confirmedBy: null,
    createdAt: at,
    updatedAt: at,
    _version: 1,
  })),
  nextToken: 'token',
};
schema.getQueryType()!.getFields()['listPayments']!.resolve = async () => page;
(schema.getType('Payment') as GraphQLObjectType).getFields()['amount']!.resolve = sourceOnlyResolver(
  (record: Record<string, unknown>) => Number(record['amount']),
);
const query = `{ listPayments(limit: 20) { ${LIST_ITEMS} } }`;
const document = parse(query);
const compiled = new CompiledExecution({ schema, validationRules: [] });

const same =
  JSON.stringify((await compiled.run({ query }, {}))?.result) ===
  JSON.stringify(await execute({ schema, document, contextValue: {} }));
if (!same) throw new Error('compiled execution and graphql-js disagree on the page');

const time = async (run: () => Promise<unknown>, count: number) => {
  const start = performance.now();
  for (let i = 0; i < count; i += 1) await run();
  return ((performance.now() - start) * 1000) / count;
};
const rounds = [];
for (let round = 0; round < 5; round += 1)
  rounds.push({
    compiledMicros: await time(() => compiled.run({ query }, {}), operations),
    graphqlJsMicros: await time(
      () => Promise.resolve(execute({ schema, document, contextValue: {} })),
      operations / 4,
    ),
  });
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const result = {
  when: new Date().toISOString(),
  nodeEnv: process.env['NODE_ENV'] ?? null,
  // listPayments, items, nextToken and 15 fields of each of 20 items.
  fieldsPerOperation: 3 + 20 * 15,
  compiledMicrosPerOperation: Number(median(rounds.map((r) => r.compiledMicros)).toFixed(1)),
  graphqlJsMicrosPerOperation: Number(median(rounds.map((r) => r.graphqlJsMicros)).toFixed(1)),
};
console.table([result]);
await mkdir(new URL('../results/', import.meta.url), { recursive: true });
await writeFile(
  new URL('../results/payments-completion.json', import.meta.url),
  `${JSON.stringify(result, null, 2)}\n`,
);
