import { Injectable, inject } from '@angular/core';
import { PrefetchedAnswer } from '@atrium/element-kit';
import { GraphqlRequest } from './graphql-request';
import { JsonDecimal } from './json-decimal';
import type { AuditRecord, ListRequest, Payment, PaymentDraft, PaymentPage } from './payment';

/** The fields every operation selects. */
export const PAYMENT_FIELDS = `id amount currency dueDate from_account to_account message type tenantId
  status createdBy confirmedBy createdAt updatedAt _version`;

/**
 * The filter is written into the query as a literal (string values JSON-escaped, which is valid
 * GraphQL string syntax) rather than sent as a `ModelPaymentFilterInput` variable: with the service's
 * JIT, a variable of that recursive input type exhausted its memory on the second run
 * (reported to the payments-api owner). A literal filter has no variable to coerce.
 */
function listQuery(filterLiteral: string | null): string {
  const filter = filterLiteral ? `filter: ${filterLiteral}, ` : '';
  return `query ListPayments($limit: Int, $nextToken: String, $sortField: PaymentSortField,
  $sortDirection: ModelSortDirection) {
  listPayments(${filter}limit: $limit, nextToken: $nextToken, sortField: $sortField, sortDirection: $sortDirection) {
    items { ${PAYMENT_FIELDS} } nextToken
  }
}`;
}

const GET = `query GetPayment($id: ID!) { getPayment(id: $id) { ${PAYMENT_FIELDS} } }`;
const CREATE = `mutation CreatePayment($input: CreatePaymentInput!, $idempotencyKey: String) {
  createPayment(input: $input, idempotencyKey: $idempotencyKey) { ${PAYMENT_FIELDS} }
}`;
const UPDATE = `mutation UpdatePayment($input: UpdatePaymentInput!) { updatePayment(input: $input) { ${PAYMENT_FIELDS} } }`;
const DELETE = `mutation DeletePayment($input: DeletePaymentInput!) { deletePayment(input: $input) { id } }`;
const CONFIRM = `mutation ConfirmPayment($id: ID!, $expectedVersion: Int!) {
  confirmPayment(id: $id, expectedVersion: $expectedVersion) { ${PAYMENT_FIELDS} }
}`;
const AUDIT = `query PaymentAudit($paymentId: ID!) { paymentAudit(paymentId: $paymentId) { at actor operation version } }`;

const SORT_FIELDS = { createdAt: 'CREATED_AT', dueDate: 'DUE_DATE', amount: 'AMOUNT' } as const;

const requestKey = (r: ListRequest): string =>
  JSON.stringify([r.limit, r.nextToken, r.filter, r.sortField, r.sortDirection]);

/** The payments GraphQL operations the UI uses, typed. */
@Injectable({ providedIn: 'root' })
export class PaymentsClient {
  private readonly graphql = inject(GraphqlRequest);

  /** The element's first page, asked for before the table is built. */
  private readonly firstPage = new PrefetchedAnswer<PaymentPage>();

  /** Starts `list(request)` now; the next `list` with the same request takes this answer. */
  prefetch(request: ListRequest): Promise<void> {
    return this.firstPage.start(requestKey(request), () => this.fetchPage(request));
  }

  /** The prefetched page for `request` if it has already arrived (then it is taken). */
  takeArrived(request: ListRequest): PaymentPage | undefined {
    return this.firstPage.takeArrived(requestKey(request))?.value;
  }

  list(request: ListRequest): Promise<PaymentPage> {
    return this.firstPage.take(requestKey(request)) ?? this.fetchPage(request);
  }

  private async fetchPage(request: ListRequest): Promise<PaymentPage> {
    const text = request.filter.trim();
    const value = JSON.stringify(text);
    const filter = text
      ? `{ or: [{ from_account: { contains: ${value} } }, { to_account: { contains: ${value} } }, { message: { contains: ${value} } }] }`
      : null;
    const data = await this.graphql.run<{ listPayments: PaymentPage }>(listQuery(filter), {
      limit: request.limit,
      nextToken: request.nextToken,
      sortField: SORT_FIELDS[request.sortField],
      sortDirection: request.sortDirection,
    });
    return data.listPayments;
  }

  async get(id: string): Promise<Payment | null> {
    return (await this.graphql.run<{ getPayment: Payment | null }>(GET, { id })).getPayment;
  }

  /** Creates a payment; the idempotency key makes a retried submit return the same payment. */
  async create(draft: PaymentDraft, idempotencyKey: string): Promise<Payment> {
    const input = { ...draft, amount: new JsonDecimal(draft.amount) };
    return (await this.graphql.run<{ createPayment: Payment }>(CREATE, { input, idempotencyKey }))
      .createPayment;
  }

  async update(id: string, version: number, draft: PaymentDraft): Promise<Payment> {
    const input = { id, _version: version, ...draft, amount: new JsonDecimal(draft.amount) };
    return (await this.graphql.run<{ updatePayment: Payment }>(UPDATE, { input })).updatePayment;
  }

  async delete(id: string, version: number): Promise<void> {
    await this.graphql.run(DELETE, { input: { id, _version: version } });
  }

  async confirm(id: string, version: number): Promise<Payment> {
    return (await this.graphql.run<{ confirmPayment: Payment }>(CONFIRM, { id, expectedVersion: version }))
      .confirmPayment;
  }

  async audit(paymentId: string): Promise<readonly AuditRecord[]> {
    return (await this.graphql.run<{ paymentAudit: readonly AuditRecord[] }>(AUDIT, { paymentId }))
      .paymentAudit;
  }
}
