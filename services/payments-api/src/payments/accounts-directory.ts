import { checkAccountNumber } from '@atrium/account-number';
import { LRUCache } from 'lru-cache';
import { requestIdHeaders } from '@atrium/service-runtime';

/** Who asks, as the accounts API must see them: the caller's tenant and their own bearer token. */
export interface AccountsCaller {
  readonly tenantId: string;
  readonly accessToken: string;
  /** The id of the request that causes the lookup, passed on so both services' logs correlate. */
  readonly requestId?: string | undefined;
}

/** The accounts API could not say whether an account is the tenant's (down, slow, refusing). */
export class AccountsUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AccountsUnavailable';
  }
}

/** Looks up the caller's tenant's accounts (ADR 0005). */
export interface AccountsDirectory {
  /**
   * The caller's tenant's account that `reference` names, as the accounts API writes its number, or
   * undefined when the tenant has no such account. Throws `AccountsUnavailable` when it cannot tell.
   */
  find(caller: AccountsCaller, reference: string): Promise<string | undefined>;
}

export interface AccountsApiOptions {
  /** The accounts collection URL, e.g. `http://127.0.0.1:8080/api/accounts`. */
  readonly url: string;
  /** How long a found account is trusted without asking again (default 30 s). */
  readonly cacheTtlMs?: number | undefined;
  /** Per request to the accounts API (default 3 s). */
  readonly timeoutMs?: number | undefined;
}

const MAX_CACHED = 10_000;

/**
 * The accounts API over HTTP. It is asked with the caller's own token, never a service credential,
 * so tenant isolation stays the accounts API's: a payment can only name an account its creator could
 * see. Found accounts are cached per (tenant, number) for a short time; a miss always asks again, so
 * an account created a moment ago is accepted at once, and one deleted is refused within the TTL.
 */
export function accountsApiDirectory(options: AccountsApiOptions): AccountsDirectory {
  const base = options.url.replace(/\/+$/, '');
  const ttl = options.cacheTtlMs ?? 30_000;
  const timeout = options.timeoutMs ?? 3_000;
  // Keyed by tenant and comparable number. A hit does not extend an entry's life: an account
  // deleted in the accounts API is refused within `ttl` however often it is named.
  const found = new LRUCache<string, string>({ max: MAX_CACHED, ttl, updateAgeOnGet: false });

  // One indexed lookup (the accounts API's exact `account_number` filter), whatever the tenant's size.
  const lookup = async (caller: AccountsCaller, number: string): Promise<Record<string, unknown>> => {
    const url = `${base}?limit=1&account_number=${encodeURIComponent(number)}`;
    let response: Response;
    try {
      response = await fetch(url, {
        headers: {
          authorization: `Bearer ${caller.accessToken}`,
          accept: 'application/json',
          ...requestIdHeaders(caller.requestId),
        },
        signal: AbortSignal.timeout(timeout),
      });
    } catch (error) {
      throw new AccountsUnavailable(`accounts API not reachable at ${base}`, { cause: error });
    }
    if (response.status === 403) {
      // The caller may see no accounts at all, so none of them is theirs to pay from.
      await response.body?.cancel();
      return { items: [], next_cursor: null };
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new AccountsUnavailable(`accounts API answered ${response.status}`);
    }
    try {
      return (await response.json()) as Record<string, unknown>;
    } catch (error) {
      throw new AccountsUnavailable('accounts API answered something other than JSON', { cause: error });
    }
  };

  return {
    async find(caller, reference) {
      // The accounts API stores only well-formed account numbers: anything else names none of them.
      const account = checkAccountNumber(reference);
      if (!account.ok) return undefined;
      const key = `${caller.tenantId}\u0000${account.normalized}`;
      const cached = found.get(key);
      if (cached !== undefined) return cached;
      const body = await lookup(caller, account.normalized);
      if (!Array.isArray(body['items'])) throw new AccountsUnavailable('accounts API page without items');
      const number = (body['items'] as Record<string, unknown>[])[0]?.['account_number'];
      if (typeof number !== 'string') return undefined;
      // lru-cache reads a ttl of 0 as "forever": 0 here means "do not cache".
      if (ttl > 0) found.set(key, number);
      return number;
    },
  };
}
