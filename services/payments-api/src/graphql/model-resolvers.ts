import { randomUUID } from 'node:crypto';
import type { GraphQLResolveInfo } from 'graphql';
import type { CallerContext } from '@atrium/auth';
import { PaymentsError, unauthorized, validationFailed, type FieldProblem } from '../errors.ts';
import { derivedId, idempotencyKeyOf, inputHash } from '../model/idempotency.ts';
import { changeTopic, type ModelService } from '../model/model-service.ts';
import { sortableFields, type ModelDefinition } from '../model/definition.ts';
import { matchesFilter, type Filter, type ModelRecord } from '../model/filter.ts';
import type { Actor, StoredRecord } from '../model/store.ts';
import { constantCase, modelNames } from './model-transformer.ts';
import { canRead, canWrite } from '../model/tenant-roles.ts';
import { closeAtExpiry, type LiveConnection } from './live-updates.ts';

/** What every resolver gets in its GraphQL context. */
export interface RequestContext {
  readonly caller: CallerContext;
  /** The caller's own bearer token, for asking another service on their behalf (never a service credential). */
  readonly accessToken: string;
  readonly requestId: string;
}

/** A resolver of the schema, typed by its arguments. */
export type Resolver<Args = Record<string, unknown>> = (
  root: unknown,
  args: Args,
  context: RequestContext,
  info: GraphQLResolveInfo,
) => unknown;

/** Root fields beyond the generated ones, as SDL: fields of `type Query` / `type Mutation`. */
export interface ExtensionSdl {
  readonly query?: readonly string[];
  readonly mutation?: readonly string[];
}

/** Operations a behaviour adds beyond the generated ones: their SDL, and their resolvers. */
export interface ModelExtension {
  readonly sdl: ExtensionSdl;
  /** Built on the model's service, so they store and publish as the generated resolvers do. */
  resolvers(service: ModelService): {
    readonly Query?: Readonly<Record<string, Resolver<never>>>;
    readonly Mutation?: Readonly<Record<string, Resolver<never>>>;
  };
}

/**
 * Model-specific rules a behaviour adds to the generated resolvers (validation, lifecycle). A model
 * without one gets generic typing rules only: a new @model needs no hand-written resolver.
 */
export interface ModelBehaviour {
  /** Checks and completes a create input (throw `validationFailed` with one problem per field). */
  create?(
    input: Record<string, unknown>,
    caller: CallerContext,
    request: RequestContext,
  ): Record<string, unknown> | Promise<Record<string, unknown>>;
  /** Checks a change against the stored record; returns the merged record to store. */
  update?(
    current: StoredRecord,
    merged: Record<string, unknown>,
    caller: CallerContext,
    request: RequestContext,
  ): Record<string, unknown> | Promise<Record<string, unknown>>;
  /** Refuses a delete the lifecycle forbids. */
  delete?(current: StoredRecord, caller: CallerContext): void;
  /** Operations of the model's own beyond Amplify's (Payment's `confirmPayment`). */
  readonly extension?: ModelExtension;
}

/** Items a list query returns without a `limit`: AppSync's generated resolvers' 100 (configurable). */
export const DEFAULT_LIMIT = 100;
/** The longest record id: DynamoDB keys and the PostgreSQL column both hold it. */
export const MAX_ID_LENGTH = 128;

/** The id of a record to change; one no record can have is NOT_FOUND, as a missing one is. */
function knownId(value: unknown): string {
  const id = String(value);
  if (id.length > MAX_ID_LENGTH) throw new PaymentsError('NOT_FOUND');
  return id;
}
/** The most items one list query returns, whatever its `limit`: a bound on one request's work. */
export const MAX_LIMIT = 100;

/** The generated operations' arguments, as the generated SDL declares them. */
interface GetArgs {
  readonly id: string;
}
interface ListArgs {
  readonly filter?: Filter | null;
  readonly limit?: number | null;
  readonly nextToken?: string | null;
  readonly sortField?: string | null;
  readonly sortDirection?: 'ASC' | 'DESC' | null;
}
interface CreateArgs {
  readonly input: ModelRecord;
  readonly condition?: Filter | null;
  readonly idempotencyKey?: string | null;
}
interface ChangeArgs {
  readonly input: ModelRecord & { readonly id: string; readonly _version?: number | null };
  readonly condition?: Filter | null;
}
interface SubscribeArgs {
  readonly filter?: Filter | null;
  readonly [owner: string]: unknown;
}

