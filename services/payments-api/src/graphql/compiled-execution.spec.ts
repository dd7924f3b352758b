import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildSchema,
  execute,
  getNamedType,
  GraphQLError,
  isLeafType,
  parse,
  validate,
  type ExecutionResult,
  type GraphQLObjectType,
  type GraphQLScalarType,
  type GraphQLSchema,
  type GraphQLUnionType,
} from 'graphql';
import { CompiledExecution, sourceOnlyResolver } from './compiled-execution.ts';

// Compiled execution claims graphql-js' semantics for the documents it runs, so graphql-js' own
// `execute` on the same schema and resolvers is the oracle: every document here runs through both,
// and the results (data with its key order, errors as message and path, the resolver calls) must
// be the same. The fixture's records are broken on purpose in every way a field can fail.

interface Context {
  /** The root resolvers' calls and the settling of their deferred values, in order. */
  readonly log: string[];
}

type Row = Record<string, unknown>;

const SDL = /* GraphQL */ `
  scalar AWSDateTime
  enum PaymentStatus {
    PENDING
    SETTLED
    FAILED
  }
  type Bank {
    name: String!
    bic: String
  }
  type Account {
    number: String!
    holder: String
    bank: Bank
  }
  type PaymentEvent {
    at: AWSDateTime!
    status: PaymentStatus!
    note: String
  }
  type Payment {
    id: ID!
    message: String
    amount: Float
    fee: Float
    sequence: Int
    urgent: Boolean
    status: PaymentStatus
    dueDate: AWSDateTime
    currency: String!
    from_account: Account!
    to_account: Account
    tags: [String!]
    notes: [String]
    history: [PaymentEvent!]!
    related: [Payment]
    audit: String
    notesSince(index: Int): [String]
  }
  type ModelPaymentConnection {
    items: [Payment]!
    nextToken: String
  }
  union SearchResult = Payment | Account
  input PaymentFilter {
    and: [PaymentFilter]
    or: [PaymentFilter]
    not: PaymentFilter
    amount: Float
  }
  input CreatePaymentInput {
    id: ID!
    amount: Float!
    message: String
    currency: String!
  }
  type Query {
    getPayment(id: ID!): Payment
    listPayments(limit: Int, filter: PaymentFilter, nextToken: String): ModelPaymentConnection
    requiredPayment(id: ID!): Payment!
    paymentCount(status: PaymentStatus): Int!
    search(text: String!): [SearchResult]
  }
  type Mutation {
    createPayment(input: CreatePaymentInput!): Payment
    deletePayment(id: ID!): Payment
    settlePayment(id: ID!): Payment!
  }
  type Subscription {
    onCreatePayment: Payment
  }
`;

/** Fields compiled execution leaves to the interpreter: a plain nested resolver, nested arguments. */
const INTERPRETED_ONLY = new Set(['audit', 'notesSince']);

const bank = { name: 'Atrium Bank', bic: 'ATRMDKKK' };

function payment(id: string, fields: Row): Row {
  return {
    id,
    message: `Payment ${id}`,
    amountMinor: 10_000,
    fee: 0.5,
    sequence: 1,
    urgent: false,
    status: 'PENDING',
    dueDate: '2026-12-24T00:00:00.000Z',
    currency: 'DKK',
    from_account: { number: 'DK001', holder: 'Ada', bank },
    to_account: { number: 'DK002', holder: 'Grace', bank: null },
    tags: ['rent'],
    notes: ['first'],
    history: [{ at: '2026-12-01T08:00:00.000Z', status: 'PENDING', note: 'created' }],
    related: [],
    audit: 'created by Ada',
    ...fields,
  };
}

const records = new Map<string, Row>();
const store = (row: Row): Row => {
  records.set(row['id'] as string, row);
  return row;
};
// Well-formed records, nulls only where the schema allows them.
const p1 = store(
  payment('p1', {
    message: 'Rent',
    amountMinor: 125_050,
    fee: 1.5,
    sequence: 7,
    urgent: true,
    status: 'SETTLED',
    dueDate: new Date('2026-12-24T00:00:00.000Z'),
    tags: ['rent', 'monthly'],
    notes: ['first', 'second'],
    history: [
      { at: '2026-12-01T08:00:00.000Z', status: 'PENDING', note: 'created' },
      { at: new Date('2026-12-02T08:00:00.000Z'), status: 'SETTLED', note: null },
    ],
  }),
);
const p2 = store(
  payment('p2', {
    message: null,
    amountMinor: null,
    fee: undefined,
    sequence: null,
    urgent: null,
    status: null,
    dueDate: null,
    from_account: { number: 'DK003', holder: null, bank: null },
    to_account: null,
    tags: null,
    notes: [null, 'late', null],
    history: [],
    related: [null],
  }),
);
store(
  payment('p8', {
    amountMinor: 0,
    to_account: { number: 'DK004', holder: 'Linus', bank: { name: 'Other Bank', bic: null } },
    tags: [],
    notes: null,
    related: [p1, p2],
  }),
);
// Broken records: each field failure graphql-js knows.
const p3 = store(payment('p3', { currency: null }));
const p4 = store(
  payment('p4', { to_account: { number: null, holder: 'Nobody' }, tags: 'urgent', notes: 42 }),
);
store(payment('p5', { status: 'REFUNDED', dueDate: 'unknown', sequence: 2 ** 40, urgent: 'yes' }));
store(
  payment('p6', {
    tags: ['a', null, 'c'],
    history: [
      { at: '2026-12-01T08:00:00.000Z', status: 'PENDING', note: null },
      { at: '2026-12-03T08:00:00.000Z', status: null, note: 'lost' },
    ],
  }),
);
store(payment('p7', { from_account: { number: null, holder: 'Ada' } }));
store(payment('p9', { amountMinor: 'corrupt', dueDate: 'not a date', fee: 'NaN-ish' }));
store(payment('p10', { to_account: 'DK002', related: [p3, p1, p4] }));

const CLEAN_PAGE = ['p1', 'p2', 'p8', 'missing'];
const BROKEN_PAGE = ['p3', 'p4', 'p5', 'p6', 'p7', 'p9', 'p10', 'p1'];

/** The custom scalar: a Date or an ISO text; `undefined` for "unknown", which graphql-js refuses. */
function serializeDateTime(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value === 'unknown') return undefined;
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return value;
  throw new TypeError(`AWSDateTime cannot represent ${JSON.stringify(value)}`);
}

