import { comparableAccountNumber } from '@atrium/account-number';

/** Who asks, as the accounts API must see them: the caller's tenant and their own bearer token. */
export interface AccountsCaller {
  readonly tenantId: string;
  readonly accessToken: string;
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

const PAGE_SIZE = 100;
// A tenant with more accounts than this is not a company's account list: stop rather than loop.
const MAX_PAGES = 100;
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
  // Keyed by tenant and comparable number; Map order is insertion order, so the first is the oldest.
  const found = new Map<string, { readonly number: string; readonly until: number }>();

  const remember = (tenantId: string, number: string): void => {
    const key = `${tenantId}\u0000${comparableAccountNumber(number)}`;
    found.delete(key);
    found.set(key, { number, until: Date.now() + ttl });
    if (found.size > MAX_CACHED) found.delete(found.keys().next().value as string);
  };

  const page = async (caller: AccountsCaller, cursor: string | null): Promise<Record<string, unknown>> => {
    const url = `${base}?limit=${PAGE_SIZE}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { authorization: `Bearer ${caller.accessToken}`, accept: 'application/json' },
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
      const wanted = comparableAccountNumber(reference);
      const key = `${caller.tenantId}\u0000${wanted}`;
      const cached = found.get(key);
      if (cached !== undefined && cached.until > Date.now()) return cached.number;
      found.delete(key);
      let cursor: string | null = null;
      for (let pages = 0; pages < MAX_PAGES; pages += 1) {
        const body = await page(caller, cursor);
        if (!Array.isArray(body['items'])) throw new AccountsUnavailable('accounts API page without items');
        let match: string | undefined;
        for (const item of body['items'] as Record<string, unknown>[]) {
          const number = item['account_number'];
          if (typeof number !== 'string') continue;
          remember(caller.tenantId, number);
          if (match === undefined && comparableAccountNumber(number) === wanted) match = number;
        }
        if (match !== undefined) return match;
        const next = body['next_cursor'];
        if (typeof next !== 'string' || next === '') return undefined;
        cursor = next;
      }
      return undefined;
    },
  };
}
