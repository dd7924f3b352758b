import {
  getArgumentValues,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  locatedError,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationRule,
} from 'graphql';
import { LRUCache } from 'lru-cache';

/**
 * Compiled execution of the generated schema's operations (ADR 0111).
 *
 * graphql-js interprets a document field by field: for a 20-item list of 16 fields that is ~320
 * resolver calls, each with its own resolve-info object, argument map and path node — most of the
 * GraphQL route's CPU over a bare route making the same store call. The model types the transformer
 * generates are plain data (every field a property of the record, or a source-only resolver such as
 * a Float output), so a validated document's response is fixed by its selections: this compiles
 * each (document, operation) once into closures that copy and serialize exactly the selected fields,
 * and runs the root resolvers with graphql-js' own argument and variable coercion.
 *
 * The semantics are graphql-js': field order and merging of a response key's fields, the leaf
 * types' `serialize`, errors located at their path, null bubbling to the nearest nullable field,
 * queries' root fields concurrently and mutations' serially, `{ data }` or `{ errors, data }`. A
 * document outside that subset (a directive, an abstract type or a type condition that is not the
 * field's own type, introspection, a nested resolver that is not source-only, a subscription) is
 * left to the interpreter, as are documents that fail to parse or validate and variables that fail
 * to coerce: `run` answers `undefined` for those before any resolver has run.
 */

/** A nested field's resolver that reads only its source (no arguments, context or info). */
const SOURCE_ONLY = new WeakSet<object>();

/** Marks `resolver` as reading its source alone, so compiled execution may call it. */
export function sourceOnlyResolver<T extends (source: Record<string, unknown>) => unknown>(resolver: T): T {
  SOURCE_ONLY.add(resolver);
  return resolver;
}

/** What a compiled operation's run needs per request. */
interface Run {
  readonly errors: GraphQLError[];
  /** The response path of the field being completed (keys and list indexes), for errors. */
  readonly path: (string | number)[];
}

type Complete = (value: unknown, run: Run) => unknown;
/**
 * The same completion without errors recorded or paths kept: it throws at the first anomaly (a
 * null where the schema forbids one, a failing serialize), and the caller then completes the value
 * again with `complete`, which locates and records each error. Reads and serializers are pure, so
 * the second pass sees what the first saw.
 */
type Fast = (value: unknown) => unknown;

interface Completion {
  readonly complete: Complete;
  readonly fast: Fast;
}

interface FieldPlan {
  readonly key: string;
  readonly nodes: readonly FieldNode[];
  readonly type: GraphQLOutputType;
  readonly read: (source: unknown) => unknown;
  /** The record property the field is (a default resolver), read inline by the fast completion. */
  readonly property: string | undefined;
  readonly completion: Completion;
}

interface RootField {
  readonly key: string;
  readonly name: string;
  readonly nodes: readonly FieldNode[];
  readonly definition: GraphQLField<unknown, unknown> | undefined;
  readonly type: GraphQLOutputType;
  readonly completion: Completion;
}

const IDENTITY: Completion = { complete: (value) => value, fast: (value) => value };

/** Freezes `value` and everything it holds: coerced values shared between requests stay as coerced. */
function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const entry of Object.values(value)) deepFreeze(entry);
}

/** A document outside the compiled subset: the interpreter answers it. */
class Interpreted extends Error {}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}

function handleFieldError(error: GraphQLError, type: GraphQLOutputType, run: Run): null {
  // A non-null field's error makes its parent null (graphql-js' handleFieldError).
  if (isNonNullType(type)) throw error;
  run.errors.push(error);
  return null;
}

function located(raw: unknown, nodes: readonly FieldNode[], run: Run): GraphQLError {
  return locatedError(raw, nodes, [...run.path]);
}

function describe(value: unknown): string {
  try {
    return typeof value === 'string' ? JSON.stringify(value) : String(value);
  } catch {
    return typeof value;
  }
}

