import type { Database } from '@atrium/postgres';

export interface ThrottlePolicy {
  readonly maxFailuresPerAccount: number;
  readonly maxFailuresPerAddress: number;
  /** Both the counting window and the lockout length. */
  readonly lockoutSeconds: number;
}

/**
 * Counts failed sign-ins per account name and per client address in the shared database, so the
 * limit holds across instances and restarts. Account keys are counted whether or not the account
 * exists: a lockout must not reveal which usernames are real.
 */
export class LoginThrottle {
  readonly #db: Database;
  readonly #policy: ThrottlePolicy;

  constructor(db: Database, policy: ThrottlePolicy) {
    this.#db = db;
    this.#policy = policy;
  }

  static #keys(username: string, address: string): { account: string; address: string } {
    return { account: `account:${username.trim().toLowerCase()}`, address: `address:${address}` };
  }

  /** Seconds until sign-in is allowed again for this account or address; 0 when allowed now. */
  async lockedFor(username: string, address: string): Promise<number> {
    const keys = LoginThrottle.#keys(username, address);
    const { rows } = await this.#db.query<{ seconds: number }>(
      `select coalesce(max(ceil(extract(epoch from locked_until - now()))), 0)::int as seconds
       from login_throttle where key = any($1) and locked_until > now()`,
      [[keys.account, keys.address]],
    );
    return rows[0]?.seconds ?? 0;
  }

  async recordFailure(username: string, address: string): Promise<void> {
    const keys = LoginThrottle.#keys(username, address);
    const window = this.#policy.lockoutSeconds;
    for (const [key, max] of [
      [keys.account, this.#policy.maxFailuresPerAccount],
      [keys.address, this.#policy.maxFailuresPerAddress],
    ] as const) {
      // One statement, so concurrent failures on several instances all count.
      await this.#db.query(
        `insert into login_throttle as t (key, failures, window_started_at) values ($1, 1, now())
         on conflict (key) do update set
           failures = case when t.window_started_at < now() - make_interval(secs => $2) then 1 else t.failures + 1 end,
           window_started_at = case when t.window_started_at < now() - make_interval(secs => $2) then now() else t.window_started_at end`,
        [key, window],
      );
      await this.#db.query(
        `update login_throttle set locked_until = now() + make_interval(secs => $3), failures = 0, window_started_at = now()
         where key = $1 and failures >= $2`,
        [key, max, window],
      );
    }
  }

  /** A successful sign-in clears the account's count (not the address's: one good password must not unlock a spray). */
  async recordSuccess(username: string, address: string): Promise<void> {
    await this.#db.query('delete from login_throttle where key = $1', [
      LoginThrottle.#keys(username, address).account,
    ]);
  }
}
