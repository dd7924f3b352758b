import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { PaymentsError } from '../../errors.ts';
import type { ModelDefinition, ModelField } from '../../model/definition.ts';
import { matchesFilter, type ModelRecord } from '../../model/filter.ts';
import { PaginationCursor } from '../../model/pagination-cursor.ts';
import {
  changeOptimistically,
  createOnce,
  type Actor,
  type AuditEntry,
  type AuditOperation,
  type ChangeFn,
  type IdempotencyRecord,
  type ListRequest,
  type ModelStore,
  type Page,
  type StoredRecord,
} from '../../model/store.ts';
import { indexName, type TableLayout } from './dynamodb-tables.ts';

/** Items a single list request may examine while filling a filtered page (DynamoDB filters after reading). */
const MAX_EXAMINED = 5000;

const META = ['createdAt', 'updatedAt', '_version', '_createdById'] as const;

function marshalValue(field: ModelField | undefined, value: unknown): AttributeValue | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) {
    const element = field === undefined ? undefined : { ...field, list: false };
    return { L: value.map((v) => marshalValue(element, v) ?? { NULL: true }) };
  }
  if (field?.type === 'Float' || field?.type === 'Int') return { N: String(value) };
  if (field?.type === 'Boolean') return { BOOL: Boolean(value) };
  return { S: String(value) };
}

function unmarshalValue(field: ModelField | undefined, value: AttributeValue | undefined): unknown {
  if (value === undefined || value.NULL) return null;
  if (value.L !== undefined) return value.L.map((v) => unmarshalValue(field, v));
  if (value.N !== undefined) return field?.type === 'Float' ? value.N : Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  return value.S ?? null;
}

/** The API's record in a model's item. */
export function recordFromItem(model: ModelDefinition, item: Record<string, AttributeValue>): ModelRecord {
  const record: Record<string, unknown> = {};
  for (const field of model.fields) record[field.name] = unmarshalValue(field, item[field.name]);
  record['createdAt'] = item['createdAt']?.S ?? null;
  record['updatedAt'] = item['updatedAt']?.S ?? null;
  record['_version'] = Number(item['_version']?.N ?? '0');
  return record;
}

/**
 * Everything a model's item holds (ADR 0102: record, version, tombstone, audit history and
 * idempotency marker in one item); also how the import reads an old embedded dynalite folder.
 */
export function storedFromItem(model: ModelDefinition, item: Record<string, AttributeValue>): StoredRecord {
  const history = (item['_history']?.L ?? []).map((entry): AuditEntry => {
    const m = entry.M ?? {};
    return {
      at: m['at']?.S ?? '',
      actor: m['actor']?.S ?? '',
      actorId: m['actorId']?.S ?? '',
      tenantId: m['tenantId']?.S ?? '',
      operation: (m['operation']?.S ?? 'UPDATE') as AuditOperation,
      version: Number(m['version']?.N ?? '0'),
      before: m['before']?.S ?? null,
      after: m['after']?.S ?? null,
    };
  });
  return {
    record: recordFromItem(model, item),
    createdById: item['_createdById']?.S ?? '',
    version: Number(item['_version']?.N ?? '0'),
    deleted: item['_deleted']?.BOOL === true,
    history,
    idempotencyKey: item['_idemKey']?.S,
    inputHash: item['_idemHash']?.S,
  };
}

/**
 * The DynamoDB adapter of the store port: one model's records in its DynamoDB table. Every key starts with the tenant id and every read is
 * a GetItem or a Query on the tenant's partition: nothing here can reach another tenant's data.
 * Each change is ONE conditional PutItem of the whole item — record, version, audit history and
 * idempotency marker together — so they are atomic without transactions (ADR 0102): no change spans items, so none needs
 * TransactWriteItems.
 */
export class DynamoModelStore implements ModelStore {
  readonly model: ModelDefinition;
  readonly layout: TableLayout;
  readonly #client: DynamoDBClient;
  readonly #cursor: PaginationCursor;
  readonly #fields: ReadonlyMap<string, ModelField>;
  readonly #projection: { expression: string; names: Record<string, string> };

  constructor(client: DynamoDBClient, model: ModelDefinition, layout: TableLayout, cursor: PaginationCursor) {
    this.#client = client;
    this.model = model;
    this.layout = layout;
    this.#cursor = cursor;
    this.#fields = new Map(model.fields.map((f) => [f.name, f]));
    const attributes = ['pk', 'sk', 'lpk', ...model.fields.map((f) => f.name), ...META];
    const names: Record<string, string> = {};
    attributes.forEach((a, i) => (names[`#p${i}`] = a));
    this.#projection = { expression: Object.keys(names).join(', '), names };
  }

