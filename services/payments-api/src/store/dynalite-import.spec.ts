import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { demoCaller, makeTempDir, startTestIssuer, type TestIssuer } from '@atrium/test-kit';
import { startPayments, type PaymentsFixture } from '../payments-fixture.ts';

// The fixture is a real embedded data folder of the service before ADR 0106 (dynalite 4.0.0 on
// classic-level 3), written by the payments API of fbbb576^ through its GraphQL API with the secret
// key 32 × 0x07: TenantA's "rent" created with idempotency key fixture-rent-0001 (125.5 DKK), its
// amount changed to 130.25, its message to "Rent December", confirmed by approverTenantA (version 4);
// "invoice" 0.1 EUR with key fixture-invoice-0002; "mistake" 9.99 created and deleted; TenantB's
// 1234567.89 SEK.
const FIXTURE = fileURLToPath(new URL('../../test/fixtures/dynalite-folder/', import.meta.url));
const CLI = fileURLToPath(new URL('../cli.ts', import.meta.url));
const SECRET = Buffer.alloc(32, 7);
const RENT = '6b2971df-7939-5c47-a23b-7e6d2e5f3908';
const INVOICE = '7557ad6c-a540-5dd7-a2a4-bc61d20b01b5';
const MISTAKE = 'dcc0044d-5aab-43a3-a333-a14136b806d1';
const TENANT_B = '8e82335b-7b4a-441b-876f-8d1eebcf0443';

const FIELDS =
  'id amount currency dueDate from_account to_account message type tenantId status createdBy confirmedBy createdAt updatedAt _version';
