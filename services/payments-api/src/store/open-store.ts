import type { ModelDefinition } from '../model/definition.ts';
import type { StoreEngine } from '../model/store.ts';
import type { PaginationCursor } from '../model/pagination-cursor.ts';
import { openDynamoStores, tableLayout, type DynamoTarget } from './dynamodb/dynamodb-engine.ts';
import { recordSettingOnce as recordDynamoSetting } from './dynamodb/service-settings.ts';
import { openPostgresStores, type PostgresTarget } from './postgres/postgres-engine.ts';
import { recordSettingOnce as recordPostgresSetting } from './postgres/service-settings.ts';
import { assertSameSecret, SECRET_FINGERPRINT_SETTING } from './secret-fingerprint.ts';

/** Where the payments are stored: PostgreSQL (default) or DynamoDB (`PAYMENTS_STORE`). */
export type StorageTarget = PostgresTarget | DynamoTarget;

/**
 * Opens the configured adapter of the store port for every model, and checks that the service
 * secret is the one every instance on this store uses: the first instance records the fingerprint
 * of the cursor's key (the secret, which also derives ids from idempotency keys) in the store; a
 * start with another one fails and leaves the store as it was.
 */
export async function openStores(
  target: StorageTarget,
  models: readonly ModelDefinition[],
  cursor: PaginationCursor,
): Promise<StoreEngine> {
  const own = cursor.fingerprint();
  if (target.kind === 'dynamodb') {
    const engine = await openDynamoStores(target, models, cursor);
    const table = tableLayout(models[0] as ModelDefinition, target.tablePrefix).tableName;
    return agreed(
      engine,
      () => recordDynamoSetting(engine.client, table, SECRET_FINGERPRINT_SETTING, own),
      own,
    );
  }
  const engine = await openPostgresStores(target, models, cursor);
  return agreed(engine, () => recordPostgresSetting(engine.database, SECRET_FINGERPRINT_SETTING, own), own);
}

async function agreed(engine: StoreEngine, record: () => Promise<string>, own: string): Promise<StoreEngine> {
  try {
    assertSameSecret(await record(), own);
    return engine;
  } catch (error) {
    await engine.close();
    throw error;
  }
}
