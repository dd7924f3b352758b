import { Injectable, inject } from '@angular/core';
import { ElementHost, FETCH, PrefetchedAnswer } from '@atrium/element-kit';
import type { Account, NewAccount } from './account';

/** A refused request, from the API's application/problem+json answer. */
export class ApiProblem extends Error {
  readonly status: number;
  readonly code: string;
  /** Field-level messages keyed by field name (e.g. account_number). */
  readonly fields: Readonly<Record<string, string>>;
  constructor(status: number, code: string, message: string, fields: Record<string, string> = {}) {
    super(message);
    this.name = 'ApiProblem';
    this.status = status;
    this.code = code;
    this.fields = fields;
  }
}

/** The If-Match value for the version the user saw (the API's strong ETag is `"<version>"`). */
export function etagOf(account: Account): string {
  return `"${account.version}"`;
}

const PAGE = 100;
const MAX_PAGES = 50;

/** The Accounts REST API, with a fresh bearer token on every request. */
@Injectable({ providedIn: 'root' })
export class AccountsClient {
  private readonly host = inject(ElementHost);
  private readonly fetch = inject(FETCH);

  /** The tree's accounts, asked for before the tree is built. */
  private readonly firstList = new PrefetchedAnswer<Account[]>();

  /** Starts `listAll()` now; the next `listAll` takes this answer. */
  prefetchAll(): Promise<void> {
    return this.firstList.start('all', () => this.fetchAll());
  }

  /** The prefetched accounts if they have already arrived (then they are taken). */
  takeArrivedAll(): Account[] | undefined {
    return this.firstList.takeArrived('all')?.value;
  }

  /** Every account of the tenant (the tree shows them all), following the API's cursor. */
  listAll(): Promise<Account[]> {
    return this.firstList.take('all') ?? this.fetchAll();
  }

  private async fetchAll(): Promise<Account[]> {
    const accounts: Account[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = new URLSearchParams({ limit: String(PAGE) });
      if (cursor) query.set('cursor', cursor);
      const body = (await this.request('GET', `?${query}`)) as {
        items: Account[];
        next_cursor: string | null;
      };
      accounts.push(...body.items);
      cursor = body.next_cursor;
      if (!cursor) break;
    }
    return accounts;
  }

  async create(account: NewAccount): Promise<Account> {
    return (await this.request('POST', '', account)) as Account;
  }

  async rename(account: Account, nickname: string): Promise<Account> {
    return (await this.request(
      'PATCH',
      `/${encodeURIComponent(account.id)}`,
      { nickname },
      etagOf(account),
    )) as Account;
  }

  async delete(account: Account): Promise<void> {
    await this.request('DELETE', `/${encodeURIComponent(account.id)}`, undefined, etagOf(account));
  }

  private async request(method: string, path: string, body?: unknown, ifMatch?: string): Promise<unknown> {
    const context = this.host.context();
    if (!context) throw new ApiProblem(0, 'no_context', 'Not connected to the shell yet.');
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${await this.host.accessToken()}`,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (ifMatch) headers['if-match'] = ifMatch;
    let response: Response;
    try {
      response = await this.fetch(`${context.api.accounts.replace(/\/$/, '')}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch {
      throw new ApiProblem(0, 'unreachable', 'The accounts service cannot be reached.');
    }
    if (response.status === 401) {
      this.host.sessionExpired();
      throw new ApiProblem(401, 'unauthorized', 'Your session has expired.');
    }
    if (response.status === 204) return undefined;
    const json = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    if (!response.ok) throw problemOf(response.status, json);
    return json;
  }
}

function problemOf(status: number, json: Record<string, unknown> | undefined): ApiProblem {
  const fields: Record<string, string> = {};
  const errors = json?.['errors'];
  if (Array.isArray(errors)) {
    for (const error of errors as Record<string, unknown>[]) {
      // A JSON pointer into the request body, e.g. `/account_number`.
      const field = String(error['pointer'] ?? '').replace(/^\/(body\/)?/, '');
      if (field) fields[field] = String(error['message'] ?? 'is not valid');
    }
  }
  const message =
    status === 412
      ? 'Someone else changed this account meanwhile: the tree was refreshed, please try again.'
      : String(json?.['detail'] ?? json?.['title'] ?? `The accounts service answered ${status}.`);
  return new ApiProblem(status, String(json?.['code'] ?? status), message, fields);
}
