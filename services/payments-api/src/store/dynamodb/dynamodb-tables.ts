import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  UpdateTableCommand,
  type GlobalSecondaryIndex,
} from '@aws-sdk/client-dynamodb';

/** The layout of one model's table: `pk` = tenant id, `sk` = record id, one sparse GSI per sort field. */
export interface TableLayout {
  readonly tableName: string;
  /** Sort attribute name and its DynamoDB type, one GSI each (`by-<attribute>`, partition `lpk`). */
  readonly sortKeys: readonly { readonly attribute: string; readonly type: 'S' | 'N' }[];
  /** Attributes projected into every index (everything lists return; never the history). */
  readonly projected: readonly string[];
}

export const indexName = (attribute: string): string => `by-${attribute}`;

function gsi(layout: TableLayout, attribute: string): GlobalSecondaryIndex {
  return {
    IndexName: indexName(attribute),
    KeySchema: [
      { AttributeName: 'lpk', KeyType: 'HASH' },
      { AttributeName: attribute, KeyType: 'RANGE' },
    ],
    Projection: {
      ProjectionType: 'INCLUDE',
      NonKeyAttributes: layout.projected.filter((a) => a !== attribute),
    },
  };
}

async function waitActive(client: DynamoDBClient, tableName: string): Promise<string[]> {
  for (let attempt = 0; attempt < 600; attempt += 1) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexes = Table?.GlobalSecondaryIndexes ?? [];
    if (Table?.TableStatus === 'ACTIVE' && indexes.every((i) => i.IndexStatus === 'ACTIVE'))
      return indexes.map((i) => i.IndexName ?? '');
    await new Promise((resolve) => setTimeout(resolve, attempt < 10 ? 50 : 1000));
  }
  throw new Error(`table ${tableName} did not become ACTIVE`);
}

/** Creates the table and any missing index (one at a time, as DynamoDB requires); idempotent. */
export async function ensureTable(client: DynamoDBClient, layout: TableLayout): Promise<void> {
  const definitions = [
    { AttributeName: 'pk', AttributeType: 'S' as const },
    { AttributeName: 'sk', AttributeType: 'S' as const },
    { AttributeName: 'lpk', AttributeType: 'S' as const },
    ...layout.sortKeys.map((k) => ({ AttributeName: k.attribute, AttributeType: k.type })),
  ];
  let existing: string[];
  try {
    existing = await waitActive(client, layout.tableName);
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    try {
      await client.send(
        new CreateTableCommand({
          TableName: layout.tableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: definitions,
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          GlobalSecondaryIndexes: layout.sortKeys.map((k) => gsi(layout, k.attribute)),
        }),
      );
    } catch (createError) {
      // Another instance created it first: fine.
      if (!(createError instanceof Error && createError.name === 'ResourceInUseException')) throw createError;
    }
    existing = await waitActive(client, layout.tableName);
  }
  for (const key of layout.sortKeys) {
    if (existing.includes(indexName(key.attribute))) continue;
    await client.send(
      new UpdateTableCommand({
        TableName: layout.tableName,
        AttributeDefinitions: definitions,
        GlobalSecondaryIndexUpdates: [{ Create: gsi(layout, key.attribute) }],
      }),
    );
    existing = await waitActive(client, layout.tableName);
  }
}
