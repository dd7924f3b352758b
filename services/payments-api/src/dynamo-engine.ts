import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  UpdateTableCommand,
  type GlobalSecondaryIndex,
} from '@aws-sdk/client-dynamodb';

const require = createRequire(import.meta.url);

/** Where the DynamoDB API is: a real endpoint (AWS, Alternator, dynalite elsewhere) or our own dynalite. */
export type DynamoTarget =
  | {
      readonly kind: 'endpoint';
      /** undefined = the AWS SDK's default endpoint for the region (Amazon DynamoDB). */
      readonly endpoint: string | undefined;
      readonly region: string;
      /** undefined = the SDK's default credential chain. */
      readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined;
    }
  | { readonly kind: 'embedded'; readonly dataDir: string | undefined; readonly region: string };

/** A DynamoDB API client and whatever must be closed with it. */
export interface DynamoEngine {
  readonly client: DynamoDBClient;
  readonly endpoint: string | undefined;
  close(): Promise<void>;
}

/**
 * Opens the DynamoDB API. Embedded: dynalite in this process, on a loopback port, with its LevelDB
 * data under `dataDir` (in memory when undefined — tests and benchmarks only).
 */
export async function openDynamo(target: DynamoTarget): Promise<DynamoEngine> {
  if (target.kind === 'endpoint') {
    const client = new DynamoDBClient({
      region: target.region,
      ...(target.endpoint === undefined ? {} : { endpoint: target.endpoint }),
      ...(target.credentials === undefined ? {} : { credentials: target.credentials }),
    });
    return { client, endpoint: target.endpoint, close: async () => client.destroy() };
  }
  if (target.dataDir !== undefined) await mkdir(target.dataDir, { recursive: true });
  const dynalite = require('dynalite') as (options: Record<string, unknown>) => Server;
  const server = dynalite({
    ...(target.dataDir === undefined ? {} : { path: target.dataDir }),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('dynalite: no address');
  const endpoint = `http://127.0.0.1:${address.port}`;
  const client = new DynamoDBClient({
    region: target.region,
    endpoint,
    // dynalite does not check signatures; the SDK still needs something to sign with.
    credentials: { accessKeyId: 'embedded', secretAccessKey: 'embedded' },
  });
  return {
    client,
    endpoint,
    async close() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

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