function actorOf(caller: CallerContext): Actor {
  return { userId: caller.userId, username: caller.username };
}

/** Generic typing rules every model gets: exact decimals for Float, normalized AWSDateTime. */
function normalizeGeneric(model: ModelDefinition, input: Record<string, unknown>): Record<string, unknown> {
  const problems: FieldProblem[] = [];
  const out: Record<string, unknown> = { ...input };
  for (const field of model.fields) {
    const value = input[field.name];
    if (value === undefined || value === null) continue;
    if (field.type === 'Float' && typeof value === 'number') {
      const text = String(value);
      if (!/^-?\d+(\.\d+)?$/.test(text))
        problems.push({
          field: field.name,
          code: 'NUMBER_OUT_OF_RANGE',
          message: `${field.name} is out of range`,
        });
      else out[field.name] = text;
    }
    if (field.type === 'AWSDateTime' && typeof value === 'string')
      out[field.name] = new Date(value).toISOString();
  }
  if (problems.length > 0) throw validationFailed(problems);
  return out;
}

/**
 * The filter without a top-level `{ <owner>: { eq: <caller's tenant> } }`: the seed's clients send it
 * on every list, and it is redundant (every list is the caller's tenant's), so the list costs what an
 * unfiltered one does (and pages with the same tokens). Any other owner condition stays.
 */
function withoutOwnTenant(filter: Filter | null | undefined, owner: string, tenantId: string): Filter | null {
  if (filter === null || filter === undefined) return null;
  const condition = filter[owner] as Record<string, unknown> | null | undefined;
  if (condition === null || condition === undefined) return filter;
  const operators = Object.entries(condition).filter(([, v]) => v !== undefined && v !== null);
  if (operators.length !== 1 || operators[0]?.[0] !== 'eq' || operators[0][1] !== tenantId) return filter;
  const rest = Object.fromEntries(Object.entries(filter).filter(([k]) => k !== owner));
  return Object.keys(rest).length === 0 ? null : rest;
}

/** Strips what a client may never set: managed fields and automatic ones. */
function writableInput(model: ModelDefinition, input: ModelRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of model.fields)
    if (!field.managed && field.name in input) out[field.name] = input[field.name];
  return out;
}