/** A record by id; the id's prefix picks how the store answers (a promise, later, an error). */
function lookup(id: string, context: Context): unknown {
  if (id.startsWith('async-')) return Promise.resolve(records.get(id.slice('async-'.length)) ?? null);
  if (id.startsWith('later-'))
    return new Promise((resolve) => {
      setImmediate(() => {
        context.log.push(`settled ${id}`);
        resolve(records.get(id.slice('later-'.length)) ?? null);
      });
    });
  if (id === 'boom') throw new Error('the payments store is unavailable');
  if (id === 'reject') return Promise.reject(new Error('the payments store timed out'));
  if (id === 'string') return 'p1';
  return records.get(id) ?? null;
}

interface Filter {
  readonly and?: readonly (Filter | null)[] | null;
  readonly or?: readonly (Filter | null)[] | null;
  readonly not?: Filter | null;
  readonly amount?: number | null;
}

function matches(filter: Filter | null | undefined, row: Row): boolean {
  if (filter === null || filter === undefined) return true;
  const amount = typeof row['amountMinor'] === 'number' ? row['amountMinor'] / 100 : Number.NaN;
  return (
    (filter.amount === null || filter.amount === undefined || amount >= filter.amount) &&
    (filter.and === null || filter.and === undefined || filter.and.every((each) => matches(each, row))) &&
    (filter.or === null ||
      filter.or === undefined ||
      filter.or.length === 0 ||
      filter.or.some((each) => matches(each, row))) &&
    (filter.not === null || filter.not === undefined || !matches(filter.not, row))
  );
}

function settle(context: Context, what: string): Promise<void> {
  return new Promise((resolve) => {
    setImmediate(() => {
      context.log.push(`settled ${what}`);
      resolve();
    });
  });
}

function paymentsSchema(): GraphQLSchema {
  const schema = buildSchema(SDL);
  const object = (name: string): GraphQLObjectType => schema.getType(name) as GraphQLObjectType;
  const root = (type: string, name: string, resolve: (args: Row, context: Context) => unknown): void => {
    const field = object(type).getFields()[name];
    assert.ok(field, `${type}.${name}`);
    field.resolve = (_source, args: Row, context: Context) => {
      context.log.push(`${name}(${JSON.stringify(args)})`);
      return resolve(args, context);
    };
  };
  const nested = (type: string, name: string, resolve: (source: Row) => unknown): void => {
    const field = object(type).getFields()[name];
    assert.ok(field, `${type}.${name}`);
    field.resolve = resolve as never;
  };
  (schema.getType('AWSDateTime') as GraphQLScalarType).serialize = serializeDateTime;
  (schema.getType('SearchResult') as GraphQLUnionType).resolveType = (value: Row) =>
    'id' in value ? 'Payment' : 'Account';

  root('Query', 'getPayment', ({ id }, context) => lookup(id as string, context));
  root('Query', 'requiredPayment', ({ id }, context) => lookup(id as string, context));
  root('Query', 'listPayments', ({ limit, filter, nextToken }) => {
    if (nextToken === 'not-a-list') return { items: p1, nextToken: null };
    if (nextToken === 'reject') return Promise.reject(new Error('the page token expired'));
    const page = (nextToken === 'broken' ? BROKEN_PAGE : CLEAN_PAGE).map((id) => records.get(id) ?? null);
    const items = page
      .filter((row) => row === null || matches(filter as Filter | null | undefined, row))
      .slice(0, (limit as number | null | undefined) ?? undefined);
    return { items, nextToken: items.length < page.length ? 'more' : null };
  });
  root('Query', 'paymentCount', ({ status }) =>
    status === 'FAILED'
      ? null
      : [...records.values()].filter((row) => status === undefined || row['status'] === status).length,
  );
  root('Query', 'search', () => [p1, { number: 'DK001', holder: 'Ada' }]);
  root('Mutation', 'createPayment', async ({ input }, context) => {
    const { id, amount, message, currency } = input as Row;
    await settle(context, `createPayment ${String(id)}`);
    return payment(id as string, { amountMinor: Math.round((amount as number) * 100), message, currency });
  });
  root('Mutation', 'deletePayment', ({ id }) => {
    if (id === 'p1') throw new Error('Payment p1 is settled and cannot be deleted');
    return Promise.reject(new Error(`Payment ${String(id)} was not found`));
  });
  root('Mutation', 'settlePayment', ({ id }) => {
    const row = records.get(id as string);
    return row === undefined ? null : { ...row, status: 'SETTLED' };
  });
  // The generated schema's Float outputs: a source-only resolver (scalars.ts' floatOutputs).
  nested(
    'Payment',
    'amount',
    sourceOnlyResolver((source) => {
      const minor = source['amountMinor'];
      if (minor === null || minor === undefined) return null;
      if (typeof minor !== 'number') throw new Error(`Payment ${String(source['id'])} has a corrupt amount`);
      return minor / 100;
    }),
  );
  nested('Payment', 'audit', (source) => source['audit']);
  return schema;
}

const schema = paymentsSchema();
const compiled = new CompiledExecution({ schema, validationRules: [] });

interface Request {
  readonly query: string;
  readonly variables?: Row | undefined;
  readonly operationName?: string | undefined;
}

interface ComparableResult {
  readonly keys: readonly string[];
  readonly data: unknown;
  readonly errors: readonly { readonly message: string; readonly path: unknown }[] | undefined;
}

interface Observed {
  readonly result: ComparableResult;
  readonly log: readonly string[];
}

// graphql-js words a leaf's refused (null or undefined) serialization itself: the path is compared.
const LEAF_SERIALIZE = /^Expected `\w+\.serialize\(.*\)` to return non-nullable value, returned: /s;
const LEAF_SERIALIZE_MESSAGE = '(a leaf serialize returned no value)';

function comparable(result: ExecutionResult): ComparableResult {
  return {
    keys: Object.keys(result),
    data: result.data === undefined ? undefined : JSON.parse(JSON.stringify(result.data)),
    errors: result.errors?.map((error) => ({
      message: LEAF_SERIALIZE.test(error.message) ? LEAF_SERIALIZE_MESSAGE : error.message,
      path: error.path,
    })),
  };
}

/** graphql-js' answer, on a document that must be valid (the generator's output included). */
async function interpreted(request: Request): Promise<Observed> {
  const context: Context = { log: [] };
  const document = parse(request.query);
  const invalid = validate(schema, document).map((error) => error.message);
  assert.deepEqual(invalid, [], `a valid document:\n${request.query}`);
  const result = await execute({
    schema,
    document,
    variableValues: request.variables,
    operationName: request.operationName,
    contextValue: context,
  });
  return { result: comparable(result), log: [...context.log] };
}

