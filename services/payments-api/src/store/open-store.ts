import type { ModelDefinition } from '../model/definition.ts';
import type { StoreEngine } from '../model/store.ts';
import type { PaginationCursor } from '../model/pagination-cursor.ts';
import { openDynamoStores, type DynamoTarget } from './dynamodb/dynamodb-engine.ts';
import { openPostgresStores, type PostgresTarget } from './postgres/postgres-engine.ts';

/** Where the payments are stored: PostgreSQL (default) or DynamoDB (`PAYMENTS_STORE`). */
export type StorageTarget = PostgresTarget | DynamoTarget;

/** Opens the configured adapter of the store port for every model. */
export function openStores(
  target: StorageTarget,
  models: readonly ModelDefinition[],
  cursor: PaginationCursor,
): Promise<StoreEngine> {
  return target.kind === 'dynamodb'
    ? openDynamoStores(target, models, cursor)
    : openPostgresStores(target, models, cursor);
}
