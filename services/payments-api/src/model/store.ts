import { PaymentsError } from '../errors.ts';
import type { ModelDefinition } from './definition.ts';
import type { Filter, ModelRecord } from './filter.ts';

/** Who makes a change, from the verified token. */
export interface Actor {
  readonly userId: string;
  readonly username: string;
}

export type AuditOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONFIRM';

/** One audit record of a change, stored with the change itself (same write or same transaction). */
export interface AuditEntry {
  readonly at: string;
  readonly actor: string;
  readonly actorId: string;
  readonly tenantId: string;
  readonly operation: AuditOperation;
  readonly version: number;
  /** The record before and after, as JSON text (null on create / delete). */
  readonly before: string | null;
  readonly after: string | null;
}

/** A record as stored, with what the API never shows directly. */
export interface StoredRecord {
  readonly record: ModelRecord;
  readonly createdById: string;
  readonly version: number;
  readonly deleted: boolean;
  readonly history: readonly AuditEntry[];
  readonly idempotencyKey: string | undefined;
  readonly inputHash: string | undefined;
}

export interface ListRequest {
  readonly filter: Filter | null | undefined;
  readonly limit: number;
  readonly nextToken: string | null | undefined;
  /** A field name from `sortableFields(model)`. */
  readonly sortField: string;
  readonly descending: boolean;
}

export interface Page {
  readonly items: readonly ModelRecord[];
  readonly nextToken: string | null;
}

/** What a create carries for idempotent retries: the client's key and the hash of its input. */
export interface IdempotencyRecord {
  readonly key: string | undefined;
  readonly inputHash: string;
}

/** What a change does with the current record: the next record, or a tombstone. */
export type ChangeFn = (current: StoredRecord) => ModelRecord | 'delete' | Promise<ModelRecord | 'delete'>;

/**
 * Changes one record may have: the same bound on every adapter, so the API behaves the same on each
 * (it comes from DynamoDB's 400 KB item, which holds the record with its history).
 */
export const MAX_HISTORY = 250;

/**
 * The store port: everything the generated resolvers ask of storage, for one model. Every method
 * takes the caller's tenant, and no method can reach another tenant's records. Adapters:
 * `store/postgres` (the default) and `store/dynamodb` (ADR 0106).
 */
export interface ModelStore {
  readonly model: ModelDefinition;
  /** The live record, or undefined (absent, deleted, or another tenant's: indistinguishable). */
  get(tenantId: string, id: string): Promise<ModelRecord | undefined>;
  /** Everything stored about a record, tombstones included (for the audit trail and conflicts). */
  stored(tenantId: string, id: string): Promise<StoredRecord | undefined>;
  /**
   * A page of live records sorted by `sortField`, then id; `nextToken` (signed, bound to tenant and
   * query) is null exactly when nothing follows.
   */
  list(tenantId: string, request: ListRequest): Promise<Page>;
  /**
   * Creates a record with its first audit entry and its idempotency record, atomically. A retry with
   * the same key and the same input hash answers the stored record (`replayed`); a different input
   * under that key is IDEMPOTENCY_KEY_REUSED; an id taken otherwise is ALREADY_EXISTS.
   */
  create(
    tenantId: string,
    record: ModelRecord,
    actor: Actor,
    idempotency: IdempotencyRecord,
  ): Promise<{ record: ModelRecord; replayed: boolean }>;
  /**
   * Applies `change` under optimistic concurrency, with its audit entry, atomically and conditional
   * on the version read. With `expectedVersion`, a stale version is CONFLICT (the stored record as
   * `data`); without it, a lost race runs `change` again on the fresh record.
   */
  change(
    tenantId: string,
    id: string,
    expectedVersion: number | undefined,
    operation: AuditOperation,
    actor: Actor,
    change: ChangeFn,
  ): Promise<ModelRecord>;
}