async function compiledRun(request: Request): Promise<{ answer: Observed | undefined; log: string[] }> {
  const context: Context = { log: [] };
  const answer = await compiled.run(request, context);
  const log = [...context.log];
  return { answer: answer === undefined ? undefined : { result: comparable(answer.result), log }, log };
}

/** What tells `actual` from `expected` (key order included), or undefined when they are the same. */
function difference(actual: Observed | undefined, expected: Observed): string | undefined {
  if (actual === undefined) return 'compiled execution declined the document';
  const text = (observed: Observed): string => JSON.stringify(observed, undefined, 1);
  return text(actual) === text(expected)
    ? undefined
    : `compiled:   ${JSON.stringify(actual)}\ngraphql-js: ${JSON.stringify(expected)}`;
}

/**
 * Runs `query` through graphql-js and compiled execution (cold, then from its document cache),
 * asserts the same result and resolver calls, and answers graphql-js' result.
 */
async function same(query: string, variables?: Row, operationName?: string): Promise<Observed> {
  const request = { query, variables, operationName };
  const expected = await interpreted(request);
  for (const pass of ['cold', 'cached']) {
    const { answer } = await compiledRun(request);
    assert.ok(answer, `compiled execution answered (${pass})`);
    assert.deepEqual(answer, expected, pass);
    assert.equal(difference(answer, expected), undefined, `${pass}: the same key order`);
  }
  return expected;
}

/** Asserts compiled execution leaves `request` to the interpreter before any resolver ran. */
async function declined(query: string, variables?: Row, operationName?: string): Promise<void> {
  for (const pass of ['cold', 'cached']) {
    const { answer, log } = await compiledRun({ query, variables, operationName });
    assert.equal(answer, undefined, `declined (${pass})`);
    assert.deepEqual(log, [], `no resolver ran (${pass})`);
  }
}

// ---------------------------------------------------------------------------------------------
// The document generator.

/** mulberry32: a small seeded generator, so a failing document is reproducible. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Variant {
  /** The response key: a variant's key always means the same field and arguments (so they merge). */
  readonly key: string;
  readonly args?: string;
  readonly variables?: readonly string[];
}

interface FieldChoice {
  readonly field: string;
  /** The object type of its sub-selection; none for a leaf. */
  readonly type?: string | undefined;
  /** The first is used most; a variant with variables is never used inside a fragment. */
  readonly variants: readonly Variant[];
}

const aliased = (field: string): Variant[] => [{ key: field }, { key: `${field}A` }, { key: `${field}B` }];
const typename: FieldChoice = {
  field: '__typename',
  variants: [{ key: '__typename' }, { key: 'typename' }, { key: 'kind' }],
};

function objectChoices(type: string): FieldChoice[] {
  const fields = Object.values((schema.getType(type) as GraphQLObjectType).getFields());
  return [
    typename,
    ...fields
      .filter((field) => !INTERPRETED_ONLY.has(field.name))
      .map((field) => {
        const named = getNamedType(field.type);
        return {
          field: field.name,
          type: isLeafType(named) ? undefined : named.name,
          variants: aliased(field.name),
        };
      }),
  ];
}

const safe = (id: string): string => id.replace(/-/g, '_');

interface Pools {
  readonly ids: readonly string[];
  readonly requiredIds: readonly string[];
  readonly broken: boolean;
}

const CLEAN: Pools = {
  ids: ['p1', 'p2', 'p8', 'missing', 'async-p1', 'later-p2'],
  requiredIds: ['p1', 'p2', 'p8', 'async-p1'],
  broken: false,
};
const BROKEN_IDS = [
  'p3',
  'p4',
  'p5',
  'p6',
  'p7',
  'p9',
  'p10',
  'boom',
  'reject',
  'string',
  'async-p4',
  'later-p6',
];
const BROKEN: Pools = {
  ids: [...CLEAN.ids, ...BROKEN_IDS],
  requiredIds: [...CLEAN.requiredIds, ...BROKEN_IDS],
  broken: true,
};

function rootChoices(pools: Pools): Record<'Query' | 'Mutation', FieldChoice[]> {
  const broken = <T>(items: T[]): T[] => (pools.broken ? items : []);
  return {
    Query: [
      typename,
      {
        field: 'getPayment',
        type: 'Payment',
        variants: [
          { key: 'getPayment', args: '(id: $id)', variables: ['id'] },
          ...pools.ids.map((id) => ({ key: `get_${safe(id)}`, args: `(id: "${id}")` })),
        ],
      },
      {
        field: 'listPayments',
        type: 'ModelPaymentConnection',
        variants: [
          { key: 'listPayments', args: '(limit: $limit, filter: $filter)', variables: ['limit', 'filter'] },
          { key: 'listAll' },
          { key: 'listTwo', args: '(limit: 2)' },
          {
            key: 'listRich',
            args: '(filter: {or: [{amount: 1000}, {not: {amount: 50}}], and: [{amount: 0}]})',
          },
          ...broken([
            { key: 'listBroken', args: '(nextToken: "broken")' },
            { key: 'listBrokenLimited', args: '(limit: $limit, nextToken: "broken")', variables: ['limit'] },
            { key: 'listNotAList', args: '(nextToken: "not-a-list")' },
            { key: 'listRejected', args: '(nextToken: "reject")' },
          ]),
        ],
      },
      {
        field: 'requiredPayment',
        type: 'Payment',
        variants: pools.requiredIds.map((id) => ({ key: `required_${safe(id)}`, args: `(id: "${id}")` })),
      },
      {
        field: 'paymentCount',
        variants: [
          { key: 'paymentCount' },
          { key: 'pendingCount', args: '(status: PENDING)' },
          ...broken([{ key: 'failedCount', args: '(status: FAILED)' }]),
        ],
      },
    ],
    Mutation: [
      typename,
      {
        field: 'createPayment',
        type: 'Payment',
        variants: [
          { key: 'createPayment', args: '(input: $input)', variables: ['input'] },
          { key: 'createSmall', args: '(input: {id: "n1", amount: 12.5, currency: "DKK"})' },
          {
            key: 'createLarge',
            args: '(input: {id: "n2", amount: 99000, message: "Bonus", currency: "EUR"})',
          },
        ],
      },
      {
        field: 'settlePayment',
        type: 'Payment',
        variants: [
          { key: 'settle_p1', args: '(id: "p1")' },
          ...broken([
            { key: 'settle_missing', args: '(id: "missing")' },
            { key: 'settle_p3', args: '(id: "p3")' },
          ]),
        ],
      },
      ...broken([
        {
          field: 'deletePayment',
          type: 'Payment',
          variants: [
            { key: 'deleteSettled', args: '(id: "p1")' },
            { key: 'deleteMissing', args: '(id: "nope")' },
          ],
        },
      ]),
    ],
  };
}

