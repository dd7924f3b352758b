import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database } from '@atrium/postgres';
import { ibanFor } from '@atrium/account-number';
import { migrateAccounts } from './accounts-database.ts';
import { inTenant } from './tenant-scope.ts';

interface DemoAccount {
  readonly nickname: string;
  readonly type: 'domestic' | 'international';
  readonly account_number: string;
  readonly currency: string;
  readonly balance: string;
}

/** The demo tenants' accounts: domestic and international, in a few currencies, all with valid IBANs. */
export const DEMO_ACCOUNTS: Readonly<Record<'TenantA' | 'TenantB', readonly DemoAccount[]>> = {
  TenantA: [
    {
      nickname: 'Operating account',
      type: 'domestic',
      account_number: ibanFor('DK', '00400440116243'),
      currency: 'DKK',
      balance: '125000.50',
    },
    {
      nickname: 'Payroll',
      type: 'domestic',
      account_number: ibanFor('DK', '00400440116251'),
      currency: 'DKK',
      balance: '48250.00',
    },
    {
      nickname: 'Tax reserve',
      type: 'domestic',
      account_number: ibanFor('DK', '30000001234567'),
      currency: 'DKK',
      balance: '310000.00',
    },
    {
      nickname: 'EUR settlement',
      type: 'international',
      account_number: ibanFor('DE', '370400440532013000'),
      currency: 'EUR',
      balance: '18400.25',
    },
    {
      nickname: 'USD collections',
      type: 'international',
      account_number: ibanFor('GB', 'NWBK60161331926819'),
      currency: 'USD',
      balance: '9120.10',
    },
    {
      nickname: 'Swedish suppliers',
      type: 'international',
      account_number: ibanFor('SE', '50000000058398257466'),
      currency: 'SEK',
      balance: '72500.00',
    },
  ],
  TenantB: [
    {
      nickname: 'Main account',
      type: 'domestic',
      account_number: ibanFor('DK', '52950001234560'),
      currency: 'DKK',
      balance: '87300.00',
    },
    {
      nickname: 'Savings',
      type: 'domestic',
      account_number: ibanFor('DK', '52950009876543'),
      currency: 'DKK',
      balance: '250000.00',
    },
    {
      nickname: 'Norway branch',
      type: 'international',
      account_number: ibanFor('NO', '86011117947'),
      currency: 'NOK',
      balance: '43210.75',
    },
    {
      nickname: 'EUR payments',
      type: 'international',
      account_number: ibanFor('FR', '20041010050500013M02606'),
      currency: 'EUR',
      balance: '5600.00',
    },
    {
      nickname: 'GBP account',
      type: 'international',
      account_number: ibanFor('GB', 'BARC20000055779911'),
      currency: 'GBP',
      balance: '1200.40',
    },
  ],
};

/**
 * Seeds the demo tenants' accounts (applying migrations first); idempotent: an account number a
 * tenant already has is left alone. Call it only when the demo users are seeded. Returns how many
 * accounts were inserted. Inserts go through the service role and RLS like any request.
 */
export async function seedDemoAccounts(db: Database): Promise<number> {
  await migrateAccounts(db);
  let inserted = 0;
  for (const [tenantId, accounts] of Object.entries(DEMO_ACCOUNTS)) {
    inserted += await inTenant(db, tenantId, async (tx) => {
      let count = 0;
      for (const account of accounts) {
        const result = await tx.query(
          `insert into accounts (tenant_id, nickname, balance, type, account_number, currency)
           values ($1, $2, $3::numeric, $4, $5, $6) on conflict (tenant_id, account_number) do nothing`,
          [
            tenantId,
            account.nickname,
            account.balance,
            account.type,
            account.account_number,
            account.currency,
          ],
        );
        count += result.rowCount;
      }
      return count;
    });
  }
  return inserted;
}

/**
 * Seeds the demo accounts once per data folder (a marker beside the database says so): a demo
 * account an admin deleted must not come back on the next start. Returns how many were inserted,
 * or undefined when this folder was seeded before. The embedded server and the standalone
 * accounts API (the split topology) both start with it.
 */
export async function seedDemoAccountsOnce(db: Database, dataDir: string): Promise<number | undefined> {
  const marker = join(dataDir, 'accounts', 'demo-seeded');
  if (existsSync(marker)) return undefined;
  const count = await seedDemoAccounts(db);
  await mkdir(join(dataDir, 'accounts'), { recursive: true });
  await writeFile(marker, new Date().toISOString());
  return count;
}
