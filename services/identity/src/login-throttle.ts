import type { Database } from '@atrium/postgres';

/** How one kind of key is throttled: free failures, then delays doubling up to a cap. */
export interface ThrottleRule {
  readonly freeFailures: number;
  readonly maxDelaySeconds: number;
}

export interface ThrottlePolicy {
  /** The delay after a key's free failures are used up; it doubles with each further failure. */
  readonly firstDelaySeconds: number;
  readonly perAccountAndAddress: ThrottleRule;
  readonly perAccount: ThrottleRule;
  readonly perAddress: ThrottleRule;
}

/** A key's failures are forgotten after a day without one (and the sweeper deletes it). */
const FORGET_AFTER_SECONDS = 86_400;

/** The answer to "may this sign-in attempt check its password now?". */
export type ThrottleDecision =
  | { readonly allowed: true; readonly attempt: ReservedAttempt }
  | { readonly allowed: false; readonly retryAfterSeconds: number };

export interface ReservedAttempt {
  /** The password was right: clears the account-and-address key, gives back the shared keys' slot. */
  succeeded(): Promise<void>;
}

interface Key {
  readonly key: string;
  readonly rule: ThrottleRule;
}

/**
 * Throttles sign-in the way OWASP's authentication cheat sheet recommends, with growing delays
 * rather than lockouts an attacker could set off for anyone's name. Three keys per attempt: the
 * account from this address (strict: up to 15 min between attempts), the account from anywhere and
 * the address for any account (both shared with innocent people, so at most 30 s between attempts).
 *
 * Every attempt is counted as a failure BEFORE its password is checked, in one statement per
 * attempt on the shared table, so concurrent attempts on any number of instances never get more
 * checks than the policy allows; a success gives its slot back. Keys are counted whether or not
 * the account exists: the throttle must not reveal which usernames are real.
 */
export class LoginThrottle {
  readonly #db: Database;
  readonly #policy: ThrottlePolicy;

  constructor(db: Database, policy: ThrottlePolicy) {
    this.#db = db;
    this.#policy = policy;
  }

  #keys(username: string, address: string): Key[] {
    const account = username.trim().toLowerCase();
    return [
      { key: `account-address:${account} ${address}`, rule: this.#policy.perAccountAndAddress },
      { key: `account:${account}`, rule: this.#policy.perAccount },
      { key: `address:${address}`, rule: this.#policy.perAddress },
    ];
  }

  /**
   * The keys and their rules as statement parameters, with the SQL of "the delay a key must wait
   * after `n` failures": none while free failures remain, then first·2^k up to the rule's cap.
   */
  #rules(keys: readonly Key[]): { cte: string; params: unknown[] } {
    return {
      cte: `rules (key, free, cap) as (select * from unnest($1::text[], $2::int[], $3::int[]))`,
      params: [
        keys.map((k) => k.key),
        keys.map((k) => k.rule.freeFailures),
        keys.map((k) => k.rule.maxDelaySeconds),
      ],
    };
  }

  static #delay(failures: string): string {
    return `make_interval(secs => case when ${failures} < r.free then 0
      else least(r.cap::float8, $4::float8 * power(2::float8, least(${failures} - r.free, 40))) end)`;
  }

  /** Seconds until every key allows an attempt; 0 when one may be checked now. */
  async #waitSeconds(keys: readonly Key[]): Promise<number> {
    const { rows } = await this.#db.query<{ seconds: number }>(
      `select coalesce(max(ceil(extract(epoch from next_attempt_at - now()))), 0)::int as seconds
       from login_throttle
       where key = any($1) and next_attempt_at > now()
         and last_failure_at > now() - make_interval(secs => $2)`,
      [keys.map((k) => k.key), FORGET_AFTER_SECONDS],
    );
    return rows[0]?.seconds ?? 0;
  }

  /**
   * Reserves one password check for this username and address, or says how long to wait. A
   * refused attempt changes nothing, so retrying early neither helps nor extends the wait.
   */
  async reserve(username: string, address: string): Promise<ThrottleDecision> {
    const keys = this.#keys(username, address);
    // Most refusals end here, without writing: an attacker's refused attempts cannot touch the
    // counts of the keys they share with the real user.
    const waiting = await this.#waitSeconds(keys);
    if (waiting > 0) return { allowed: false, retryAfterSeconds: waiting };

    const { cte, params } = this.#rules(keys);
    // One statement: each key's row is locked while its count is checked and raised, so of any
    // number of concurrent attempts only as many pass as the key allows at that moment.
    const counted = `case when t.last_failure_at < now() - make_interval(secs => $5) then 0 else t.failures end + 1`;
    const { rows } = await this.#db.query<{ key: string }>(
      `with ${cte}
       insert into login_throttle as t (key, failures, last_failure_at, next_attempt_at)
       select r.key, 1, now(), now() + ${LoginThrottle.#delay('1')} from rules r
       on conflict (key) do update set
         failures = ${counted},
         last_failure_at = now(),
         next_attempt_at = now() + (select ${LoginThrottle.#delay(counted)} from rules r where r.key = t.key)
       where t.next_attempt_at <= now() or t.last_failure_at < now() - make_interval(secs => $5)
       returning t.key`,
      [...params, this.#policy.firstDelaySeconds, FORGET_AFTER_SECONDS],
    );
    const reserved = new Set(rows.map((row) => row.key));
    if (reserved.size < keys.length) {
      // A concurrent attempt took a key's last slot between the check and the count: give back
      // the slots this attempt took on the other keys, and refuse it.
      await this.#giveBack(keys.filter((k) => reserved.has(k.key)));
      return { allowed: false, retryAfterSeconds: Math.max(1, await this.#waitSeconds(keys)) };
    }
    return {
      allowed: true,
      attempt: {
        succeeded: async () => {
          const [own, ...shared] = keys;
          await this.#db.query('delete from login_throttle where key = $1', [own?.key]);
          // The shared keys keep the other failures: one good password must not reset a spray.
          await this.#giveBack(shared);
        },
      },
    };
  }

  /** Takes one counted failure back; the wait can only shorten to what the lower count allows. */
  async #giveBack(keys: readonly Key[]): Promise<void> {
    // One key per statement: each row lock is released at once, so no order of locks can deadlock
    // with a concurrent reservation (which locks its keys in the order #keys lists them).
    for (const key of keys) {
      const { cte, params } = this.#rules([key]);
      await this.#db.query(
        `with ${cte}
         update login_throttle t set
           failures = greatest(t.failures - 1, 0),
           next_attempt_at = least(t.next_attempt_at, now() + ${LoginThrottle.#delay('greatest(t.failures - 1, 0)')})
         from rules r where r.key = t.key`,
        [...params, this.#policy.firstDelaySeconds],
      );
    }
  }

  /** Deletes the keys quiet for longer than the throttle remembers. */
  async sweep(): Promise<number> {
    const { rowCount } = await this.#db.query(
      'delete from login_throttle where last_failure_at < now() - make_interval(secs => $1)',
      [FORGET_AFTER_SECONDS],
    );
    return rowCount;
  }
}
