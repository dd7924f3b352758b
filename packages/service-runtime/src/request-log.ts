import type { FastifyRequest, FastifyServerOptions } from 'fastify';

/**
 * Query parameters whose values are credentials or personal data: authorization codes and tokens
 * (the shell's /callback, the sign-out's id_token_hint), client secrets, PKCE verifiers, CSRF
 * tokens, the OAuth state, and the names and passwords a form or a hint may carry.
 */
const SECRET_PARAMETERS = [
  'code',
  'code_verifier',
  'state',
  'id_token',
  'id_token_hint',
  'access_token',
  'refresh_token',
  'token',
  'logout_hint',
  'login_hint',
  'client_secret',
  'client_assertion',
  'assertion',
  'password',
  'username',
  'xsrf',
  'csrf',
  'api_key',
  'apikey',
  'secret',
  'signature',
  'sig',
  'jwt',
];

// name=value after ?, & or ; (a URL's query) or at a word start (a message quoting one); the value
// runs to the next separator. Names are matched exactly, whatever their case.
const SECRET_PAIR = new RegExp(`([?&;]|\\b)(${SECRET_PARAMETERS.join('|')})=[^&;#\\s"']*`, 'gi');

/** `text` with the value of every credential-carrying query parameter replaced by `[redacted]`. */
export function redactCredentials(text: string): string {
  return text.replace(SECRET_PAIR, '$1$2=[redacted]');
}

/** Fastify's request serializer, with the URL redacted. */
function serializeRequest(request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: redactCredentials(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/** Where log lines go instead of standard output (tests read them). */
export interface LogDestination {
  write(line: string): void;
}

/**
 * The logger options of every Atrium server process: the level, and no credential in any line.
 * Request URLs are logged redacted, and so are messages (Fastify's "Route GET:/… not found"
 * quotes the URL). Code that logs must still never pass passwords, tokens or typed usernames.
 */
export function serviceLoggerOptions(
  level: string,
  destination?: LogDestination,
): Exclude<FastifyServerOptions['logger'], boolean | undefined> {
  return {
    level,
    ...(destination === undefined ? {} : { stream: destination }),
    serializers: { req: serializeRequest as never },
    hooks: {
      logMethod(args, method) {
        method.apply(
          this,
          args.map((arg: unknown) => (typeof arg === 'string' ? redactCredentials(arg) : arg)) as typeof args,
        );
      },
    },
  };
}