interface Fragment {
  readonly name: string;
  readonly type: string;
  readonly text: string;
}

/** Valid documents of the compiled subset: random fields, aliases, merges, fragments, operations. */
class DocumentGenerator {
  readonly #random: () => number;
  readonly #pools: Pools;
  readonly #roots: Record<'Query' | 'Mutation', FieldChoice[]>;
  readonly #objects = new Map<string, FieldChoice[]>();
  #fragments: Fragment[] = [];
  /** Above 0 while a fragment's body is written: it spreads finished fragments only (no cycles). */
  #inFragment = 0;
  #nesting = 0;
  #used = new Set<string>();

  constructor(seed: number, pools: Pools) {
    this.#random = mulberry32(seed);
    this.#pools = pools;
    this.#roots = rootChoices(pools);
  }

  #int(below: number): number {
    return Math.floor(this.#random() * below);
  }

  #chance(probability: number): boolean {
    return this.#random() < probability;
  }

  #pick<T>(items: readonly T[]): T {
    return items[this.#int(items.length)] as T;
  }

  #choices(type: string): FieldChoice[] {
    if (type === 'Query' || type === 'Mutation') return this.#roots[type];
    let choices = this.#objects.get(type);
    if (choices === undefined) {
      choices = objectChoices(type);
      this.#objects.set(type, choices);
    }
    return choices;
  }

  #selectionSet(type: string, depth: number): string {
    const selections: string[] = [];
    for (let count = 1 + this.#int(4); count > 0; count -= 1) selections.push(this.#selection(type, depth));
    return `{ ${selections.join(' ')} }`;
  }

  #selection(type: string, depth: number): string {
    const roll = this.#random();
    if (roll < 0.1 && this.#nesting < 3) {
      this.#nesting += 1;
      const inner = this.#selectionSet(type, depth);
      this.#nesting -= 1;
      return this.#chance(0.5) ? `... ${inner}` : `... on ${type} ${inner}`;
    }
    if (roll < 0.2) {
      const spread = this.#spread(type, depth);
      if (spread !== undefined) return spread;
    }
    return this.#field(type, depth);
  }

  #field(type: string, depth: number): string {
    const choice = this.#pick(this.#choices(type).filter((each) => each.type === undefined || depth > 0));
    const variants =
      this.#inFragment > 0 ? choice.variants.filter((each) => each.variables === undefined) : choice.variants;
    const variant = this.#chance(0.6) ? (variants[0] as Variant) : this.#pick(variants);
    for (const name of variant.variables ?? []) this.#used.add(name);
    const head = `${variant.key === choice.field ? '' : `${variant.key}: `}${choice.field}${variant.args ?? ''}`;
    const one = (): string =>
      choice.type === undefined ? head : `${head} ${this.#selectionSet(choice.type, depth - 1)}`;
    // The same response key twice: graphql-js merges the two fields' selections.
    return this.#chance(0.12) ? `${one()} ${one()}` : one();
  }

  #spread(type: string, depth: number): string | undefined {
    const finished = this.#fragments.filter((each) => each.type === type);
    let fragment: Fragment | undefined;
    if (
      this.#inFragment === 0 &&
      this.#fragments.length < 4 &&
      (finished.length === 0 || this.#chance(0.3))
    ) {
      const name = `${type}Fields${this.#fragments.length + 1}`;
      this.#inFragment += 1;
      const body = this.#selectionSet(type, Math.min(depth, 2));
      this.#inFragment -= 1;
      fragment = { name, type, text: `fragment ${name} on ${type} ${body}` };
      this.#fragments.push(fragment);
    } else if (finished.length > 0) fragment = this.#pick(finished);
    if (fragment === undefined) return undefined;
    return this.#chance(0.3) ? `...${fragment.name} ...${fragment.name}` : `...${fragment.name}`;
  }

  #filter(depth: number): Row {
    const filter: Row = {};
    if (this.#chance(0.6)) filter['amount'] = this.#int(200_000) / 100;
    if (depth > 0 && this.#chance(0.4))
      filter['and'] = Array.from({ length: 1 + this.#int(2) }, () =>
        this.#chance(0.1) ? null : this.#filter(depth - 1),
      );
    if (depth > 0 && this.#chance(0.4))
      filter['or'] = Array.from({ length: this.#int(3) }, () => this.#filter(depth - 1));
    if (depth > 0 && this.#chance(0.3)) filter['not'] = this.#filter(depth - 1);
    return filter;
  }

  #declaration(name: string): string {
    if (name === 'id') return '$id: ID!';
    if (name === 'limit') return this.#chance(0.3) ? '$limit: Int = 2' : '$limit: Int';
    if (name === 'filter') return '$filter: PaymentFilter';
    return '$input: CreatePaymentInput!';
  }

  #value(name: string, variables: Row): void {
    if (name === 'id') variables['id'] = this.#pick(this.#pools.ids);
    else if (name === 'limit') {
      const roll = this.#random();
      if (roll < 0.15) variables['limit'] = null;
      else if (roll > 0.35) variables['limit'] = this.#int(5);
    } else if (name === 'filter') {
      if (this.#chance(0.75)) variables['filter'] = this.#filter(3);
    } else
      variables['input'] = {
        id: `v${this.#int(100)}`,
        amount: this.#int(100_000) / 100,
        currency: this.#pick(['DKK', 'EUR', 'HUF']),
        ...(this.#chance(0.5) ? { message: 'Generated' } : {}),
      };
  }

  /** One document, its variables for the operation it names, and that name. */
  document(): Request {
    this.#fragments = [];
    const count = this.#chance(0.7) ? 1 : 2 + this.#int(2);
    const operations: {
      readonly name: string | undefined;
      readonly text: string;
      readonly used: string[];
    }[] = [];
    for (let index = 0; index < count; index += 1) {
      const kind = this.#chance(0.2) ? 'mutation' : 'query';
      const name = count === 1 && this.#chance(0.4) ? undefined : `Op${index + 1}`;
      this.#used = new Set();
      const body = this.#selectionSet(kind === 'query' ? 'Query' : 'Mutation', 3);
      const used = [...this.#used];
      const declarations = used.map((each) => this.#declaration(each)).join(', ');
      const head =
        kind === 'query' && name === undefined && used.length === 0
          ? ''
          : `${kind}${name === undefined ? '' : ` ${name}`}${used.length === 0 ? '' : `(${declarations})`} `;
      operations.push({ name, text: `${head}${body}`, used });
    }
    const chosen = this.#pick(operations);
    const variables: Row = {};
    for (const name of chosen.used) this.#value(name, variables);
    const definitions = [...operations.map((each) => each.text), ...this.#fragments.map((each) => each.text)];
    if (this.#chance(0.3)) definitions.reverse();
    return {
      query: definitions.join('\n'),
      variables: chosen.used.length === 0 && this.#chance(0.5) ? undefined : variables,
      operationName: count > 1 || (chosen.name !== undefined && this.#chance(0.5)) ? chosen.name : undefined,
    };
  }
}

interface Divergence {
  readonly request: Request;
  readonly difference: string;
}

interface Survey {
  readonly divergences: readonly Divergence[];
  readonly withErrors: number;
  readonly withoutData: number;
  readonly mutations: number;
  readonly operations: number;
}

async function survey(seed: number, pools: Pools, count: number): Promise<Survey> {
  const generator = new DocumentGenerator(seed, pools);
  const divergences: Divergence[] = [];
  let withErrors = 0;
  let withoutData = 0;
  let mutations = 0;
  let operations = 0;
  for (let index = 0; index < count; index += 1) {
    const request = generator.document();
    const expected = await interpreted(request);
    if (expected.result.errors !== undefined) withErrors += 1;
    if (expected.result.data === null) withoutData += 1;
    if (request.query.includes('mutation')) mutations += 1;
    if (request.operationName !== undefined) operations += 1;
    for (const pass of ['cold', 'cached']) {
      const found = difference((await compiledRun(request)).answer, expected);
      if (found !== undefined) {
        divergences.push({ request, difference: `${pass}: ${found}` });
        break;
      }
    }
  }
  return { divergences, withErrors, withoutData, mutations, operations };
}

function report(found: Survey, count: number): string {
  const shortest = [...found.divergences].sort((a, b) => a.request.query.length - b.request.query.length)[0];
  if (shortest === undefined) return 'no divergence';
  return [
    `${found.divergences.length} of ${count} documents differ; the shortest:`,
    shortest.request.query,
    `variables: ${JSON.stringify(shortest.request.variables)}, operationName: ${String(shortest.request.operationName)}`,
    shortest.difference,
  ].join('\n');
}

const DOCUMENTS = 300;

// ---------------------------------------------------------------------------------------------

describe('compiled execution against graphql-js', () => {
  test('the comparison tells apart a value, a key order, an error path, a resolver call', () => {
    const observed = (result: ExecutionResult, log: string[] = []): Observed => ({
      result: comparable(result),
      log,
    });
    const error = (message: string, path: string[]): GraphQLError => new GraphQLError(message, { path });
    const base = observed({ data: { a: 1, b: { c: 'x' } }, errors: [error('boom', ['b', 'c'])] });
    assert.equal(
      difference(observed({ data: { a: 1, b: { c: 'x' } }, errors: [error('boom', ['b', 'c'])] }), base),
      undefined,
    );
    for (const other of [
      observed({ data: { a: 2, b: { c: 'x' } }, errors: [error('boom', ['b', 'c'])] }),
      observed({ data: { b: { c: 'x' }, a: 1 }, errors: [error('boom', ['b', 'c'])] }),
      observed({ data: { a: 1, b: { c: 'x' } }, errors: [error('boom', ['b'])] }),
      observed({ data: { a: 1, b: { c: 'x' } }, errors: [error('bang', ['b', 'c'])] }),
      observed({ data: { a: 1, b: { c: 'x' } } }),
      observed({ errors: [error('boom', ['b', 'c'])], data: { a: 1, b: { c: 'x' } } }),
      observed({ data: { a: 1, b: { c: 'x' } }, errors: [error('boom', ['b', 'c'])] }, ['getPayment({})']),
      undefined,
    ])
      assert.notEqual(difference(other, base), undefined, JSON.stringify(other));
    // A leaf's refused serialization is compared by its path alone, not by graphql-js' wording.
    const refused = (path: string[]): Observed =>
      observed({
        data: {},
        errors: [
          error(
            'Expected `AWSDateTime.serialize("unknown")` to return non-nullable value, returned: undefined',
            path,
          ),
        ],
      });
    assert.equal(
      difference(
        refused(['a']),
        observed({
          data: {},
          errors: [
            error(
              'Expected `AWSDateTime.serialize(unknown)` to return non-nullable value, returned: undefined',
              ['a'],
            ),
          ],
        }),
      ),
      undefined,
    );
    assert.notEqual(difference(refused(['a']), refused(['b'])), undefined);
  });

  describe('generated documents', () => {
    test(`${DOCUMENTS} documents over well-formed records give graphql-js' results`, async () => {
      const found = await survey(0x5eed, CLEAN, DOCUMENTS);
      assert.equal(found.withErrors, 0, 'the well-formed records give no errors');
      assert.ok(found.mutations > DOCUMENTS / 10 && found.operations > DOCUMENTS / 5, JSON.stringify(found));
      assert.equal(found.divergences.length, 0, report(found, DOCUMENTS));
    });

    test(`${DOCUMENTS} documents over broken records give graphql-js' results and errors`, async () => {
      const found = await survey(0xbad, BROKEN, DOCUMENTS);
      assert.ok(
        found.withErrors > DOCUMENTS / 3,
        `a third of the documents meet an error (${found.withErrors})`,
      );
      assert.ok(found.withoutData > 0, 'some documents lose their whole data');
      assert.equal(found.divergences.length, 0, report(found, DOCUMENTS));
    });
  });

  describe('documents of the compiled subset', () => {
    test('merges a response key across aliases, fragments and repeats, in graphql-js order', async () => {
      const { result } = await same(
        `query Merged {
          second: getPayment(id: "p1") { id }
          getPayment(id: "p1") {
            ...Money id ... on Payment { currency from_account { number } } ... { kind: __typename }
            from_account { holder ...Money2 } ...Money
          }
          second: getPayment(id: "p1") { message }
          __typename
        }
        fragment Money on Payment { amount currency __typename }
        fragment Money2 on Account { bank { name } }`,
      );
      assert.deepEqual(result.data, {
        second: { id: 'p1', message: 'Rent' },
        getPayment: {
          amount: 1250.5,
          currency: 'DKK',
          __typename: 'Payment',
          id: 'p1',
          from_account: { number: 'DK001', holder: 'Ada', bank: { name: 'Atrium Bank' } },
          kind: 'Payment',
        },
        __typename: 'Query',
      });
    });

    test('serializes every leaf type and keeps nulls in nullable positions', async () => {
      const { result } = await same(
        `{ getPayment(id: "p2") { id message amount fee sequence urgent status dueDate currency
            from_account { number holder bank { name } } to_account { number } tags notes history { at }
            related { id } } p1: getPayment(id: "p1") { amount sequence urgent status dueDate history { at status note } } }`,
      );
      assert.equal(result.errors, undefined);
      assert.deepEqual(result.data, {
        getPayment: {
          id: 'p2',
          message: null,
          amount: null,
          fee: null,
          sequence: null,
          urgent: null,
          status: null,
          dueDate: null,
          currency: 'DKK',
          from_account: { number: 'DK003', holder: null, bank: null },
          to_account: null,
          tags: null,
          notes: [null, 'late', null],
          history: [],
          related: [null],
        },
        p1: {
          amount: 1250.5,
          sequence: 7,
          urgent: true,
          status: 'SETTLED',
          dueDate: '2026-12-24T00:00:00.000Z',
          history: [
            { at: '2026-12-01T08:00:00.000Z', status: 'PENDING', note: 'created' },
            { at: '2026-12-02T08:00:00.000Z', status: 'SETTLED', note: null },
          ],
        },
      });
    });

    test('coerces variables, defaults and the recursive filter as graphql-js does', async () => {
      const query = `query List($limit: Int = 2, $filter: PaymentFilter) {
        listPayments(limit: $limit, filter: $filter) { items { id amount } nextToken } }`;
      const { log, result } = await same(query, {
        filter: { or: [{ amount: 1000 }, { not: { amount: 50 } }], and: [null, { and: [{ amount: 0 }] }] },
      });
      assert.deepEqual(log, [
        'listPayments({"limit":2,"filter":{"and":[null,{"and":[{"amount":0}]}],"or":[{"amount":1000},{"not":{"amount":50}}]}})',
      ]);
      assert.deepEqual(result.data, {
        listPayments: {
          items: [
            { id: 'p1', amount: 1250.5 },
            { id: 'p8', amount: 0 },
          ],
          nextToken: 'more',
        },
      });
      await same(query, { limit: null, filter: { not: { amount: 2000 } } });
      await same(query, { limit: 0 });
    });

    test('runs the operation a document names', async () => {
      const document = `query A { getPayment(id: "p1") { id } } query B($id: ID!) { getPayment(id: $id) { message } }
        mutation C { settlePayment(id: "p1") { status } }`;
      assert.deepEqual((await same(document, undefined, 'A')).result.data, { getPayment: { id: 'p1' } });
      assert.deepEqual((await same(document, { id: 'p8' }, 'B')).result.data, {
        getPayment: { message: 'Payment p8' },
      });
      assert.deepEqual((await same(document, {}, 'C')).result.data, { settlePayment: { status: 'SETTLED' } });
    });

    test("runs a query's root fields concurrently", async () => {
      const { log } = await same(
        `{ a: getPayment(id: "later-p1") { id } b: getPayment(id: "later-p2") { id } }`,
      );
      assert.deepEqual(log, [
        'getPayment({"id":"later-p1"})',
        'getPayment({"id":"later-p2"})',
        'settled later-p1',
        'settled later-p2',
      ]);
    });

    test("runs a mutation's root fields serially: the second after the first settled", async () => {
      const { log, result } = await same(
        `mutation { first: createPayment(input: {id: "n1", amount: 1, currency: "DKK"}) { id amount }
          second: createPayment(input: {id: "n2", amount: 2.5, currency: "EUR"}) { id currency } __typename }`,
      );
      assert.deepEqual(log, [
        'createPayment({"input":{"id":"n1","amount":1,"currency":"DKK"}})',
        'settled createPayment n1',
        'createPayment({"input":{"id":"n2","amount":2.5,"currency":"EUR"}})',
        'settled createPayment n2',
      ]);
      assert.deepEqual(result.data, {
        first: { id: 'n1', amount: 1 },
        second: { id: 'n2', currency: 'EUR' },
        __typename: 'Mutation',
      });
    });
  });

  describe('field errors', () => {
    test('a null in a non-null leaf nulls the nearest nullable parent', async () => {
      const { result } = await same(`{ getPayment(id: "p3") { id currency message } }`);
      assert.deepEqual(result.data, { getPayment: null });
      assert.deepEqual(result.errors, [
        {
          message: 'Cannot return null for non-nullable field Payment.currency.',
          path: ['getPayment', 'currency'],
        },
      ]);
    });

    test('a null bubbles through a non-null object and a non-null list of non-null items', async () => {
      const { result } = await same(
        `{ p7: getPayment(id: "p7") { id from_account { number } } p6: getPayment(id: "p6") { history { status } } }`,
      );
      assert.deepEqual(result.data, { p7: null, p6: null });
      assert.deepEqual(result.errors, [
        {
          message: 'Cannot return null for non-nullable field Account.number.',
          path: ['p7', 'from_account', 'number'],
        },
        {
          message: 'Cannot return null for non-nullable field PaymentEvent.status.',
          path: ['p6', 'history', 1, 'status'],
        },
      ]);
    });

    test('a null item of a list of non-null items nulls the list', async () => {
      const { result } = await same(`{ getPayment(id: "p6") { tags notes } }`);
      assert.deepEqual(result.data, { getPayment: { tags: null, notes: ['first'] } });
      assert.deepEqual(result.errors, [
        {
          message: 'Cannot return null for non-nullable field Payment.tags.',
          path: ['getPayment', 'tags', 1],
        },
      ]);
    });

    test('a null in a non-null root field nulls the whole data', async () => {
      const required = await same(
        `{ getPayment(id: "p1") { id } requiredPayment(id: "p3") { id currency } }`,
      );
      assert.deepEqual(required.result, {
        keys: ['errors', 'data'],
        data: null,
        errors: [
          {
            message: 'Cannot return null for non-nullable field Payment.currency.',
            path: ['requiredPayment', 'currency'],
          },
        ],
      });
      const count = await same(`{ paymentCount failed: paymentCount(status: FAILED) }`);
      assert.deepEqual(count.result.errors, [
        { message: 'Cannot return null for non-nullable field Query.paymentCount.', path: ['failed'] },
      ]);
    });

    test('a list field whose value is not iterable is an error at that field', async () => {
      const nested = await same(`{ getPayment(id: "p4") { tags notes id } }`);
      assert.deepEqual(nested.result.data, { getPayment: { tags: null, notes: null, id: 'p4' } });
      assert.deepEqual(nested.result.errors, [
        {
          message: 'Expected Iterable, but did not find one for field "Payment.tags".',
          path: ['getPayment', 'tags'],
        },
        {
          message: 'Expected Iterable, but did not find one for field "Payment.notes".',
          path: ['getPayment', 'notes'],
        },
      ]);
      const connection = await same(`{ listPayments(nextToken: "not-a-list") { items { id } nextToken } }`);
      assert.deepEqual(connection.result.data, { listPayments: null });
      assert.deepEqual(connection.result.errors, [
        {
          message: 'Expected Iterable, but did not find one for field "ModelPaymentConnection.items".',
          path: ['listPayments', 'items'],
        },
      ]);
    });

    test("a value a leaf's serialize rejects or returns nothing for is an error at that leaf", async () => {
      const { result } = await same(`{ p5: getPayment(id: "p5") { id status sequence urgent dueDate }
        p9: getPayment(id: "p9") { dueDate fee } }`);
      assert.deepEqual(result.data, {
        p5: { id: 'p5', status: null, sequence: null, urgent: null, dueDate: null },
        p9: { dueDate: null, fee: null },
      });
      assert.deepEqual(result.errors, [
        { message: 'Enum "PaymentStatus" cannot represent value: "REFUNDED"', path: ['p5', 'status'] },
        {
          message: 'Int cannot represent non 32-bit signed integer value: 1099511627776',
          path: ['p5', 'sequence'],
        },
        { message: 'Boolean cannot represent a non boolean value: "yes"', path: ['p5', 'urgent'] },
        { message: LEAF_SERIALIZE_MESSAGE, path: ['p5', 'dueDate'] },
        { message: 'AWSDateTime cannot represent "not a date"', path: ['p9', 'dueDate'] },
        { message: 'Float cannot represent non numeric value: "NaN-ish"', path: ['p9', 'fee'] },
      ]);
    });

    test('a source-only resolver that throws is an error at its field', async () => {
      const { result } = await same(`{ getPayment(id: "p9") { id amount } }`);
      assert.deepEqual(result.data, { getPayment: { id: 'p9', amount: null } });
      assert.deepEqual(result.errors, [
        { message: 'Payment p9 has a corrupt amount', path: ['getPayment', 'amount'] },
      ]);
    });

    test('a root resolver that throws or rejects is an error at its field', async () => {
      for (const query of [
        `{ getPayment(id: "boom") { id } other: getPayment(id: "reject") { id } ok: getPayment(id: "p1") { id } }`,
        `{ other: getPayment(id: "reject") { id } getPayment(id: "boom") { id } ok: getPayment(id: "p1") { id } }`,
      ]) {
        const { result } = await same(query);
        assert.deepEqual(result.data, { getPayment: null, other: null, ok: { id: 'p1' } });
        // The synchronous throw is met first, whichever field comes first.
        assert.deepEqual(result.errors, [
          { message: 'the payments store is unavailable', path: ['getPayment'] },
          { message: 'the payments store timed out', path: ['other'] },
        ]);
      }
      const rejectedList = await same(`{ listPayments(nextToken: "reject") { nextToken } }`);
      assert.deepEqual(rejectedList.result.errors, [
        { message: 'the page token expired', path: ['listPayments'] },
      ]);
    });

    test('an object where a string is found has only nulls', async () => {
      const { result } = await same(`{ getPayment(id: "p10") { id to_account { holder number } }
        string: getPayment(id: "string") { __typename message } }`);
      assert.deepEqual(result.data, {
        getPayment: { id: 'p10', to_account: null },
        string: { __typename: 'Payment', message: null },
      });
      assert.deepEqual(result.errors, [
        {
          message: 'Cannot return null for non-nullable field Account.number.',
          path: ['getPayment', 'to_account', 'number'],
        },
      ]);
    });

    test('a nulled list item leaves its siblings', async () => {
      const { result } = await same(`{ getPayment(id: "p10") { related { id currency } } }`);
      assert.deepEqual(result.data, {
        getPayment: { related: [null, { id: 'p1', currency: 'DKK' }, { id: 'p4', currency: 'DKK' }] },
      });
      assert.equal(result.errors?.length, 1);
    });

    test('a mutation field error leaves the others; a non-null one stops the mutation', async () => {
      const partial =
        await same(`mutation { deletePayment(id: "p1") { id } deleteMissing: deletePayment(id: "nope") { id }
        createPayment(input: {id: "n3", amount: 3, currency: "DKK"}) { id amount } }`);
      assert.deepEqual(partial.result.data, {
        deletePayment: null,
        deleteMissing: null,
        createPayment: { id: 'n3', amount: 3 },
      });
      assert.deepEqual(partial.result.errors, [
        { message: 'Payment p1 is settled and cannot be deleted', path: ['deletePayment'] },
        { message: 'Payment nope was not found', path: ['deleteMissing'] },
      ]);
      const stopped = await same(`mutation { settlePayment(id: "missing") { id }
        createPayment(input: {id: "n4", amount: 4, currency: "DKK"}) { id } }`);
      assert.equal(stopped.result.data, null);
      assert.deepEqual(stopped.log, ['settlePayment({"id":"missing"})']);
    });

    test('an error after a null bubbled into a nullable field is located at its own path', async () => {
      const { result } = await same(`{ getPayment(id: "p4") { to_account { number } tags } }`);
      assert.deepEqual(result.errors, [
        {
          message: 'Cannot return null for non-nullable field Account.number.',
          path: ['getPayment', 'to_account', 'number'],
        },
        {
          message: 'Expected Iterable, but did not find one for field "Payment.tags".',
          path: ['getPayment', 'tags'],
        },
      ]);
    });

    test('a non-null root field failing synchronously runs no root field after it', async () => {
      const { result, log } = await same(
        `{ requiredPayment(id: "p3") { currency } getPayment(id: "boom") { id } }`,
      );
      assert.deepEqual(log, ['requiredPayment({"id":"p3"})']);
      assert.equal(result.errors?.length, 1);
    });

    test('the first root field in document order that fails non-null is the error', async () => {
      const first = await same(
        `{ failed: paymentCount(status: FAILED) required: requiredPayment(id: "boom") { id } }`,
      );
      assert.deepEqual(first.result.errors, [
        { message: 'Cannot return null for non-nullable field Query.paymentCount.', path: ['failed'] },
      ]);
    });

    test("root fields' errors come in graphql-js' order: a promised value's after a present one's", async () => {
      const promised = await same(
        `{ a: getPayment(id: "async-p4") { tags } b: getPayment(id: "p4") { tags } }`,
      );
      assert.deepEqual(
        promised.result.errors?.map((error) => error.path),
        [
          ['b', 'tags'],
          ['a', 'tags'],
        ],
      );
    });

    test('a present root value is completed before the next root resolver throws', async () => {
      const present = await same(
        `{ a: getPayment(id: "p7") { from_account { number } } b: getPayment(id: "boom") { id } }`,
      );
      assert.deepEqual(
        present.result.errors?.map((error) => error.path),
        [['a', 'from_account', 'number'], ['b']],
      );
    });

    test("a non-null root field failing waits for its pending siblings' errors", async () => {
      const { result, log } = await same(
        `{ a: getPayment(id: "later-p4") { tags } requiredPayment(id: "p3") { currency } }`,
      );
      assert.deepEqual(log, [
        'getPayment({"id":"later-p4"})',
        'requiredPayment({"id":"p3"})',
        'settled later-p4',
      ]);
      assert.deepEqual(
        result.errors?.map((error) => error.path),
        [
          ['a', 'tags'],
          ['requiredPayment', 'currency'],
        ],
      );
    });
  });

  describe('documents left to the interpreter, before any resolver ran', () => {
    test('the control: the same fields without a directive run compiled', async () => {
      const { answer, log } = await compiledRun({ query: '{ getPayment(id: "p1") { id message } }' });
      assert.deepEqual(answer?.result.data, { getPayment: { id: 'p1', message: 'Rent' } });
      assert.deepEqual(log, ['getPayment({"id":"p1"})']);
    });

    test('@include and @skip, on a field, a spread, an inline fragment', async () => {
      await declined('{ getPayment(id: "p1") { id message @include(if: true) } }');
      await declined('{ getPayment(id: "p1") @skip(if: false) { id } }');
      await declined(
        'query($yes: Boolean!) { getPayment(id: "p1") { ...F @include(if: $yes) } } fragment F on Payment { id }',
        {
          yes: true,
        },
      );
      await declined('{ getPayment(id: "p1") { ... @skip(if: true) { id } id } }');
    });

    test('introspection: __schema and __type, beside a compiled field too', async () => {
      await declined('{ __schema { queryType { name } } }');
      await declined('{ __type(name: "Payment") { name } }');
      await declined('{ getPayment(id: "p1") { id } __type(name: "Payment") { name } }');
    });

    test('an operation name the document does not have, or none for several operations', async () => {
      const document = 'query A { getPayment(id: "p1") { id } } query B { getPayment(id: "p2") { id } }';
      await same(document, undefined, 'A');
      await declined(document, undefined, 'C');
      await declined(document);
      await declined('{ getPayment(id: "p1") { id } }', undefined, 'A');
    });

    test('documents that do not parse or validate', async () => {
      await declined('{ getPayment(id: "p1") { id }');
      await declined('{ getPayment(id: "p1") { iban } }');
      await declined('{ getPayment { id } }');
      await declined('{ getPayment(id: "p1") { id currency { length } } }');
      await declined('query($id: String!) { getPayment(id: $id) { id } }', { id: 'p1' });
      await declined('{ a: getPayment(id: "p1") { id } a: getPayment(id: "p2") { id } }');
      await declined('fragment F on Payment { id } { getPayment(id: "p1") { id } }');
    });

    test('variables that do not coerce', async () => {
      const cases: [string, Row | undefined][] = [
        ['query($limit: Int) { listPayments(limit: $limit) { nextToken } }', { limit: 'ten' }],
        ['query($id: ID!) { getPayment(id: $id) { id } }', {}],
        ['query($id: ID!) { getPayment(id: $id) { id } }', undefined],
        [
          'query($filter: PaymentFilter) { listPayments(filter: $filter) { nextToken } }',
          { filter: { and: [{ or: [{ amount: 'lots' }] }] } },
        ],
        [
          'query($filter: PaymentFilter) { listPayments(filter: $filter) { nextToken } }',
          { filter: { amout: 1 } },
        ],
        // Valid, but the explicit null of a defaulted variable meets a non-null argument.
        ['query($id: ID = "p1") { getPayment(id: $id) { id } }', { id: null }],
      ];
      for (const [query, variables] of cases) {
        const graphqlJs = await execute({
          schema,
          document: parse(query),
          variableValues: variables,
          contextValue: { log: [] },
        });
        assert.ok(graphqlJs.errors !== undefined, `graphql-js refuses it too: ${query}`);
        await declined(query, variables);
      }
    });

    test('an abstract type, a plain nested resolver, nested arguments, a subscription', async () => {
      await declined('{ search(text: "rent") { ... on Payment { id } } }');
      await declined('{ getPayment(id: "p1") { id audit } }');
      await declined('{ getPayment(id: "p1") { notesSince(index: 1) } }');
      await declined('subscription { onCreatePayment { id } }');
    });
  });

  describe('an operation without variables', () => {
    test('coerces its arguments once: every run gets the same values, frozen, and the same answer', async () => {
      const small = buildSchema(
        'input Range { from: Int, to: [Int] }\ntype Query { span(range: Range, limit: Int): Int }',
      );
      const seen: unknown[] = [];
      (small.getQueryType()!.getFields()['span'] as { resolve?: unknown }).resolve = (
        _root: unknown,
        args: { range: { from: number; to: number[] }; limit: number },
      ) => {
        seen.push(args);
        return args.range.to.reduce((sum, value) => sum + value, args.range.from + args.limit);
      };
      const execution = new CompiledExecution({ schema: small, validationRules: [] });
      const request = { query: '{ span(range: { from: 1, to: [2, 3] }, limit: 4) }' };
      const answers = [await execution.run(request, {}), await execution.run(request, {})];
      for (const answer of answers) assert.deepEqual(answer?.result, { data: { span: 10 } });
      assert.equal(seen.length, 2);
      assert.equal(seen[0], seen[1], 'the same coerced arguments');
      const args = seen[0] as { range: { to: number[] } };
      assert.ok(Object.isFrozen(args) && Object.isFrozen(args.range) && Object.isFrozen(args.range.to));
      // A resolver changing them would change the next request's: it fails instead (strict mode).
      assert.throws(() => args.range.to.push(5), TypeError);
    });
  });
});