  /** The attributes an index projects: everything a list returns. */
  static projectedAttributes(model: ModelDefinition): string[] {
    return [...model.fields.map((f) => f.name), ...META];
  }

  #field(name: string): ModelField | undefined {
    if (name === '_version')
      return {
        name,
        type: 'Int',
        required: true,
        list: false,
        isEnum: false,
        managed: true,
        sortable: false,
      };
    return this.#fields.get(name);
  }

  #toItem(tenantId: string, stored: StoredRecord): Record<string, AttributeValue> {
    const item: Record<string, AttributeValue> = {
      pk: { S: tenantId },
      sk: { S: String(stored.record['id']) },
      _createdById: { S: stored.createdById },
      _history: {
        L: stored.history.map((h) => ({
          M: {
            at: { S: h.at },
            actor: { S: h.actor },
            actorId: { S: h.actorId },
            tenantId: { S: h.tenantId },
            operation: { S: h.operation },
            version: { N: String(h.version) },
            before: h.before === null ? { NULL: true } : { S: h.before },
            after: h.after === null ? { NULL: true } : { S: h.after },
          },
        })),
      },
    };
    for (const [name, value] of Object.entries(stored.record)) {
      if (name === 'createdAt' || name === 'updatedAt') {
        if (typeof value === 'string') item[name] = { S: value };
        continue;
      }
      const attribute = marshalValue(this.#field(name), value);
      if (attribute !== undefined) item[name] = attribute;
    }
    // Force the owner field to the partition's tenant, whatever the record says.
    item[this.model.ownerField] = { S: tenantId };
    if (stored.deleted) item['_deleted'] = { BOOL: true };
    // Only live records carry `lpk`, so the sparse list indexes never see tombstones.
    else item['lpk'] = { S: tenantId };
    if (stored.idempotencyKey !== undefined) item['_idemKey'] = { S: stored.idempotencyKey };
    if (stored.inputHash !== undefined) item['_idemHash'] = { S: stored.inputHash };
    return item;
  }

  async #getRaw(
    tenantId: string,
    id: string,
    full: boolean,
  ): Promise<Record<string, AttributeValue> | undefined> {
    const { Item } = await this.#client.send(
      new GetItemCommand({
        TableName: this.layout.tableName,
        Key: { pk: { S: tenantId }, sk: { S: id } },
        ConsistentRead: true,
        ...(full
          ? {}
          : {
              ProjectionExpression: this.#projection.expression + ', #del',
              ExpressionAttributeNames: { ...this.#projection.names, '#del': '_deleted' },
            }),
      }),
    );
    return Item;
  }

  #startKey(token: string, tenantId: string, queryHash: string): Record<string, AttributeValue> {
    const key = this.#cursor.decode(token, tenantId, queryHash) as Record<string, AttributeValue>;
    // Defence in depth: even a validly signed key must stay in the caller's partition.
    if (key['pk']?.S !== tenantId) throw new PaymentsError('BAD_NEXT_TOKEN');
    return key;
  }

  /** The live record, or undefined (absent, deleted, or another tenant's: indistinguishable). */
  async get(tenantId: string, id: string): Promise<ModelRecord | undefined> {
    const item = await this.#getRaw(tenantId, id, false);
    if (item === undefined || item['_deleted']?.BOOL === true) return undefined;
    return recordFromItem(this.model, item);
  }

  /** Everything stored about a record, tombstones included (for the audit trail and conflicts). */
  async stored(tenantId: string, id: string): Promise<StoredRecord | undefined> {
    const item = await this.#getRaw(tenantId, id, true);
    return item === undefined ? undefined : storedFromItem(this.model, item);
  }

  /**
   * A full page: Queries the tenant's partition of the sort index until `limit` matching records
   * plus one more are found (so `nextToken` is null exactly on the last page), or the index ends.
   */
  async list(tenantId: string, request: ListRequest): Promise<Page> {
    const sortAttribute = request.sortField;
    const queryHash = PaginationCursor.queryHash([
      this.model.name,
      request.filter ?? null,
      sortAttribute,
      request.descending,
    ]);
    let startKey =
      request.nextToken === null || request.nextToken === undefined || request.nextToken === ''
        ? undefined
        : this.#startKey(request.nextToken, tenantId, queryHash);
    const filtered =
      request.filter !== null && request.filter !== undefined && Object.keys(request.filter).length > 0;
    const found: { record: ModelRecord; key: Record<string, AttributeValue> }[] = [];
    let examined = 0;
    let exhausted = false;
    while (found.length <= request.limit) {
      const batch = filtered ? Math.max(100, 2 * (request.limit + 1)) : request.limit + 1 - found.length;
      const result = await this.#client.send(
        new QueryCommand({
          TableName: this.layout.tableName,
          IndexName: indexName(sortAttribute),
          KeyConditionExpression: 'lpk = :t',
          ExpressionAttributeValues: { ':t': { S: tenantId } },
          ProjectionExpression: this.#projection.expression,
          ExpressionAttributeNames: this.#projection.names,
          ScanIndexForward: !request.descending,
          Limit: batch,
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      for (const item of result.Items ?? []) {
        examined += 1;
        const record = recordFromItem(this.model, item);
        const key: Record<string, AttributeValue> = {
          pk: item['pk'] ?? { S: tenantId },
          sk: item['sk'] ?? { S: '' },
          lpk: item['lpk'] ?? { S: tenantId },
        };
        const sortValue = item[sortAttribute];
        if (sortValue !== undefined) key[sortAttribute] = sortValue;
        if (matchesFilter(this.model, record, request.filter)) found.push({ record, key });
        startKey = key;
        if (found.length > request.limit) break;
      }
      if (result.LastEvaluatedKey === undefined && found.length <= request.limit) {
        exhausted = true;
        break;
      }
      if (found.length <= request.limit) startKey = result.LastEvaluatedKey ?? startKey;
      // A very selective filter may not fill the page within the budget: answer what was found and
      // a token to continue, rather than let one request read a whole partition.
      if (examined >= MAX_EXAMINED) break;
    }
    const page = found.slice(0, request.limit);
    let nextToken: string | null = null;
    if (found.length > request.limit) {
      const last = page.at(-1);
      if (last !== undefined) nextToken = this.#cursor.encode(tenantId, queryHash, last.key);
    } else if (!exhausted && startKey !== undefined) {
      nextToken = this.#cursor.encode(tenantId, queryHash, startKey);
    }
    return { items: page.map((f) => f.record), nextToken };
  }

  /** One conditional PutItem on a new key (record and first audit entry together); see createOnce. */
  async create(
    tenantId: string,
    record: ModelRecord,
    actor: Actor,
    idempotency: IdempotencyRecord,
  ): Promise<{ record: ModelRecord; replayed: boolean }> {
    return createOnce({
      read: (id) => this.stored(tenantId, id),
      ownerField: this.model.ownerField,
      tenantId,
      record,
      actor,
      idempotency,
      write: async (stored) => {
        try {
          await this.#client.send(
            new PutItemCommand({
              TableName: this.layout.tableName,
              Item: this.#toItem(tenantId, stored),
              ConditionExpression: 'attribute_not_exists(pk)',
            }),
          );
          return true;
        } catch (error) {
          if (error instanceof ConditionalCheckFailedException) return false;
          throw error;
        }
      },
    });
  }

  /** One conditional PutItem (record, version and audit history together); see changeOptimistically. */
  async change(
    tenantId: string,
    id: string,
    expectedVersion: number | undefined,
    operation: AuditOperation,
    actor: Actor,
    change: ChangeFn,
  ): Promise<ModelRecord> {
    return changeOptimistically({
      read: () => this.stored(tenantId, id),
      ownerField: this.model.ownerField,
      tenantId,
      id,
      expectedVersion,
      operation,
      actor,
      change,
      write: async ({ current, next, version, deleting, audit }) => {
        const stored: StoredRecord = {
          ...current,
          record: next,
          version,
          deleted: deleting,
          history: [...current.history, audit],
        };
        try {
          await this.#client.send(
            new PutItemCommand({
              TableName: this.layout.tableName,
              Item: this.#toItem(tenantId, stored),
              ConditionExpression: '#v = :v AND attribute_not_exists(#d)',
              ExpressionAttributeNames: { '#v': '_version', '#d': '_deleted' },
              ExpressionAttributeValues: { ':v': { N: String(current.version) } },
            }),
          );
          return true;
        } catch (error) {
          if (error instanceof ConditionalCheckFailedException) return false;
          throw error;
        }
      },
    });
  }
}