interface Compiler {
  readonly fragments: Readonly<Record<string, FragmentDefinitionNode>>;
}

/** The fields of `selections` on the object type `type`, by response key in graphql-js' order. */
function collectFields(
  compiler: Compiler,
  type: GraphQLObjectType,
  selectionSets: readonly SelectionSetNode[],
): Map<string, FieldNode[]> {
  const fields = new Map<string, FieldNode[]>();
  const visited = new Set<string>();
  const collect = (selectionSet: SelectionSetNode): void => {
    for (const selection of selectionSet.selections) {
      if ((selection.directives?.length ?? 0) > 0) throw new Interpreted('directive');
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const known = fields.get(key);
        if (known === undefined) fields.set(key, [selection]);
        else known.push(selection);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        if (selection.typeCondition !== undefined && selection.typeCondition.name.value !== type.name)
          throw new Interpreted('type condition');
        collect(selection.selectionSet);
      } else {
        const name = selection.name.value;
        if (visited.has(name)) continue;
        visited.add(name);
        const fragment = compiler.fragments[name];
        if (fragment === undefined || fragment.typeCondition.name.value !== type.name)
          throw new Interpreted('type condition');
        if ((fragment.directives?.length ?? 0) > 0) throw new Interpreted('directive');
        collect(fragment.selectionSet);
      }
    }
  };
  for (const selectionSet of selectionSets) collect(selectionSet);
  return fields;
}

/** Completes a value of `type` as graphql-js' completeValue does, for the compiled subset. */
function completer(
  compiler: Compiler,
  type: GraphQLOutputType,
  nodes: readonly FieldNode[],
  field: string,
): Completion {
  if (isNonNullType(type)) {
    const inner = completer(compiler, type.ofType, nodes, field);
    const innerComplete = inner.complete;
    const innerFast = inner.fast;
    return {
      complete: (value, run) => {
        if (value instanceof Error) throw value;
        const completed = innerComplete(value, run);
        if (completed === null) throw new Error(`Cannot return null for non-nullable field ${field}.`);
        return completed;
      },
      fast: (value) => {
        const completed = innerFast(value);
        if (completed === null) throw new Error(`Cannot return null for non-nullable field ${field}.`);
        return completed;
      },
    };
  }
  if (isListType(type)) {
    const itemType = type.ofType;
    const item = completer(compiler, itemType, nodes, field);
    const itemComplete = item.complete;
    const itemFast = item.fast;
    const notIterable = () =>
      new GraphQLError(`Expected Iterable, but did not find one for field "${field}".`);
    return {
      complete: (value, run) => {
        if (value instanceof Error) throw value;
        if (value === null || value === undefined) return null;
        if (typeof value !== 'object' || typeof (value as Iterable<unknown>)[Symbol.iterator] !== 'function')
          throw notIterable();
        const completed: unknown[] = [];
        let index = 0;
        for (const entry of value as Iterable<unknown>) {
          run.path.push(index);
          try {
            completed.push(itemComplete(entry, run));
          } catch (raw) {
            completed.push(handleFieldError(located(raw, nodes, run), itemType, run));
          } finally {
            run.path.pop();
          }
          index += 1;
        }
        return completed;
      },
      fast: (value) => {
        if (value === null || value === undefined) return null;
        if (!Array.isArray(value)) throw notIterable();
        const completed = new Array<unknown>(value.length);
        for (let index = 0; index < value.length; index += 1) completed[index] = itemFast(value[index]);
        return completed;
      },
    };
  }
  if (isLeafType(type)) {
    const serialize = (value: unknown): unknown => {
      const serialized = type.serialize(value);
      if (serialized === null || serialized === undefined)
        throw new Error(
          `Expected \`${type.name}.serialize(${describe(value)})\` to return non-nullable value, returned: ${describe(serialized)}`,
        );
      return serialized;
    };
    return {
      complete: (value) => {
        if (value instanceof Error) throw value;
        if (value === null || value === undefined) return null;
        return serialize(value);
      },
      fast: (value) => {
        if (value === null || value === undefined) return null;
        if (value instanceof Error) throw value;
        return serialize(value);
      },
    };
  }
  if (!isObjectType(type) || type.isTypeOf !== undefined) throw new Interpreted('abstract type');
  const plans = objectPlan(
    compiler,
    type,
    nodes.flatMap((node) => (node.selectionSet === undefined ? [] : [node.selectionSet])),
  );
  const keys = plans.map((plan) => plan.key);
  const reads = plans.map((plan) => plan.read);
  const fasts = plans.map((plan) => plan.completion.fast);
  const loop: Fast = (value) => {
    const result: Record<string, unknown> = {};
    for (let index = 0; index < keys.length; index += 1)
      result[keys[index]!] = fasts[index]!(reads[index]!(value));
    return result;
  };
  return {
    complete: (value, run) => {
      if (value instanceof Error) throw value;
      if (value === null || value === undefined) return null;
      const result: Record<string, unknown> = {};
      for (const plan of plans) {
        run.path.push(plan.key);
        try {
          result[plan.key] = plan.completion.complete(plan.read(value), run);
        } catch (raw) {
          result[plan.key] = handleFieldError(located(raw, plan.nodes, run), plan.type, run);
        } finally {
          run.path.pop();
        }
      }
      return result;
    },
    fast: fastObject(type, plans, loop),
  };
}

