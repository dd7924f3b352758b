// Test double of the payments GraphQL API and the accounts REST API, behind the FETCH token:
// component tests drive the real components and services against it and inspect what they sent.
import type { ElementContext, Role } from '@atrium/contracts';
import { testElementContext } from '@atrium/element-kit/testing';
import type { Payment } from '../app/payments-api/payment';

export interface SentOperation {
  readonly operation: string;
  readonly variables: Record<string, unknown>;
  readonly authorization: string | null;
  /** The request body exactly as sent. */
  readonly raw: string;
}

export function payment(overrides: Partial<Payment> & { id: string }): Payment {
  return {
    amount: '100.00',
    currency: 'DKK',
    dueDate: '2026-12-01T00:00:00.000Z',
    from_account: 'DK001',
    to_account: 'DK002',
    message: null,
    type: 'DOMESTIC',
    tenantId: 'TenantA',
    status: 'UNCONFIRMED',
    createdBy: 'userTenantA',
    confirmedBy: null,
    createdAt: '2026-11-01T10:00:00.000Z',
    updatedAt: '2026-11-01T10:00:00.000Z',
    _version: 1,
    ...overrides,
  };
}

export class InMemoryPaymentsApi {
  readonly sent: SentOperation[] = [];
  payments: Payment[] = [];
  accounts: Record<string, unknown>[] | undefined;
  /** When set, the next GraphQL answer is this body (errors, broken server, …). */
  failNext: { status: number; body: unknown } | undefined;
  private tokens = 0;

  readonly fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = String(input);
    const headers = new Headers(init?.headers);
    if (url.includes('/api/accounts')) {
      if (!this.accounts) return new Response('{}', { status: 404 });
      return Response.json({ items: this.accounts, nextCursor: null });
    }
    const { query, variables } = JSON.parse(String(init?.body)) as {
      query: string;
      variables: Record<string, unknown>;
    };
    const operation = /^(?:query|mutation)\s+(\w+)/.exec(query.trim())?.[1] ?? 'anonymous';
    this.sent.push({
      operation,
      variables,
      authorization: headers.get('authorization'),
      raw: String(init?.body),
    });
    if (this.failNext) {
      const { status, body } = this.failNext;
      this.failNext = undefined;
      return Response.json(body, { status });
    }
    return Response.json({ data: this.answer(operation, variables) });
  };

  lastOf(operation: string): SentOperation | undefined {
    return this.sent.filter((s) => s.operation === operation).at(-1);
  }

  private answer(operation: string, v: Record<string, unknown>): unknown {
    switch (operation) {
      case 'ListPayments': {
        const start = v['nextToken'] ? Number(String(v['nextToken']).slice(1)) : 0;
        const limit = Number(v['limit']);
        const items = this.payments.slice(start, start + limit);
        const next = start + limit < this.payments.length ? `c${start + limit}` : null;
        return { listPayments: { items, nextToken: next } };
      }
      case 'GetPayment':
        return { getPayment: this.payments.find((p) => p.id === v['id']) ?? null };
      case 'PaymentAudit':
        return {
          paymentAudit: [
            { at: '2026-11-01T10:00:00.000Z', actor: 'userTenantA', operation: 'CREATE', version: 1 },
          ],
        };
      case 'CreatePayment': {
        const input = v['input'] as Partial<Payment>;
        const created = payment({ ...input, amount: String(input.amount), id: `new-${++this.tokens}` });
        this.payments.unshift(created);
        return { createPayment: created };
      }
      case 'UpdatePayment': {
        const input = v['input'] as Partial<Payment> & { id: string };
        const updated = payment({ ...this.payments.find((p) => p.id === input.id), ...input });
        return { updatePayment: updated };
      }
      case 'DeletePayment': {
        const input = v['input'] as { id: string };
        this.payments = this.payments.filter((p) => p.id !== input.id);
        return { deletePayment: { id: input.id } };
      }
      case 'ConfirmPayment':
        return { confirmPayment: payment({ id: String(v['id']), status: 'CONFIRMED' }) };
      default:
        throw new Error(`unexpected operation ${operation}`);
    }
  }
}

/** A context as the shell builds it for <atrium-payments>, for a demo user of Tenant A. */
export function testContext(roles: Role[], username = 'userTenantA'): ElementContext {
  return testElementContext({ roles, username, basePath: '/payments' });
}
