import { Injectable, inject } from '@angular/core';
import { ElementHost } from '@atrium/element-kit';
import { FETCH } from '../payments-api/graphql-request';

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
    try {
      const token = await this.host.accessToken();
      const response = await this.fetch(`${context.api.accounts.replace(/\/$/, '')}?limit=100`, {
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      });
      if (!response.ok) return undefined;
      const body = (await response.json()) as { items?: unknown };
      if (!Array.isArray(body.items)) return undefined;
      return (body.items as Record<string, unknown>[]).map((a) => ({
        accountNumber: String(a['account_number'] ?? ''),
        nickname: String(a['nickname'] ?? ''),
        currency: String(a['currency'] ?? ''),
      }));
    } catch {
      return undefined;
    }
  }
}