/**
 * The fast completion of an object's selections as one generated function: a constant property
 * read per field and one object literal, so each read and each call has a single shape to learn
 * (a loop over the fields is one megamorphic read and one polymorphic call site for them all).
 * The generated text holds only JSON-quoted GraphQL names and indexes into the plans' arrays.
 */
function fastObject(type: GraphQLObjectType, plans: readonly FieldPlan[], loop: Fast): Fast {
  const lines = plans.map((plan, index) =>
    plan.property === undefined
      ? `const v${index} = reads[${index}](value);`
      : `const v${index} = value[${JSON.stringify(plan.property)}]; if (typeof v${index} === 'function') throw notData(${index});`,
  );
  const literal = plans.map((plan, index) => `${JSON.stringify(plan.key)}: fasts[${index}](v${index})`);
  const body = [
    `return function fast${type.name}(value) {`,
    'if (value === null || value === undefined) return null;',
    'if (value instanceof Error) throw value;',
    // A primitive where an object is expected reads nothing (graphql-js' default resolver).
    "if (typeof value !== 'object' && typeof value !== 'function') return loop(value);",
    ...lines,
    `return { ${literal.join(', ')} };`,
    '};',
  ].join('\n');
  const notData = (index: number) =>
    new Error(`${type.name}.${plans[index]!.property}: a function where the record has data`);
  // Generated from GraphQL names and indexes only (above), once per compiled selection.
  const make = new Function('reads', 'fasts', 'notData', 'loop', body) as (
    reads: readonly ((source: unknown) => unknown)[],
    fasts: readonly Fast[],
    notData: (index: number) => Error,
    loop: Fast,
  ) => Fast;
  return make(
    plans.map((plan) => plan.read),
    plans.map((plan) => plan.completion.fast),
    notData,
    loop,
  );
}

