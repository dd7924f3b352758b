import type { GetPaymentQuery, PaymentAuditQuery } from './payments-api.generated';

/**
 * A payment as the GraphQL API returns it (Amplify field names kept from the articles): the
 * generated type of getPayment's selection, so a schema change shows up here at build time. The
 * amount is an exact decimal, as text (or a JSON number).
 */
export type Payment = Omit<NonNullable<GetPaymentQuery['getPayment']>, '__typename'>;

export type PaymentType = Payment['type'];
export type PaymentStatus = Payment['status'];
export type PaymentSortField = 'createdAt' | 'dueDate' | 'amount';
export type SortDirection = 'ASC' | 'DESC';

/** What the create and edit forms produce. */
export interface PaymentDraft {
  readonly from_account: string;
  readonly to_account: string;
  readonly amount: string;
  readonly currency: string;
  readonly type: PaymentType;
  readonly message: string | null;
  readonly dueDate: string;
}

export interface PaymentPage {
  readonly items: readonly Payment[];
  readonly nextToken: string | null;
}

export interface ListRequest {
  readonly limit: number;
  readonly nextToken: string | null;
  readonly filter: string;
  readonly sortField: PaymentSortField;
  readonly sortDirection: SortDirection;
}

/** One entry of a payment's audit trail (the fields the details dialog shows). */
export type AuditRecord = Pick<
  NonNullable<PaymentAuditQuery['paymentAudit']>[number],
  'at' | 'actor' | 'operation' | 'version'
>;
