import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { demoCaller, makeTempDir, startTestIssuer, type TestIssuer } from '@atrium/test-kit';
import { loadConfig } from './config.ts';
import { startPayments, testStorage, TEST_STORE, type PaymentsFixture } from './payments-fixture.ts';
import type { StorageTarget } from './store/open-store.ts';

const CREATE = `mutation($input: CreatePaymentInput!, $key: String) {
  createPayment(input: $input, idempotencyKey: $key) { id amount } }`;
const LIST = `query($limit: Int, $nextToken: String) {
  listPayments(limit: $limit, nextToken: $nextToken) { items { id } nextToken } }`;

const input = (n: number) => ({
  amount: 10 + n,
  currency: 'DKK',
  dueDate: '2026-12-24T00:00:00.000Z',
  from_account: 'DK001',
  to_account: 'DK002',
  message: `payment ${n}`,
  type: 'DOMESTIC',
});

describe(`several payments instances on one store (${TEST_STORE})`, () => {
  const secret = randomBytes(32).toString('base64');
  const folders: string[] = [];
  const running: PaymentsFixture[] = [];
  let issuer: TestIssuer;
  let storage: StorageTarget;
  let drop: () => Promise<void>;

  /** One instance as `npm start` configures it: its own data folder, the secret from the environment. */
  async function instance(env: Record<string, string>): Promise<PaymentsFixture> {
    const dataDir = await makeTempDir('payments-instance');
    folders.push(dataDir);
    const config = loadConfig({ PAYMENTS_DATA_DIR: dataDir, ...env });
    const started = await startPayments(issuer, {
      storage,
      dataDir: config.dataDir,
      secretKey: config.secret,
    });
    running.push(started);
    return started;
  }

  before(async () => {
    issuer = await startTestIssuer();
    ({ storage, drop } = await testStorage());
  });
  after(async () => {
    for (const api of running) await api.close();
    await drop();
    await issuer.close();
    for (const folder of folders) await rm(folder, { recursive: true, force: true });
  });

  it('with one PAYMENTS_SECRET: an idempotent retry on the other instance returns the same payment, and a nextToken from one pages on the other', async () => {
    const first = await instance({ PAYMENTS_SECRET: secret });
    const second = await instance({ PAYMENTS_SECRET: secret });
    const token = await issuer.mint(demoCaller('A', 'member'));
    for (let n = 0; n < 3; n++) {
      const created = await first.gql(token, CREATE, { input: input(n) });
      assert.equal(created.body.errors, undefined, JSON.stringify(created.body.errors));
    }

    const original = await first.gql(token, CREATE, { input: input(9), key: 'retry-me' });
    const retried = await second.gql(token, CREATE, { input: input(9), key: 'retry-me' });
    assert.equal(retried.body.errors, undefined, JSON.stringify(retried.body.errors));
    const originalId = (original.body.data?.['createPayment'] as { id: string }).id;
    assert.equal((retried.body.data?.['createPayment'] as { id: string }).id, originalId, 'the same payment');
    const page = await first.gql(token, LIST, { limit: 3 });
    const nextToken = (page.body.data?.['listPayments'] as { nextToken: string | null }).nextToken;
    assert.ok(nextToken !== null, 'more than one page');
    const rest = await second.gql(token, LIST, { limit: 3, nextToken });
    assert.equal(
      rest.body.errors,
      undefined,
      `the other instance pages on: ${JSON.stringify(rest.body.errors)}`,
    );
    assert.equal((rest.body.data?.['listPayments'] as { items: unknown[] }).items.length, 1);

    const all = await second.gql(token, LIST, { limit: 100 });
    const ids = (all.body.data?.['listPayments'] as { items: { id: string }[] }).items.map((item) => item.id);
    assert.equal(ids.length, 4, 'three payments and one retried, no duplicate');
  });

  it('an instance with another PAYMENTS_SECRET, or with its own secret.key, refuses to start and names the variable', async () => {
    const others: Record<string, string>[] = [{ PAYMENTS_SECRET: randomBytes(32).toString('base64') }, {}];
    for (const env of others) {
      await assert.rejects(
        instance(env),
        (error: Error) => /PAYMENTS_SECRET/.test(error.message) && /same/.test(error.message),
        `refused with ${JSON.stringify(Object.keys(env))}`,
      );
    }
    // The instances already running are untouched and still agree.
    const token = await issuer.mint(demoCaller('A', 'member'));
    const listed = await (running[1] as PaymentsFixture).gql(token, LIST, { limit: 100 });
    assert.equal((listed.body.data?.['listPayments'] as { items: unknown[] }).items.length, 4);
  });

  it('PAYMENTS_SECRET that is not base64 of at least 32 bytes is named at start', () => {
    assert.throws(
      () => loadConfig({ PAYMENTS_SECRET: Buffer.alloc(16).toString('base64') }),
      /PAYMENTS_SECRET: base64 of at least 32 bytes/,
    );
    assert.throws(() => loadConfig({ PAYMENTS_SECRET: 'not base64!' }), /PAYMENTS_SECRET/);
  });
});
