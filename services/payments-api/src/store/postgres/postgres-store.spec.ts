import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase, type Database } from '@atrium/postgres';
import { demoCaller, startTestIssuer, type TestIssuer } from '@atrium/test-kit';
import { startPayments, type PaymentsFixture } from '../../payments-fixture.ts';
import { SERVICE_ROLE, TENANT_SETTING } from './postgres-store.ts';

// What only the PostgreSQL adapter promises: filters in SQL (no examined-items cap) and row-level
// security as a second layer. Always on embedded PGlite, whatever PAYMENTS_TEST_STORE says.

const LIST = `query($filter: ModelPaymentFilterInput, $limit: Int, $nextToken: String) {
  listPayments(filter: $filter, limit: $limit, nextToken: $nextToken) { items { id message } nextToken } }`;

describe('the PostgreSQL adapter', () => {
  let issuer: TestIssuer;
  let db: Database;
  let api: PaymentsFixture;

  before(async () => {
    issuer = await startTestIssuer();
    db = await openDatabase();
    api = await startPayments(issuer, {
      storage: { kind: 'postgres', url: undefined, dataDir: undefined, database: db },
    });
    // 5 200 payments of TenantA, as the owner (PGlite's superuser); the 3 a filter finds are the oldest.
    await db.exec(`insert into payments (tenant_id, id, amount, currency, due_date, from_account, to_account, message, type,
        status, created_by, created_at, updated_at, version, created_by_id)
      select 'TenantA', 'seed-' || i, 10, 'DKK', now(), 'A1', 'A2', case when i > 5197 then 'needle' else 'hay' end,
        'DOMESTIC', 'UNCONFIRMED', 'seed', now() - i * interval '1 second', now(), 1, 'seed'
      from generate_series(1, 5200) as i`);
  });
  after(async () => {
    await api.close();
    await db.close();
    await issuer.close();
  });

  it('fills a filtered page however many rows the filter passes over (no 5 000-item cap)', async () => {
    const token = await issuer.mint(demoCaller('A', 'viewer'));
    const first = await api.gql(token, LIST, { filter: { message: { eq: 'needle' } }, limit: 2 });
    const page = first.body.data?.['listPayments'] as { items: { id: string }[]; nextToken: string | null };
    assert.deepEqual(
      page.items.map((p) => p.id),
      ['seed-5198', 'seed-5199'],
    );
    assert.notEqual(page.nextToken, null);
    const second = await api.gql(token, LIST, {
      filter: { message: { eq: 'needle' } },
      limit: 2,
      nextToken: page.nextToken,
    });
    assert.deepEqual(second.body.data?.['listPayments'], {
      items: [{ id: 'seed-5200', message: 'needle' }],
      nextToken: null,
    });
  });

  it('row-level security: the service role sees and writes only the tenant set for the transaction', async () => {
    const count = (tenant: string | undefined) =>
      db.transaction(
        async (tx) => (await tx.query<{ n: string }>('select count(*)::text as n from payments')).rows[0]?.n,
        { role: SERVICE_ROLE, ...(tenant === undefined ? {} : { settings: { [TENANT_SETTING]: tenant } }) },
      );
    assert.equal(await count(undefined), '0', 'no tenant set: nothing visible');
    assert.equal(await count('TenantB'), '0');
    assert.equal(await count('TenantA'), '5200');
    await assert.rejects(
      db.transaction(
        (tx) =>
          tx.query(
            `insert into payments (tenant_id, id, created_at, updated_at, version, created_by_id)
             values ('TenantA', 'forged', now(), now(), 1, 'x')`,
          ),
        { role: SERVICE_ROLE, settings: { [TENANT_SETTING]: 'TenantB' } },
      ),
      /row-level security/,
    );
    // The audit trail is append-only for the service.
    await assert.rejects(
      db.transaction((tx) => tx.query('delete from payment_audit'), {
        role: SERVICE_ROLE,
        settings: { [TENANT_SETTING]: 'TenantA' },
      }),
      /permission denied/,
    );
  });
});