/** The field plans of a nested object type's selections. */
function objectPlan(
  compiler: Compiler,
  type: GraphQLObjectType,
  selectionSets: readonly SelectionSetNode[],
): FieldPlan[] {
  const plans: FieldPlan[] = [];
  for (const [key, nodes] of collectFields(compiler, type, selectionSets)) {
    const name = nodes[0]!.name.value;
    if (name === '__typename') {
      const typeName = type.name;
      plans.push({ key, nodes, type: type, read: () => typeName, property: undefined, completion: IDENTITY });
      continue;
    }
    const definition = type.getFields()[name];
    if (definition === undefined) throw new Interpreted('meta field');
    if (definition.args.length > 0) throw new Interpreted('nested arguments');
    const resolve = definition.resolve;
    let read: (source: unknown) => unknown;
    if (resolve === undefined)
      read = (source) => {
        if ((typeof source !== 'object' && typeof source !== 'function') || source === null) return undefined;
        const property = (source as Record<string, unknown>)[name];
        if (typeof property === 'function')
          throw new Error(`${type.name}.${name}: a function where the record has data`);
        return property;
      };
    else if (SOURCE_ONLY.has(resolve))
      read = (source) => {
        const value = (resolve as (source: unknown) => unknown)(source);
        if (isPromiseLike(value))
          throw new Error(`${type.name}.${name}: a source-only resolver returned a promise`);
        return value;
      };
    else throw new Interpreted('nested resolver');
    const fieldType = definition.type;
    plans.push({
      key,
      nodes,
      type: fieldType,
      read,
      property: resolve === undefined ? name : undefined,
      completion: completer(compiler, fieldType, nodes, `${type.name}.${name}`),
    });
  }
  return plans;
}

/** An operation's coerced variables and root arguments (one per root field), or `false` when they do not coerce. */
type Coerced =
  { readonly variables: Record<string, unknown>; readonly args: Record<string, unknown>[] } | false;

/** One operation of one document, compiled. */
class CompiledOperation {
  readonly #schema: GraphQLSchema;
  readonly #fragments: Readonly<Record<string, FragmentDefinitionNode>>;
  readonly #rootType: GraphQLObjectType;
  readonly #roots: readonly RootField[];
  readonly operation: OperationDefinitionNode;

