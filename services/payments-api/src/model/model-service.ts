import type { ModelDefinition } from './definition.ts';
import type { ModelRecord } from './filter.ts';
import type { Actor, AuditOperation, ChangeFn, IdempotencyRecord, ModelStore } from './store.ts';

/** Publishes a change to the caller's tenant's subscribers (in memory or through Redis). */
export type ChangePublisher = (topic: string, payload: Record<string, unknown>) => Promise<void>;

export type ChangeEvent = 'create' | 'update' | 'delete';

/** Topic of one model event for one tenant: subscribers only ever listen to their own tenant's. */
export const changeTopic = (model: string, event: ChangeEvent, tenantId: string): string =>
  `${model}/${event}/${encodeURIComponent(tenantId)}`;

/** A change other than a create, and the event its subscribers see (a confirmation is an update). */
const EVENTS: Record<Exclude<AuditOperation, 'CREATE'>, ChangeEvent> = {
  UPDATE: 'update',
  CONFIRM: 'update',
  DELETE: 'delete',
};

/**
 * What every write of one model does, whoever asks (a generated resolver or a behaviour's own
 * operation): store it (conditional, audited) and tell the tenant's subscribers once it is stored.
 */
export interface ModelService {
  readonly model: ModelDefinition;
  readonly store: ModelStore;
  /** Stores a new record once; a replay of an idempotent create answers the first, unpublished. */
  create(
    tenantId: string,
    record: ModelRecord,
    actor: Actor,
    idempotency: IdempotencyRecord,
  ): Promise<ModelRecord>;
  /** Changes a record at `expectedVersion` (the latest when undefined) and publishes the change. */
  change(
    tenantId: string,
    id: string,
    expectedVersion: number | undefined,
    operation: Exclude<AuditOperation, 'CREATE'>,
    actor: Actor,
    change: ChangeFn,
  ): Promise<ModelRecord>;
}

export function modelService(options: {
  readonly store: ModelStore;
  readonly publish: ChangePublisher;
}): ModelService {
  const { store, publish } = options;
  const model = store.model;
  return {
    model,
    store,
    async create(tenantId, record, actor, idempotency) {
      const created = await store.create(tenantId, record, actor, idempotency);
      if (!created.replayed)
        await publish(changeTopic(model.name, 'create', tenantId), { record: created.record });
      return created.record;
    },
    async change(tenantId, id, expectedVersion, operation, actor, change) {
      const changed = await store.change(tenantId, id, expectedVersion, operation, actor, change);
      await publish(changeTopic(model.name, EVENTS[operation], tenantId), { record: changed });
      return changed;
    },
  };
}
