import type { AnnotatedSchema } from '../model/definition.ts';
import { modelService, type ChangePublisher } from '../model/model-service.ts';
import type { ModelStore } from '../model/store.ts';
import { modelResolvers, type ModelBehaviour, type SubscriptionLedger } from './model-resolvers.ts';
import { generateSchemaSdl, type ListLimits } from './model-transformer.ts';
import { floatOutputs, SCALAR_RESOLVERS } from './scalars.ts';

export interface SchemaOptions {
  readonly annotated: AnnotatedSchema;
  /** One store per model (by model name). */
  readonly stores: ReadonlyMap<string, ModelStore>;
  /** Model-specific rules and operations by model name; a model without one gets the generic rules. */
  readonly behaviours: Readonly<Record<string, ModelBehaviour>>;
  readonly publish: ChangePublisher;
  /** Secret that turns an idempotency key into a record id. */
  readonly idempotencySecret: Buffer;
  readonly subscriptions: SubscriptionLedger;
  readonly listLimits: ListLimits;
}

/**
 * The executable schema of every `@model`: Amplify's generated operations with their resolvers, and
 * each behaviour's own operations (its `extension`), built on the same per-model service.
 */
export function executableSchema(options: SchemaOptions): {
  readonly sdl: string;
  readonly resolvers: Record<string, unknown>;
} {
  const Query: Record<string, unknown> = {};
  const Mutation: Record<string, unknown> = {};
  const Subscription: Record<string, unknown> = {};
  const query: string[] = [];
  const mutation: string[] = [];
  for (const model of options.annotated.models) {
    const store = options.stores.get(model.name);
    if (store === undefined) throw new Error(`payments: no store for the model ${model.name}`);
    const service = modelService({ store, publish: options.publish });
    const behaviour = options.behaviours[model.name] ?? {};
    const generated = modelResolvers({
      service,
      behaviour,
      idempotencySecret: options.idempotencySecret,
      subscriptions: options.subscriptions,
      defaultLimit: options.listLimits.defaultLimit,
    });
    Object.assign(Query, generated.Query);
    Object.assign(Mutation, generated.Mutation);
    Object.assign(Subscription, generated.Subscription);
    if (behaviour.extension !== undefined) {
      const own = behaviour.extension.resolvers(service);
      Object.assign(Query, own.Query);
      Object.assign(Mutation, own.Mutation);
      query.push(...(behaviour.extension.sdl.query ?? []));
      mutation.push(...(behaviour.extension.sdl.mutation ?? []));
    }
  }
  return {
    sdl: generateSchemaSdl(options.annotated, { query, mutation }, options.listLimits),
    resolvers: {
      Query,
      Mutation,
      Subscription,
      ...SCALAR_RESOLVERS,
      ...floatOutputs(options.annotated.models),
    },
  };
}
