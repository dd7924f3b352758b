// node --test --test-global-setup: one Amazon DynamoDB Local for every spec file of a run (a JVM
// takes seconds to start), reached by the fixtures through DYNAMODB_TEST_ENDPOINT.
import { startDynamoDbLocal, type DynamoDbLocal } from '@atrium/test-kit';

let local: DynamoDbLocal | undefined;

export async function globalSetup(): Promise<void> {
  local = await startDynamoDbLocal();
  process.env['DYNAMODB_TEST_ENDPOINT'] = local.endpoint;
}

export async function globalTeardown(): Promise<void> {
  await local?.stop();
}
