import { Injectable, inject } from '@angular/core';
import { PrefetchedAnswer } from '@atrium/element-kit';
import { GraphqlRequest, GraphqlRequestError } from './graphql-request';
import { JsonDecimal } from './json-decimal';
import type { AuditRecord, ListRequest, Payment, PaymentDraft, PaymentPage } from './payment';
import {
  confirmPayment,
  createPayment,
  deletePayment,
  getPayment,
  listPayments,
  paymentAudit,
  updatePayment,
  type GeneratedMutation,
  type GeneratedQuery,
  type ModelPaymentFilterInput,
} from './payments-api.generated';

/** A generated document (payments-api.generated.ts), typed with its variables and result. */
type Operation<Variables, Result> = GeneratedQuery<Variables, Result> | GeneratedMutation<Variables, Result>;

const SORT_FIELDS = { createdAt: 'CREATED_AT', dueDate: 'DUE_DATE', amount: 'AMOUNT' } as const;

const requestKey = (r: ListRequest): string =>
  JSON.stringify([r.limit, r.nextToken, r.filter, r.sortField, r.sortDirection]);

/** A mutation's payment, which the API returns unless it answers an error. */
function returned(payment: Payment | null, operation: string): Payment {
  if (payment === null)
    throw new GraphqlRequestError(`The payments service returned no payment (${operation}).`, 200);
  return payment;
}

/**
 * The payments GraphQL operations the UI uses: the documents Amplify's codegen generates from the
 * API's schema, with their generated types (payments-api.generated.ts, written by the build).
 */
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
    // The text travels as a variable's value: it cannot change the query.
    const filter: ModelPaymentFilterInput | null = text
      ? {
          or: [
            { from_account: { contains: text } },
            { to_account: { contains: text } },
            { message: { contains: text } },
          ],
        }
      : null;
    const data = await this.run(listPayments, {
      filter,
      limit: request.limit,
      nextToken: request.nextToken,
      sortField: SORT_FIELDS[request.sortField],
      sortDirection: request.sortDirection,
    });
    const page = data.listPayments;
    return {
      items: (page?.items ?? []).filter((payment) => payment !== null),
      nextToken: page?.nextToken ?? null,
    };
  }

  async get(id: string): Promise<Payment | null> {
    return (await this.run(getPayment, { id })).getPayment;
  }

  /** Creates a payment; the idempotency key makes a retried submit return the same payment. */
  async create(draft: PaymentDraft, idempotencyKey: string): Promise<Payment> {
    const input = { ...draft, amount: new JsonDecimal(draft.amount) };
    return returned(
      (await this.run(createPayment, { input, idempotencyKey })).createPayment,
      'createPayment',
    );
  }

  async update(id: string, version: number, draft: PaymentDraft): Promise<Payment> {
    const input = { id, _version: version, ...draft, amount: new JsonDecimal(draft.amount) };
    return returned((await this.run(updatePayment, { input })).updatePayment, 'updatePayment');
  }

  async delete(id: string, version: number): Promise<void> {
    await this.run(deletePayment, { input: { id, _version: version } });
  }

  async confirm(id: string, version: number): Promise<Payment> {
    return returned(
      (await this.run(confirmPayment, { id, expectedVersion: version })).confirmPayment,
      'confirmPayment',
    );
  }

  async audit(paymentId: string): Promise<readonly AuditRecord[]> {
    return (await this.run(paymentAudit, { paymentId })).paymentAudit ?? [];
  }

  private run<Variables, Result>(
    document: Operation<Variables, Result>,
    variables: Variables,
  ): Promise<Result> {
    return this.graphql.run<Result>(document, variables as Record<string, unknown>);
  }
}
