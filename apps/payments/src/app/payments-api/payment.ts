/** A payment as the GraphQL API returns it (Amplify field names kept from the articles). */
export interface Payment {
  readonly id: string;
  /** Exact decimal, as a string (or a JSON number from an older server). */
  readonly amount: string | number;
  readonly currency: string;
  readonly dueDate: string;
  readonly from_account: string;
  readonly to_account: string;
  readonly message: string | null;
  readonly type: PaymentType;
  readonly tenantId: string;
  readonly status: PaymentStatus;
  readonly createdBy: string | null;
  readonly confirmedBy: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly _version: number;
}

export type PaymentType = 'DOMESTIC' | 'INTERNATIONAL';
export type PaymentStatus = 'UNCONFIRMED' | 'CONFIRMED';
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

/** One entry of a payment's audit trail. */
export interface AuditRecord {
  readonly at: string;
  readonly actor: string;
  readonly operation: string;
  readonly version: number | null;
}
