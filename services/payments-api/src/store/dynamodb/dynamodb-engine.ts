import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { sortableFields, type ModelDefinition } from '../../model/definition.ts';
import type { ModelStore, StoreEngine } from '../../model/store.ts';
import type { PaginationCursor } from '../../model/pagination-cursor.ts';
import { DynamoModelStore } from './dynamodb-store.ts';
import { ensureTable, type TableLayout } from './dynamodb-tables.ts';

/** Where the DynamoDB API is (`PAYMENTS_STORE=dynamodb`): Amazon DynamoDB, or a compatible endpoint. */
export interface DynamoTarget {
  readonly kind: 'dynamodb';
  /** undefined = the AWS SDK's default endpoint for the region (Amazon DynamoDB). */
  readonly endpoint: string | undefined;
  readonly region: string;
  /** undefined = the SDK's default credential chain. */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined;
  /** Table names are `<prefix><model>s` (default `atrium-`). */
  readonly tablePrefix: string;
  /**
   * Create missing tables and indexes at start (default). `false` leaves them to the operator (an
   * IAM role without dynamodb:CreateTable); the service then only checks that they exist.
   */
  readonly manageTables: boolean;
}

/** The table of one model: `pk` = tenant id, `sk` = record id, one sparse GSI per sort field. */
export function tableLayout(model: ModelDefinition, tablePrefix: string): TableLayout {
  return {
    tableName: `${tablePrefix}${model.name.charAt(0).toLowerCase()}${model.name.slice(1)}s`,
    sortKeys: sortableFields(model).map((attribute) => ({
      attribute,
      type: model.fields.find((f) => f.name === attribute && (f.type === 'Float' || f.type === 'Int'))
        ? ('N' as const)
        : ('S' as const),
    })),
    projected: DynamoModelStore.projectedAttributes(model),
  };
}

/** Opens the DynamoDB adapter: a client, each model's table (created when managed), its store. */
export async function openDynamoStores(
  target: DynamoTarget,
  models: readonly ModelDefinition[],
  cursor: PaginationCursor,
): Promise<StoreEngine & { readonly client: DynamoDBClient }> {
  const client = new DynamoDBClient({
    region: target.region,
    ...(target.endpoint === undefined ? {} : { endpoint: target.endpoint }),
    ...(target.credentials === undefined ? {} : { credentials: target.credentials }),
  });
  const stores = new Map<string, ModelStore>();
  try {
    for (const model of models) {
      const layout = tableLayout(model, target.tablePrefix);
      if (target.manageTables) await ensureTable(client, layout);
      else await client.send(new DescribeTableCommand({ TableName: layout.tableName }));
      stores.set(model.name, new DynamoModelStore(client, model, layout, cursor));
    }
  } catch (error) {
    client.destroy();
    throw error;
  }
  return {
    client,
    stores,
    async ping() {
      // A read the data plane answers (DescribeTable is rate-limited control plane on AWS).
      const [first] = stores.values();
      await first?.get('__readiness__', '__readiness__');
    },
    async close() {
      client.destroy();
    },
  };
}
