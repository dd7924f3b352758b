/**
 * The Payments API's error catalogue. `errorType` is what AppSync answers (the articles' Amplify
 * client reads it); `code` goes to `extensions.code`; `status` is the HTTP status when the error
 * refuses the whole request rather than one field.
 */
export const PAYMENTS_ERRORS = {
  UNAUTHENTICATED: {
    status: 401,
    errorType: 'UnauthorizedException',
    message: 'Valid authorization header not provided.',
  },
  UNAUTHORIZED: { status: 200, errorType: 'Unauthorized', message: 'Not Authorized to access this field.' },
  NOT_FOUND: {
    status: 200,
    errorType: 'DynamoDB:ConditionalCheckFailedException',
    message: 'The conditional request failed',
  },
  CONDITION_FAILED: {
    status: 200,
    errorType: 'DynamoDB:ConditionalCheckFailedException',
    message: 'The conditional request failed',
  },
  ALREADY_EXISTS: {
    status: 200,
    errorType: 'DynamoDB:ConditionalCheckFailedException',
    message: 'The conditional request failed',
  },
  CONFLICT: { status: 200, errorType: 'ConflictUnhandled', message: 'Conflict resolver rejects mutation.' },
  IDEMPOTENCY_KEY_REUSED: {
    status: 200,
    errorType: 'IdempotencyKeyReused',
    message: 'This idempotency key was already used with a different input.',
  },
  PAYMENT_CONFIRMED: {
    status: 200,
    errorType: 'PaymentConfirmed',
    message: 'A confirmed payment can no longer be changed.',
  },
  SELF_CONFIRMATION: {
    status: 200,
    errorType: 'Unauthorized',
    message: 'A payment cannot be confirmed by the user who created it.',
  },
  HISTORY_FULL: {
    status: 200,
    errorType: 'HistoryFull',
    message: 'This record has reached its maximum number of changes.',
  },
  VALIDATION_FAILED: { status: 200, errorType: 'ValidationError', message: 'The input is not valid.' },
  BAD_NEXT_TOKEN: {
    status: 200,
    errorType: 'InvalidNextToken',
    message: 'The nextToken is not valid for this query.',
  },
  LIMIT_TOO_LARGE: { status: 200, errorType: 'ValidationError', message: 'limit must be between 1 and 100.' },
  RATE_LIMITED: {
    status: 429,
    errorType: 'LimitExceededException',
    message: 'Too many requests for this tenant; retry later.',
  },
  // The request itself: a body that is not JSON, a query that is not text, a media type not taken.
  BAD_REQUEST: { status: 400, errorType: 'BadRequestException', message: 'The request is not valid.' },
  // GraphQL's own validation of a document against the schema (unknown field, wrong argument, …).
  GRAPHQL_VALIDATION_FAILED: {
    status: 400,
    errorType: 'ValidationError',
    message: 'The document is not valid for this schema.',
  },
  // A variable or argument value that does not fit its declared type, found while executing.
  BAD_USER_INPUT: { status: 200, errorType: 'ValidationError', message: 'A value does not fit its type.' },
  QUERY_TOO_COMPLEX: {
    status: 400,
    errorType: 'QueryTooComplex',
    message: 'The query exceeds the allowed size or complexity.',
  },
  // graphql-ws: too many subscriptions on one connection, or for one tenant on one instance.
  SUBSCRIPTION_LIMIT: {
    status: 200,
    errorType: 'LimitExceededException',
    message: 'Too many subscriptions.',
  },
  // AppSync's real-time protocol: a `start` with the id of an operation still running.
  DUPLICATE_ID: {
    status: 200,
    errorType: 'DuplicatedOperationError',
    message: 'A subscription with this id is already running.',
  },
  BATCH_TOO_LARGE: {
    status: 400,
    errorType: 'BadRequestException',
    message: 'Too many operations in one batch.',
  },
  BODY_TOO_LARGE: {
    status: 413,
    errorType: 'BadRequestException',
    message: 'The request body is too large.',
  },
  // Retryable: the write was refused before anything was stored.
  ACCOUNTS_UNAVAILABLE: {
    status: 200,
    errorType: 'ServiceUnavailable',
    message:
      'The accounts service could not confirm the from-account just now; nothing was saved. Try again in a moment.',
  },
  // Retryable: a write may or may not have landed; a create retried with its idempotency key lands once.
  DATABASE_UNAVAILABLE: {
    status: 200,
    errorType: 'ServiceUnavailable',
    message:
      'The payments database did not answer just now. Try again in a moment (a create with the same idempotency key).',
  },
  INTERNAL: { status: 500, errorType: 'InternalFailure', message: 'An internal error occurred.' },
} as const;

export type PaymentsErrorCode = keyof typeof PAYMENTS_ERRORS;

export function isPaymentsErrorCode(code: unknown): code is PaymentsErrorCode {
  return typeof code === 'string' && Object.hasOwn(PAYMENTS_ERRORS, code);
}

/** AppSync's shape of a refusal of the whole request (before any GraphQL runs): one error, no data. */
export function refusalBody(
  code: PaymentsErrorCode,
  message?: string,
  extensions: Readonly<Record<string, unknown>> = {},
): { data: null; errors: [{ message: string; errorType: string; extensions: Record<string, unknown> }] } {
  const entry = PAYMENTS_ERRORS[code];
  return {
    data: null,
    errors: [
      { message: message ?? entry.message, errorType: entry.errorType, extensions: { code, ...extensions } },
    ],
  };
}

/** One refused field of a write: `code` is specific (`AMOUNT_TOO_MANY_DECIMALS`), `message` says why. */
export interface FieldProblem {
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

/** An error from the catalogue; resolvers throw it and the error formatter shapes it like AppSync. */
export class PaymentsError extends Error {
  readonly code: PaymentsErrorCode;
  readonly errorType: string;
  readonly status: number;
  /** AppSync's `data` on a conflict: the item as stored now. */
  readonly data: unknown;
  readonly problems: readonly FieldProblem[];
  /** What the operator's log records about this refusal (who, what, why); not sent to the client. */
  readonly audit: Readonly<Record<string, unknown>> | undefined;
  /**
   * graphql-js copies an original error's `extensions` into the GraphQL error it wraps it in: the
   * code then reaches clients on the paths that do not go through the error formatter (graphql-ws).
   */
  readonly extensions: { readonly code: PaymentsErrorCode };

  constructor(
    code: PaymentsErrorCode,
    options: {
      message?: string;
      data?: unknown;
      problems?: readonly FieldProblem[];
      cause?: unknown;
      audit?: Readonly<Record<string, unknown>>;
    } = {},
  ) {
    super(
      options.message ?? PAYMENTS_ERRORS[code].message,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'PaymentsError';
    this.code = code;
    this.errorType = PAYMENTS_ERRORS[code].errorType;
    this.status = PAYMENTS_ERRORS[code].status;
    this.data = options.data ?? null;
    this.problems = options.problems ?? [];
    this.audit = options.audit;
    this.extensions = { code };
  }
}

/** AppSync's exact refusal for a field the caller may not use. */
export function unauthorized(fieldName: string, typeName: string): PaymentsError {
  return new PaymentsError('UNAUTHORIZED', {
    message: `Not Authorized to access ${fieldName} on type ${typeName}`,
  });
}

/** A refused write with one problem per field. */
export function validationFailed(problems: readonly FieldProblem[]): PaymentsError {
  return new PaymentsError('VALIDATION_FAILED', {
    message: problems.map((p) => p.message).join('; '),
    problems,
  });
}