  constructor(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode) {
    this.#schema = schema;
    this.operation = operation;
    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const definition of document.definitions)
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
    this.#fragments = fragments;
    if ((operation.directives?.length ?? 0) > 0) throw new Interpreted('directive');
    const rootType =
      operation.operation === 'query'
        ? schema.getQueryType()
        : operation.operation === 'mutation'
          ? schema.getMutationType()
          : undefined;
    if (rootType === undefined || rootType === null) throw new Interpreted('operation type');
    this.#rootType = rootType;
    const compiler: Compiler = { fragments };
    const roots: RootField[] = [];
    for (const [key, nodes] of collectFields(compiler, rootType, [operation.selectionSet])) {
      const name = nodes[0]!.name.value;
      if (name === '__typename') {
        roots.push({ key, name, nodes, definition: undefined, type: rootType, completion: IDENTITY });
        continue;
      }
      const definition = rootType.getFields()[name];
      if (definition === undefined || definition.resolve === undefined) throw new Interpreted('root field');
      roots.push({
        key,
        name,
        nodes,
        definition,
        type: definition.type,
        completion: completer(compiler, definition.type, nodes, `${rootType.name}.${name}`),
      });
    }
    this.#roots = roots;
  }

  /**
   * The variables and root arguments of an operation that declares no variables: the same for every
   * request (graphql-js would coerce the same literals each time), so coerced once, frozen, and
   * shared; `false` when they do not coerce.
   */
  #constant: Coerced | undefined;

  #coerce(rawVariables: Readonly<Record<string, unknown>> | undefined | null): Coerced {
    const coerced = getVariableValues(
      this.#schema,
      this.operation.variableDefinitions ?? [],
      rawVariables ?? {},
      {
        maxErrors: 50,
      },
    );
    if (coerced.errors !== undefined) return false;
    const variables = coerced.coerced;
    // Arguments are coerced before any resolver runs, so a refusal still leaves nothing done.
    const args: Record<string, unknown>[] = [];
    for (const root of this.#roots) {
      if (root.definition === undefined) args.push({});
      else
        try {
          args.push(getArgumentValues(root.definition, root.nodes[0]!, variables));
        } catch {
          return false;
        }
    }
    return { variables, args };
  }

  /**
   * The operation's result, or `undefined` (nothing run) when its variables do not coerce: the
   * interpreter answers with its own errors.
   */
  run(
    rawVariables: Readonly<Record<string, unknown>> | undefined | null,
    context: unknown,
  ): Promise<ExecutionResult | undefined> {
    let coerced: Coerced;
    if ((this.operation.variableDefinitions?.length ?? 0) > 0) coerced = this.#coerce(rawVariables);
    else {
      if (this.#constant === undefined) {
        this.#constant = this.#coerce(undefined);
        if (this.#constant !== false) deepFreeze(this.#constant);
      }
      coerced = this.#constant;
    }
    if (coerced === false) return Promise.resolve(undefined);
    return this.#execute(coerced.variables, coerced.args, context);
  }

  async #execute(
    variables: Record<string, unknown>,
    args: readonly Record<string, unknown>[],
    context: unknown,
  ): Promise<ExecutionResult> {
    const errors: GraphQLError[] = [];
    // graphql-js' executeField: a value that is not a promise is completed at once, a promise when
    // it settles; an error of a non-null field is thrown on (synchronously or as a rejection).
    const field = (index: number): unknown => {
      const root = this.#roots[index]!;
      const run: Run = { errors, path: [root.key] };
      const fail = (raw: unknown): null => handleFieldError(located(raw, root.nodes, run), root.type, run);
      const complete = (value: unknown): unknown => {
        try {
          return root.completion.fast(value);
        } catch {
          // An anomaly somewhere in the value: complete it again, locating and recording errors.
          return root.completion.complete(value, run);
        }
      };
      try {
        if (root.definition === undefined) return this.#rootType.name;
        const info: GraphQLResolveInfo = {
          fieldName: root.name,
          fieldNodes: root.nodes,
          returnType: root.type,
          parentType: this.#rootType,
          path: { prev: undefined, key: root.key, typename: this.#rootType.name },
          schema: this.#schema,
          fragments: this.#fragments,
          rootValue: undefined,
          operation: this.operation,
          variableValues: variables,
        };
        const value = root.definition.resolve!(undefined, args[index], context, info);
        if (isPromiseLike(value)) return value.then(complete).then(undefined, fail);
        return complete(value);
      } catch (raw) {
        return fail(raw);
      }
    };
    let data: Record<string, unknown> | null;
    try {
      data = await (this.operation.operation === 'mutation'
        ? this.#serially(field)
        : this.#concurrently(field));
    } catch (error) {
      // A non-null root field failed: the whole data is null.
      errors.push(error as GraphQLError);
      data = null;
    }
    return errors.length === 0 ? { data } : { errors, data };
  }

  /** graphql-js' executeFields: every root field started in order, their promises awaited together. */
  #concurrently(
    field: (index: number) => unknown,
  ): Record<string, unknown> | Promise<Record<string, unknown>> {
    if (this.#roots.length === 1) {
      // One root field (what clients send): its value is the data's only key, no Promise.all.
      const key = this.#roots[0]!.key;
      const result = field(0);
      return isPromiseLike(result)
        ? Promise.resolve(result).then((value) => ({ [key]: value }))
        : { [key]: result };
    }
    const results: unknown[] = [];
    let pending = false;
    const gathered = () =>
      Promise.all(results).then((values) => {
        const data: Record<string, unknown> = {};
        values.forEach((value, index) => {
          data[this.#roots[index]!.key] = value;
        });
        return data;
      });
    try {
      for (let index = 0; index < this.#roots.length; index += 1) {
        const result = field(index);
        results.push(result);
        if (isPromiseLike(result)) pending = true;
      }
    } catch (error) {
      // The other fields' promises settle (and may record errors) before the data is null.
      if (pending)
        return gathered().finally(() => {
          throw error;
        });
      throw error;
    }
    return gathered();
  }

  /** graphql-js' executeFieldsSerially: each root field completed before the next starts. */
  async #serially(field: (index: number) => unknown): Promise<Record<string, unknown>> {
    const data: Record<string, unknown> = {};
    for (let index = 0; index < this.#roots.length; index += 1) {
      const result = field(index);
      data[this.#roots[index]!.key] = isPromiseLike(result) ? await result : result;
    }
    return data;
  }
}

export interface CompiledExecutionOptions {
  /** The executable schema (mercurius' own, with the resolvers attached). */
  readonly schema: GraphQLSchema;
  /** The interpreter's validation rules beside graphql's specified ones, and its options. */
  readonly validationRules: readonly ValidationRule[];
  readonly validateOptions?: { readonly hideSuggestions?: boolean } | undefined;
  /** Documents remembered (default 1024, as mercurius' own cache). */
  readonly cacheSize?: number | undefined;
}

export interface GraphqlRequest {
  readonly query: string;
  readonly variables?: Readonly<Record<string, unknown>> | null | undefined;
  readonly operationName?: string | null | undefined;
}

/** What compiled execution answered: the result, and the operation it ran (for metrics). */
export interface CompiledAnswer {
  readonly result: ExecutionResult;
  readonly operation: OperationDefinitionNode;
}

interface Document {
  /** The parsed and validated document, or false when the interpreter must answer its text. */
  readonly document: DocumentNode | false;
  /** Its operations by name ('' for the only one), compiled or outside the subset. */
  readonly operations: Map<string, CompiledOperation | false>;
}

/** Compiled operations by document text; a text outside the subset is remembered as such. */
export class CompiledExecution {
  readonly #schema: GraphQLSchema;
  readonly #rules: readonly ValidationRule[];
  readonly #hideSuggestions: boolean;
  readonly #documents: LRUCache<string, Document>;

  constructor(options: CompiledExecutionOptions) {
    this.#schema = options.schema;
    this.#rules = [...specifiedRules, ...options.validationRules];
    this.#hideSuggestions = options.validateOptions?.hideSuggestions ?? false;
    this.#documents = new LRUCache({ max: options.cacheSize ?? 1024 });
  }

  /**
   * Runs `request` compiled, or answers `undefined` (nothing run) when the interpreter must: the
   * text does not parse or validate, is outside the compiled subset, or its variables do not coerce.
   */
  run(request: GraphqlRequest, context: unknown): Promise<CompiledAnswer | undefined> {
    const compiled = this.#compiled(request.query, request.operationName ?? undefined);
    if (compiled === false) return Promise.resolve(undefined);
    return compiled
      .run(request.variables, context)
      .then((result) => (result === undefined ? undefined : { result, operation: compiled.operation }));
  }

  #compiled(source: string, operationName: string | undefined): CompiledOperation | false {
    let entry = this.#documents.get(source);
    if (entry === undefined) {
      entry = { document: this.#validated(source), operations: new Map() };
      this.#documents.set(source, entry);
    }
    if (entry.document === false) return false;
    const name = operationName ?? '';
    const known = entry.operations.get(name);
    if (known !== undefined) return known;
    const operation = getOperationAST(entry.document, operationName);
    // An operation name the document does not have is the interpreter's error, and not remembered:
    // the names remembered are the document's own.
    if (operation === null || operation === undefined) return false;
    let compiled: CompiledOperation | false = false;
    try {
      compiled = new CompiledOperation(this.#schema, entry.document, operation);
    } catch (error) {
      if (!(error instanceof Interpreted)) throw error;
    }
    entry.operations.set(name, compiled);
    return compiled;
  }

  /** The document of `source` when it parses and validates as the interpreter's would. */
  #validated(source: string): DocumentNode | false {
    let document: DocumentNode;
    try {
      document = parse(source);
    } catch (error) {
      if (error instanceof GraphQLError) return false;
      throw error;
    }
    const errors = validate(this.#schema, document, this.#rules, { hideSuggestions: this.#hideSuggestions });
    return errors.length === 0 ? document : false;
  }
}
