/** An account as the Accounts API returns it (the seed's fields plus Atrium's). */
export interface Account {
  readonly id: string;
  readonly nickname: string;
  /** Exact decimal string (PostgreSQL NUMERIC). */
  readonly balance: string;
  readonly type: AccountType;
  readonly account_number: string;
  readonly currency: string;
  readonly version: number;
  readonly created_at?: string;
  readonly updated_at?: string;
}

export type AccountType = 'domestic' | 'international';

/** What the add dialog sends. */
export interface NewAccount {
  readonly nickname: string;
  readonly account_number: string;
  readonly type: AccountType;
  readonly currency: string;
  readonly balance: string;
}
