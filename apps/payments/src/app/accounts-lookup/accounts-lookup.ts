import { Injectable, inject } from '@angular/core';
import { ElementHost, FETCH } from '@atrium/element-kit';

const MAX_PAGES = 10;

/** One of the tenant's own accounts, offered as a from-account. */
export interface AccountChoice {
  readonly accountNumber: string;
  readonly nickname: string;
  readonly currency: string;
}

/**
 * Reads the tenant's accounts from the Accounts API so the from-account is picked rather than typed.
 * Resolves to undefined when that API is not there (or refuses): the form then takes free text.
 */
@Injectable({ providedIn: 'root' })
export class AccountsLookup {
  private readonly host = inject(ElementHost);
  private readonly fetch = inject(FETCH);

  async list(): Promise<readonly AccountChoice[] | undefined> {
    const context = this.host.context();
    if (!context?.api.accounts) return undefined;
    const base = `${context.api.accounts.replace(/\/$/, '')}?limit=100`;
    const choices: AccountChoice[] = [];
    try {
      let cursor: string | undefined;
      // Every page, in the accounts API's order; a company has tens of accounts, so a bound, not a pager.
      for (let page = 0; page < MAX_PAGES; page++) {
        const token = await this.host.accessToken();
        const url = cursor === undefined ? base : `${base}&cursor=${encodeURIComponent(cursor)}`;
        const response = await this.fetch(url, {
          headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
        });
        if (!response.ok) return undefined;
        const body = (await response.json()) as { items?: unknown; next_cursor?: unknown };
        if (!Array.isArray(body.items)) return undefined;
        for (const a of body.items as Record<string, unknown>[])
          choices.push({
            accountNumber: String(a['account_number'] ?? ''),
            nickname: String(a['nickname'] ?? ''),
            currency: String(a['currency'] ?? ''),
          });
        if (typeof body.next_cursor !== 'string' || body.next_cursor === '') break;
        cursor = body.next_cursor;
      }
      return choices;
    } catch {
      return undefined;
    }
  }
}