/** Builds every generated resolver of one model (queries, mutations, subscriptions). */
export function modelResolvers(options: {
  /** The model's service: its store, and the publishing of every change. */
  readonly service: ModelService;
  readonly behaviour: ModelBehaviour;
  /** Secret that turns an idempotency key into a record id. */
  readonly idempotencySecret: Buffer;
  /** Told when a subscription is refused or ends (the bounds on live subscriptions); none: unbounded. */
  readonly subscriptions?: SubscriptionLedger | undefined;
  /** Items a list query without `limit` returns (default DEFAULT_LIMIT, at most MAX_LIMIT). */
  readonly defaultLimit?: number | undefined;
}): {
  Query: Record<string, Resolver<never>>;
  Mutation: Record<string, Resolver<never>>;
  Subscription: Record<string, unknown>;
} {
  const { service, behaviour, subscriptions } = options;
  const { model, store } = service;
  const defaultLimit = options.defaultLimit ?? DEFAULT_LIMIT;
  const names = modelNames(model);
  const owner = model.ownerField;
  const sortFields = new Map(sortableFields(model).map((f) => [constantCase(f), f]));

  const requireRead = (context: RequestContext, info: GraphQLResolveInfo): CallerContext => {
    if (!canRead(context.caller)) throw unauthorized(info.fieldName, info.parentType.name);
    return context.caller;
  };
  const requireWrite = (context: RequestContext, info: GraphQLResolveInfo): CallerContext => {
    if (!canWrite(context.caller)) throw unauthorized(info.fieldName, info.parentType.name);
    return context.caller;
  };
  // The tenant comes from the token; an input naming another tenant is refused, never followed.
  const checkOwner = (input: ModelRecord, caller: CallerContext, info: GraphQLResolveInfo): void => {
    const given = input[owner];
    if (given !== undefined && given !== null && given !== caller.tenantId)
      throw unauthorized(info.fieldName, info.parentType.name);
  };
  const checkCondition = (record: ModelRecord, condition: Filter | null | undefined): void => {
    if (condition !== undefined && condition !== null && !matchesFilter(model, record, condition))
      throw new PaymentsError('CONDITION_FAILED');
  };

  const get: Resolver<GetArgs> = async (_root, args, context, info) => {
    const caller = requireRead(context, info);
    const id = String(args.id);
    // No record has a longer id (creates refuse it): not an engine's question.
    if (id.length > MAX_ID_LENGTH) return null;
    return (await store.get(caller.tenantId, id)) ?? null;
  };
  const list: Resolver<ListArgs> = async (_root, args, context, info) => {
    const caller = requireRead(context, info);
    const limit = args.limit === undefined || args.limit === null ? defaultLimit : Number(args.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
      throw new PaymentsError('LIMIT_TOO_LARGE');
    const sortField = sortFields.get(String(args.sortField ?? 'CREATED_AT')) ?? 'createdAt';
    return store.list(caller.tenantId, {
      filter: withoutOwnTenant(args.filter, owner, caller.tenantId),
      limit,
      nextToken: args.nextToken,
      sortField,
      // Newest first unless asked otherwise.
      descending: (args.sortDirection ?? 'DESC') === 'DESC',
    });
  };
  const audit: Resolver<Readonly<Record<string, string>>> = async (_root, args, context, info) => {
    const caller = requireRead(context, info);
    const id = String(args[names.auditIdArgument]);
    if (id.length > MAX_ID_LENGTH) return null;
    const stored = await store.stored(caller.tenantId, id);
    return stored === undefined ? null : stored.history;
  };

  const create: Resolver<CreateArgs> = async (_root, args, context, info) => {
    const caller = requireWrite(context, info);
    const { input } = args;
    checkOwner(input, caller, info);
    const idempotencyKey = idempotencyKeyOf(args.idempotencyKey);
    const hash = inputHash({ input, condition: args.condition });
    let values = normalizeGeneric(model, writableInput(model, input));
    if (behaviour.create) values = await behaviour.create(values, caller, context);
    const id =
      typeof input['id'] === 'string' && input['id'] !== ''
        ? input['id']
        : idempotencyKey !== undefined
          ? derivedId(options.idempotencySecret, caller.tenantId, idempotencyKey)
          : randomUUID();
    if (id.length > MAX_ID_LENGTH)
      throw validationFailed([
        { field: 'id', code: 'ID_TOO_LONG', message: 'id must be at most 128 characters' },
      ]);
    const record = { ...values, id, [owner]: caller.tenantId };
    checkCondition(record, args.condition);
    return service.create(caller.tenantId, record, actorOf(caller), { key: idempotencyKey, inputHash: hash });
  };
  const update: Resolver<ChangeArgs> = async (_root, args, context, info) => {
    const caller = requireWrite(context, info);
    const { input } = args;
    checkOwner(input, caller, info);
    const changes = normalizeGeneric(model, writableInput(model, input));
    delete changes['id'];
    const version = typeof input._version === 'number' ? input._version : undefined;
    return service.change(
      caller.tenantId,
      knownId(input.id),
      version,
      'UPDATE',
      actorOf(caller),
      async (current) => {
        checkCondition(current.record, args.condition);
        const merged: Record<string, unknown> = { ...current.record };
        for (const [k, v] of Object.entries(changes)) if (v !== undefined) merged[k] = v;
        merged[owner] = caller.tenantId;
        return behaviour.update ? behaviour.update(current, merged, caller, context) : merged;
      },
    );
  };
  const remove: Resolver<ChangeArgs> = async (_root, args, context, info) => {
    const caller = requireWrite(context, info);
    const { input } = args;
    const version = typeof input._version === 'number' ? input._version : undefined;
    return service.change(
      caller.tenantId,
      knownId(input.id),
      version,
      'DELETE',
      actorOf(caller),
      (current) => {
        checkCondition(current.record, args.condition);
        behaviour.delete?.(current, caller);
        return 'delete';
      },
    );
  };

  const Query: Record<string, Resolver<never>> = {
    [names.get]: get,
    [names.list]: list,
    [names.audit]: audit,
  };
  const Mutation: Record<string, Resolver<never>> = {
    [names.create]: create,
    [names.update]: update,
    [names.delete]: remove,
  };

  const subscription = (event: 'create' | 'update' | 'delete', field: string) => ({
    subscribe: async (
      _root: unknown,
      args: SubscribeArgs,
      context: SubscriptionContext,
      info: GraphQLResolveInfo,
    ) => {
      const ticket = subscriptions?.track(context);
      let caller: CallerContext;
      let iterator: AsyncIterable<unknown>;
      try {
        caller = requireRead(context, info);
        // Amplify's older clients pass the owner; it must be the caller's own tenant.
        const given = args[owner];
        if (given !== undefined && given !== null && given !== caller.tenantId)
          throw unauthorized(info.fieldName, info.parentType.name);
        iterator = await context.pubsub.subscribe(changeTopic(model.name, event, caller.tenantId));
      } catch (error) {
        ticket?.refused();
        throw error;
      }
      closeAtExpiry(context);
      const filter = args.filter ?? undefined;
      return subscriptionEvents(
        iterator,
        (payload) => {
          const record = (payload as { record?: ModelRecord }).record;
          // Belt and braces: the topic is per tenant, and the record must say so too.
          return (
            record !== undefined && record[owner] === caller.tenantId && matchesFilter(model, record, filter)
          );
        },
        () => ticket?.ended(),
      );
    },
    resolve: (payload: { record: ModelRecord }) => payload.record,
    fieldName: field,
  });

  const Subscription = {
    [names.onCreate]: subscription('create', names.onCreate),
    [names.onUpdate]: subscription('update', names.onUpdate),
    [names.onDelete]: subscription('delete', names.onDelete),
  };
  return { Query, Mutation, Subscription };
}

/** The subscription context mercurius builds, plus what our onConnect adds. */
export interface SubscriptionContext extends RequestContext, LiveConnection {
  readonly pubsub: { subscribe(topic: string): Promise<AsyncIterable<unknown>> };
  /** The graphql-ws operation id (mercurius sets it). */
  readonly id?: unknown;
}

/** Accounting of live subscriptions (subscription-limits.ts). */
export interface SubscriptionLedger {
  /** The operation a subscribe resolver starts serving. */
  track(context: SubscriptionContext): SubscriptionTicket;
}

export interface SubscriptionTicket {
  /** The subscribe resolver refused the operation. */
  refused(): void;
  /** The subscription ended: completed by the client, its connection closed, or its source ended. */
  ended(): void;
}

/**
 * The events of `source` that `keep` accepts; `end` runs once, as soon as the subscription ends for
 * any reason. Not an async generator: a generator's `finally` runs only when its pending `next`
 * settles, i.e. at the next event, so an idle subscription would never be counted as ended.
 */
function subscriptionEvents(
  source: AsyncIterable<unknown>,
  keep: (payload: unknown) => boolean,
  end: () => void,
): AsyncIterableIterator<unknown> {
  const iterator = source[Symbol.asyncIterator]();
  let ended = false;
  const finish = (): void => {
    if (ended) return;
    ended = true;
    end();
  };
  const events: AsyncIterableIterator<unknown> = {
    [Symbol.asyncIterator]: () => events,
    async next() {
      try {
        for (;;) {
          const step = await iterator.next();
          if (step.done === true) {
            finish();
            return step;
          }
          if (keep(step.value)) return step;
        }
      } catch (error) {
        finish();
        throw error;
      }
    },
    async return() {
      finish();
      await iterator.return?.();
      return { done: true, value: undefined };
    },
  };
  return events;
}