/** The stores of every model on one engine, and the engine's life. */
export interface StoreEngine {
  readonly stores: ReadonlyMap<string, ModelStore>;
  /** Resolves when the engine answers (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The audit entry of one change. */
export function auditEntry(
  tenantId: string,
  actor: Actor,
  operation: AuditOperation,
  version: number,
  before: ModelRecord | null,
  after: ModelRecord | null,
): AuditEntry {
  return {
    at: new Date().toISOString(),
    actor: actor.username,
    actorId: actor.userId,
    tenantId,
    operation,
    version,
    before: before === null ? null : JSON.stringify(before),
    after: after === null ? null : JSON.stringify(after),
  };
}

/** A change ready to write: the record read, the next record, its version and its audit entry. */
export interface PreparedChange {
  readonly current: StoredRecord;
  readonly next: ModelRecord;
  readonly version: number;
  readonly deleting: boolean;
  readonly updatedAt: string;
  readonly audit: AuditEntry;
}

/**
 * Applies `change` to the current record under optimistic concurrency, the same on every adapter:
 * `write` commits the prepared change only if the version read is still the stored one (false when a
 * concurrent write won), so a change is never overwritten. With `expectedVersion`, a stale version
 * answers CONFLICT (with the stored record as `data`); without it (a client that never knew
 * `_version`), a lost race is retried on the fresh record, a few times.
 */
export async function changeOptimistically(options: {
  readonly read: () => Promise<StoredRecord | undefined>;
  readonly write: (prepared: PreparedChange) => Promise<boolean>;
  readonly ownerField: string;
  readonly tenantId: string;
  readonly id: string;
  readonly expectedVersion: number | undefined;
  readonly operation: AuditOperation;
  readonly actor: Actor;
  readonly change: ChangeFn;
}): Promise<ModelRecord> {
  const { read, tenantId, id, expectedVersion } = options;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const current = await read();
    if (current === undefined || current.deleted) throw new PaymentsError('NOT_FOUND');
    if (expectedVersion !== undefined && expectedVersion !== current.version)
      throw new PaymentsError('CONFLICT', { data: current.record });
    if (current.history.length >= MAX_HISTORY) throw new PaymentsError('HISTORY_FULL');
    // Before any write: a behaviour may ask another service, and nothing waits for it. It runs
    // again when a concurrent write wins.
    const outcome = await options.change(current);
    const version = current.version + 1;
    const updatedAt = new Date().toISOString();
    const deleting = outcome === 'delete';
    const next: ModelRecord = deleting
      ? { ...current.record, _version: version, updatedAt }
      : {
          ...outcome,
          id,
          [options.ownerField]: tenantId,
          createdAt: current.record['createdAt'],
          updatedAt,
          _version: version,
        };
    const audit = auditEntry(
      tenantId,
      options.actor,
      options.operation,
      version,
      current.record,
      deleting ? null : next,
    );
    if (await options.write({ current, next, version, deleting, updatedAt, audit })) return next;
    if (expectedVersion !== undefined) {
      const now = await read();
      if (now === undefined || now.deleted) throw new PaymentsError('NOT_FOUND');
      throw new PaymentsError('CONFLICT', { data: now.record });
    }
  }
  throw new PaymentsError('CONFLICT');
}

/**
 * Creates a record once, the same on every adapter: `write` stores the first version with its audit
 * entry only if no record has that id (false when one has). Then a retry with the same idempotency
 * key and input hash answers the stored record (`replayed`); a different input under that key is
 * refused, and any other record with that id is ALREADY_EXISTS.
 */
export async function createOnce(options: {
  readonly read: (id: string) => Promise<StoredRecord | undefined>;
  readonly write: (stored: StoredRecord) => Promise<boolean>;
  readonly ownerField: string;
  readonly tenantId: string;
  readonly record: ModelRecord;
  readonly actor: Actor;
  readonly idempotency: IdempotencyRecord;
}): Promise<{ record: ModelRecord; replayed: boolean }> {
  const { tenantId, actor, idempotency } = options;
  const now = new Date().toISOString();
  const full: ModelRecord = {
    ...options.record,
    [options.ownerField]: tenantId,
    createdAt: now,
    updatedAt: now,
    _version: 1,
  };
  const stored: StoredRecord = {
    record: full,
    createdById: actor.userId,
    version: 1,
    deleted: false,
    history: [auditEntry(tenantId, actor, 'CREATE', 1, null, full)],
    idempotencyKey: idempotency.key,
    inputHash: idempotency.inputHash,
  };
  if (await options.write(stored)) return { record: full, replayed: false };
  const existing = await options.read(String(full['id']));
  if (existing === undefined) throw new PaymentsError('CONFLICT');
  if (idempotency.key !== undefined && existing.idempotencyKey === idempotency.key) {
    if (existing.inputHash !== idempotency.inputHash) throw new PaymentsError('IDEMPOTENCY_KEY_REUSED');
    if (existing.deleted) throw new PaymentsError('NOT_FOUND');
    return { record: existing.record, replayed: true };
  }
  throw new PaymentsError('ALREADY_EXISTS');
}
