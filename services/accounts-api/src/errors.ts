/** The accounts API's error catalogue: every error it answers has a stable code, a message and a status. */
export const ACCOUNTS_ERRORS = {
  invalid_request: { status: 400, message: 'The request does not match the API schema.' },
  malformed_json: { status: 400, message: 'The request body is not valid JSON.' },
  invalid_account_number: {
    status: 400,
    message:
      'The account number is not valid: an IBAN with correct check digits, or a bank code and account number.',
  },
  invalid_currency: { status: 400, message: 'The currency is not an ISO 4217 code.' },
  invalid_balance: { status: 400, message: 'The balance has more decimals than the currency allows.' },
  invalid_cursor: { status: 400, message: 'The cursor is not one this API issued for this sort order.' },
  missing_token: { status: 401, message: 'A bearer token is required.' },
  invalid_token: { status: 401, message: 'The bearer token is not valid.' },
  token_expired: { status: 401, message: 'The bearer token has expired.' },
  token_revoked: { status: 401, message: 'The bearer token has been revoked; sign in again.' },
  missing_tenant: { status: 401, message: 'The token carries no tenant.' },
  forbidden: { status: 403, message: 'Your role does not allow this action.' },
  origin_not_allowed: { status: 403, message: 'This origin may not call the accounts API.' },
  account_not_found: { status: 404, message: 'No such account.' },
  not_found: { status: 404, message: 'No such route.' },
  account_number_taken: { status: 409, message: 'Your company already has an account with this number.' },
  precondition_failed: {
    status: 412,
    message: 'The account changed since you read it: reload it and apply your change again.',
  },
  payload_too_large: { status: 413, message: 'The request body is too large.' },
  unsupported_media_type: { status: 415, message: 'Send the body as application/json.' },
  precondition_required: { status: 428, message: 'Send the ETag you read in an If-Match header.' },
  internal_error: { status: 500, message: 'Something went wrong on our side.' },
  database_unavailable: { status: 503, message: 'The accounts database is unavailable: try again shortly.' },
} as const;

export type AccountsErrorCode = keyof typeof ACCOUNTS_ERRORS;

/** One invalid field of a request, by JSON pointer. */
export interface FieldError {
  readonly pointer: string;
  readonly message: string;
}

/** An error from the catalogue, with optional detail and field errors. */
export class AccountsError extends Error {
  readonly code: AccountsErrorCode;
  readonly status: number;
  readonly detail: string | undefined;
  readonly errors: readonly FieldError[] | undefined;

  constructor(code: AccountsErrorCode, detail?: string, errors?: readonly FieldError[]) {
    super(detail ?? ACCOUNTS_ERRORS[code].message);
    this.name = 'AccountsError';
    this.code = code;
    this.status = ACCOUNTS_ERRORS[code].status;
    this.detail = detail;
    this.errors = errors;
  }
}

/** RFC 9457 problem document. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: AccountsErrorCode;
  detail?: string;
  instance?: string;
  errors?: readonly FieldError[];
}

/** The problem document for an error; `instance` is the request id so a report can be matched to the log. */
export function problemOf(error: AccountsError, instance?: string): Problem {
  const { status, message } = ACCOUNTS_ERRORS[error.code];
  return {
    type: `urn:atrium:accounts:${error.code}`,
    title: message,
    status,
    code: error.code,
    ...(error.detail === undefined ? {} : { detail: error.detail }),
    ...(instance === undefined ? {} : { instance }),
    ...(error.errors === undefined ? {} : { errors: error.errors }),
  };
}