const GET = `query($id: ID!) { getPayment(id: $id) { ${FIELDS} } }`;
const LIST = `query { listPayments(limit: 100) { items { ${FIELDS} } nextToken } }`;
const AUDIT = `query($id: ID!) { paymentAudit(paymentId: $id) { at actor actorId tenantId operation version before after } }`;
const CREATE = `mutation($input: CreatePaymentInput!, $key: String) { createPayment(input: $input, idempotencyKey: $key) { ${FIELDS} } }`;
const RENT_INPUT = {
  amount: 125.5,
  currency: 'DKK',
  dueDate: '2026-12-24T00:00:00.000Z',
  from_account: 'DK001',
  to_account: 'DK002',
  message: 'Rent',
  type: 'DOMESTIC',
};

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm run payments -- import-dynalite` as an operator runs it, on the data folder `dataDir`. */
function importCommand(dataDir: string): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, PAYMENTS_DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
  for (const name of ['PAYMENTS_DATABASE_URL', 'DATABASE_URL', 'PAYMENTS_STORE', 'DYNAMODB_ENDPOINT'])
    delete env[name];
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, 'import-dynalite'], { env, timeout: 180_000 }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }),
    );
  });
}

const oldFolder = (dataDir: string) => join(dataDir, 'dynamodb');

describe('npm run payments -- import-dynalite: an old embedded folder (dynalite) moves into PostgreSQL', () => {
  let issuer: TestIssuer;
  let dataDir: string;
  const tokens: Record<string, string> = {};

  before(async () => {
    issuer = await startTestIssuer();
    for (const tenant of ['A', 'B'] as const)
      tokens[tenant] = await issuer.mint(demoCaller(tenant, 'member'));
    dataDir = await makeTempDir('payments-import');
    await cp(FIXTURE, oldFolder(dataDir), { recursive: true });
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
    await issuer.close();
  });

  const serve = () =>
    startPayments(issuer, { storage: { kind: 'postgres', url: undefined, dataDir }, secretKey: SECRET });
  async function gql(api: PaymentsFixture, tenant: 'A' | 'B', query: string, variables = {}) {
    const { body } = await api.gql(tokens[tenant], query, variables);
    assert.equal(body.errors, undefined, JSON.stringify(body.errors));
    return Object.values(body.data ?? {})[0];
  }
  /** Everything the API shows of both tenants: the lists and every payment's audit trail. */
  async function everything(api: PaymentsFixture): Promise<unknown> {
    const seen: Record<string, unknown> = {};
    for (const tenant of ['A', 'B'] as const) {
      seen[`list${tenant}`] = await gql(api, tenant, LIST);
      for (const id of [RENT, INVOICE, MISTAKE, TENANT_B])
        seen[`audit${tenant}:${id}`] = await gql(api, tenant, AUDIT, { id });
    }
    return seen;
  }

  it('imports every payment with amount, version, history, tombstone, idempotency key and tenant, and renames the folder', async () => {
    const run = await importCommand(dataDir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /imported 4 payments \(1 deleted.*\) with 8 audit entries; 0 were already there/,
    );
    const today = new Date().toISOString().slice(0, 10);
    assert.deepEqual(
      (await readdir(dataDir)).filter((name) => name.startsWith('dynamodb')),
      [`dynamodb.imported-${today}`],
    );

    // The service starts on the folder again (the old folder no longer stops it) and serves them.
    const api = await serve();
    try {
      const rent = (await gql(api, 'A', GET, { id: RENT })) as Record<string, unknown>;
      assert.deepEqual(rent, {
        id: RENT,
        amount: 130.25,
        currency: 'DKK',
        dueDate: '2026-12-24T00:00:00.000Z',
        from_account: 'DK001',
        to_account: 'DK002',
        message: 'Rent December',
        type: 'DOMESTIC',
        tenantId: 'TenantA',
        status: 'CONFIRMED',
        createdBy: 'userTenantA',
        confirmedBy: 'approverTenantA',
        createdAt: '2026-12-01T23:01:36.081Z',
        updatedAt: '2026-12-01T23:01:36.190Z',
        _version: 4,
      });
      const trail = (await gql(api, 'A', AUDIT, { id: RENT })) as Record<string, unknown>[];
      assert.deepEqual(
        trail.map((e) => [e['version'], e['operation'], e['actor']]),
        [
          [1, 'CREATE', 'userTenantA'],
          [2, 'UPDATE', 'userTenantA'],
          [3, 'UPDATE', 'userTenantA'],
          [4, 'CONFIRM', 'approverTenantA'],
        ],
      );
      assert.equal(trail[0]?.['at'], '2026-12-01T23:01:36.081Z');
      assert.equal(trail[0]?.['before'], null);
      assert.equal(JSON.parse(String(trail[1]?.['before']))['amount'], '125.5');
      assert.equal(JSON.parse(String(trail[1]?.['after']))['amount'], '130.25');

      // The deleted payment is gone from the API, its audit trail is not.
      assert.equal(await gql(api, 'A', GET, { id: MISTAKE }), null);
      const deleted = (await gql(api, 'A', AUDIT, { id: MISTAKE })) as Record<string, unknown>[];
      assert.deepEqual(
        deleted.map((e) => [e['version'], e['operation'], e['after']]),
        [
          [1, 'CREATE', deleted[0]?.['after']],
          [2, 'DELETE', null],
        ],
      );
      const listA = (await gql(api, 'A', LIST)) as { items: { id: string }[] };
      assert.deepEqual(listA.items.map((p) => p.id).sort(), [RENT, INVOICE].sort());
      assert.equal(((await gql(api, 'A', GET, { id: INVOICE })) as Record<string, unknown>)['amount'], 0.1);

      // Tenants stay apart: B sees its own payment only, A cannot reach it.
      const listB = (await gql(api, 'B', LIST)) as { items: Record<string, unknown>[] };
      assert.deepEqual(
        listB.items.map((p) => [p['id'], p['amount'], p['currency']]),
        [[TENANT_B, 1234567.89, 'SEK']],
      );
      assert.equal(await gql(api, 'A', GET, { id: TENANT_B }), null);
      assert.equal(await gql(api, 'B', GET, { id: RENT }), null);
      assert.equal(await gql(api, 'B', AUDIT, { id: RENT }), null);

      // The idempotency record came along: a retry of the original create answers the stored
      // payment instead of creating another, a different input under that key is refused.
      const replay = (await gql(api, 'A', CREATE, { input: RENT_INPUT, key: 'fixture-rent-0001' })) as Record<
        string,
        unknown
      >;
      assert.deepEqual([replay['id'], replay['_version']], [RENT, 4]);
      const reused = await api.gql(tokens['A'], CREATE, {
        input: { ...RENT_INPUT, amount: 1 },
        key: 'fixture-rent-0001',
      });
      assert.equal(reused.body.errors?.[0]?.extensions?.['code'], 'IDEMPOTENCY_KEY_REUSED');
      assert.equal(((await gql(api, 'A', LIST)) as { items: unknown[] }).items.length, 2);
    } finally {
      await api.close();
    }
  });

  it('changes nothing when run again, with the folder put back or without it', async () => {
    const api = await serve();
    const before = await everything(api);
    await api.close();

    await cp(FIXTURE, oldFolder(dataDir), { recursive: true });
    const again = await importCommand(dataDir);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /imported 0 payments .* 4 were already there/);
    const without = await importCommand(dataDir);
    assert.equal(without.code, 0, without.stderr);
    assert.match(without.stderr, /nothing to import/);

    const reopened = await serve();
    try {
      assert.deepEqual(await everything(reopened), before);
    } finally {
      await reopened.close();
    }
  });

  it('refuses while a server holds the data folder, and touches nothing', async () => {
    const busy = await makeTempDir('payments-import-busy');
    try {
      const api = await startPayments(issuer, {
        storage: { kind: 'postgres', url: undefined, dataDir: busy },
        secretKey: SECRET,
      });
      try {
        // The old folder appears beside a running server (copied back by an operator).
        await mkdir(busy, { recursive: true });
        await cp(FIXTURE, oldFolder(busy), { recursive: true });
        const run = await importCommand(busy);
        assert.equal(run.code, 1);
        assert.match(run.stderr, /in use by process \d+/);
        assert.deepEqual(
          (await readdir(busy)).filter((name) => name.startsWith('dynamodb')),
          ['dynamodb'],
        );
        assert.deepEqual(((await gql(api, 'A', LIST)) as { items: unknown[] }).items, []);
      } finally {
        await api.close();
      }
    } finally {
      await rm(busy, { recursive: true, force: true });
    }
  });
});
