import {
  ConditionalCheckFailedException,
  GetItemCommand,
  PutItemCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

/**
 * The partition of the service's own settings in a model's table: tenant ids start with a letter
 * (identity's TENANT_ID), so no tenant's query can reach it, and it carries no `lpk`, so no index
 * holds it. A principal bound to its tenant by IAM `LeadingKeys` cannot read it: the service's role
 * needs this partition too.
 */
export const SETTINGS_PARTITION = '__service__';

/**
 * Records `value` under `name` unless a value is there (a conditional PutItem: the first of several
 * instances starting together wins) and answers the recorded one (a strongly consistent read).
 */
export async function recordSettingOnce(
  client: DynamoDBClient,
  tableName: string,
  name: string,
  value: string,
): Promise<string> {
  const key = { pk: { S: SETTINGS_PARTITION }, sk: { S: name } };
  try {
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: { ...key, value: { S: value }, recordedAt: { S: new Date().toISOString() } },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return value;
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
  const { Item } = await client.send(
    new GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
  );
  const recorded = Item?.['value']?.S;
  if (recorded === undefined) throw new Error(`payments: ${tableName} setting ${name} has no value`);
  return recorded;
}
