/** The identity service's error catalogue: every refusal has a stable code, a status and a message. */
export const ERRORS = {
  validation_failed: { status: 400, title: 'The request is not valid.' },
  weak_password: { status: 400, title: 'The password does not meet the password policy.' },
  unknown_role: { status: 400, title: 'A role is not one of viewer, member, approver, admin, operator.' },
  unknown_tenant: { status: 404, title: 'No tenant has that id.' },
  unknown_user: { status: 404, title: 'No user has that id.' },
  duplicate_username: { status: 409, title: 'A user with that username already exists.' },
  duplicate_tenant: { status: 409, title: 'A tenant with that id already exists.' },
  forbidden: { status: 403, title: 'You may not do this.' },
  unauthorized: { status: 401, title: 'Authentication is required.' },
  not_found: { status: 404, title: 'Not found.' },
  internal: { status: 500, title: 'Something went wrong on our side.' },
  database_unavailable: { status: 503, title: 'The identity database is unavailable: try again shortly.' },
} as const;

export type ErrorCode = keyof typeof ERRORS;

/** A refusal the service means to send: carries its catalogue code and, for validation, the fields. */
export class IdentityError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly fields: Readonly<Record<string, string>> | undefined;
  constructor(code: ErrorCode, detail?: string, fields?: Record<string, string>) {
    super(detail ?? ERRORS[code].title);
    this.name = 'IdentityError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.fields = fields;
  }
}

/** RFC 9457 problem details body for an IdentityError. */
export function problem(error: IdentityError, instance?: string): Record<string, unknown> {
  return {
    type: `urn:atrium:identity:${error.code}`,
    title: ERRORS[error.code].title,
    status: error.status,
    code: error.code,
    detail: error.message,
    ...(error.fields === undefined ? {} : { errors: error.fields }),
    ...(instance === undefined ? {} : { instance }),
  };
}
