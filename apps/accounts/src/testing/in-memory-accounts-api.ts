// Test double of the Accounts REST API behind the FETCH token: component tests drive the real
// components and client against it and inspect what they sent.
import type { ElementContext, Role } from '@atrium/contracts';
import { testElementContext } from '@atrium/element-kit/testing';
import type { Account } from '../app/accounts-api/account';

export interface SentRequest {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
  readonly ifMatch: string | null;
  readonly authorization: string | null;
}

export function account(overrides: Partial<Account> & { id: string }): Account {
  return {
    nickname: `Account ${overrides.id}`,
    balance: '0.00',
    type: 'domestic',
    account_number: 'DK5000400440116243',
    currency: 'DKK',
    version: 1,
    ...overrides,
  };
}

export class InMemoryAccountsApi {
  readonly sent: SentRequest[] = [];
  accounts: Account[] = [];
  /** Page size the fake answers with, to exercise the cursor. */
  pageSize = 100;
  failNext: { status: number; body: unknown } | undefined;
  private ids = 0;

  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(String(input));
    const headers = new Headers(init?.headers);
    const method = init?.method ?? 'GET';
    const body = init?.body ? (JSON.parse(String(init.body)) as unknown) : undefined;
    const path = url.pathname.replace(/^\/api\/accounts/, '');
    this.sent.push({
      method,
      path: `${path}${url.search}`,
      body,
      ifMatch: headers.get('if-match'),
      authorization: headers.get('authorization'),
    });
    if (this.failNext) {
      const { status, body: answer } = this.failNext;
      this.failNext = undefined;
      return Response.json(answer, { status, headers: { 'content-type': 'application/problem+json' } });
    }
    const id = decodeURIComponent(path.slice(1));
    const found = this.accounts.find((a) => a.id === id);
    if (method === 'GET') {
      const start = Number(url.searchParams.get('cursor') ?? 0);
      const items = this.accounts.slice(start, start + this.pageSize);
      const next = start + this.pageSize < this.accounts.length ? String(start + this.pageSize) : null;
      return Response.json({ items, next_cursor: next });
    }
    if (method === 'POST') {
      const created = account({ ...(body as Partial<Account>), id: `new-${++this.ids}` });
      this.accounts.push(created);
      return Response.json(created, { status: 201 });
    }
    if (!found) return Response.json({ status: 404, code: 'not_found', title: 'Not found' }, { status: 404 });
    if (headers.get('if-match') !== `"${found.version}"`)
      return Response.json({ status: 412, code: 'precondition_failed', title: 'Stale' }, { status: 412 });
    if (method === 'PATCH') {
      const updated = { ...found, ...(body as Partial<Account>), version: found.version + 1 };
      this.accounts = this.accounts.map((a) => (a.id === id ? updated : a));
      return Response.json(updated);
    }
    this.accounts = this.accounts.filter((a) => a.id !== id);
    return new Response(null, { status: 204 });
  };

  last(method: string): SentRequest | undefined {
    return this.sent.filter((s) => s.method === method).at(-1);
  }
}

/** A context as the shell builds it for <atrium-accounts>, for a demo user of Tenant A. */
export function testContext(roles: Role[], username = 'adminTenantA'): ElementContext {
  return testElementContext({ roles, username, basePath: '/accounts' });
}
