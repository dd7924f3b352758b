/** The host's error catalogue: every error it answers or throws has a code, a message and a status. */
export const HOST_ERRORS = {
  not_found: { status: 404, message: 'No such file.' },
  no_route: { status: 404, message: 'Nothing is served at this path.' },
  shell_not_built: { status: 503, message: 'The shell is not built: run `npm run build -w @atrium/shell`.' },
  bad_manifest: { status: 400, message: 'The build manifest is invalid.' },
  missing_build_file: { status: 400, message: 'A file named by the build manifest is missing.' },
  unknown_micro_frontend: { status: 404, message: 'No micro-frontend of that name is published.' },
  nothing_to_roll_back: { status: 409, message: 'There is no previous version to roll back to.' },
  unknown_version: { status: 404, message: 'No such version of the micro-frontend.' },
  missing_token: { status: 401, message: 'A bearer token from the identity service is required.' },
  invalid_token: { status: 401, message: 'The bearer token is invalid.' },
  token_expired: { status: 401, message: 'The bearer token has expired.' },
  not_permitted: { status: 403, message: 'The token does not permit changes to this micro-frontend.' },
  bad_upload: { status: 400, message: 'The upload is not a build.' },
  upload_too_large: { status: 413, message: 'The upload is larger than the host accepts.' },
  name_mismatch: { status: 400, message: 'The build is of another micro-frontend than the URL names.' },
  route_reserved: { status: 409, message: 'The route belongs to the shell.' },
  route_taken: { status: 409, message: 'The route belongs to another micro-frontend.' },
  element_taken: { status: 409, message: 'The element tag belongs to another micro-frontend.' },
  registry_state_corrupt: { status: 500, message: 'The registry state file cannot be read.' },
  store_unavailable: {
    status: 503,
    message: 'The shared store of the host does not answer; nothing was changed, try again.',
  },
} as const;

export type HostErrorCode = keyof typeof HOST_ERRORS;

/** An error from the catalogue, with optional detail naming what exactly was wrong. */
export class HostError extends Error {
  readonly code: HostErrorCode;
  readonly status: number;
  readonly detail: string | undefined;

  constructor(code: HostErrorCode, detail?: string) {
    super(detail === undefined ? HOST_ERRORS[code].message : `${HOST_ERRORS[code].message} ${detail}`);
    this.name = 'HostError';
    this.code = code;
    this.status = HOST_ERRORS[code].status;
    this.detail = detail;
  }
}

/** RFC 9457 problem document for an error code, with the detail naming what exactly was wrong. */
export function problem(code: HostErrorCode, instance?: string, detail?: string): Record<string, unknown> {
  const { status, message } = HOST_ERRORS[code];
  return {
    type: `urn:atrium:host:${code}`,
    title: message,
    status,
    code,
    ...(detail === undefined ? {} : { detail }),
    ...(instance ? { instance } : {}),
  };
}
