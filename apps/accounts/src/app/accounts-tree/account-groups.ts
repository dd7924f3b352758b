import { sumDecimals } from '@atrium/money';
import type { Account, AccountType } from '../accounts-api/account';

/** A sum of balances in one currency. */
export interface CurrencyTotal {
  readonly currency: string;
  readonly total: string;
}

export interface GroupNode {
  readonly kind: 'group';
  readonly type: AccountType;
  readonly totals: readonly CurrencyTotal[];
  readonly children: readonly AccountNode[];
}

export interface AccountNode {
  readonly kind: 'account';
  readonly account: Account;
}

export type TreeNode = GroupNode | AccountNode;

/** The groups in the order the tree shows them (the view labels them in the page's language). */
const GROUPS: readonly AccountType[] = ['domestic', 'international'];

/** Exact per-currency totals of some accounts, currencies in alphabetical order. */
export function totalsByCurrency(accounts: readonly Account[]): CurrencyTotal[] {
  const byCurrency = new Map<string, string[]>();
  for (const account of accounts)
    byCurrency.set(account.currency, [...(byCurrency.get(account.currency) ?? []), account.balance]);
  return [...byCurrency.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, balances]) => ({ currency, total: sumDecimals(balances) }));
}

/** The articles' tree: Domestic and International at the root, the accounts as leaves. */
export function groupAccounts(accounts: readonly Account[]): GroupNode[] {
  return GROUPS.map((type) => {
    const members = accounts
      .filter((account) => account.type === type)
      .sort((a, b) => a.nickname.localeCompare(b.nickname));
    return {
      kind: 'group',
      type,
      totals: totalsByCurrency(members),
      children: members.map((account) => ({ kind: 'account', account })),
    };
  });
}
