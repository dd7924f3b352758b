import type { FastifyBaseLogger, FastifyInstance, FastifyReply } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import { GraphQLError, type ExecutionResult } from 'graphql';
import mercurius from 'mercurius';
import { isPaymentsErrorCode, PaymentsError, PAYMENTS_ERRORS, type PaymentsErrorCode } from '../errors.ts';
import { withoutSuggestions } from './document-limits.ts';

/** What mercurius hands the formatter: the HTTP reply, or for graphql-ws the app only. */
export interface FormatterContext {
  readonly reply?: FastifyReply | undefined;
  readonly app?: FastifyInstance | undefined;
}

export type ErrorFormatter = (
  execution: ExecutionResult & { statusCode?: number },
  context: FormatterContext,
) => { statusCode: number; response: { data: unknown; errors: unknown[] } };

/** One error on the wire, as AppSync shapes it (`errorType`, `errorInfo`, `data` beside GraphQL's). */
type WireError = Record<string, unknown>;

function isFastifyRefusal(error: unknown): error is Error & { statusCode: number } {
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}

/**
 * The one error path of the service: every error — a resolver's, GraphQL's validation, mercurius',
 * Fastify's refusal of a body — is answered here, with a code of the catalogue (errors.ts).
 * mercurius' `defaultErrorFormatter` decides the HTTP status (its rules for batches, validation
 * and single errors); this shapes each error as AppSync does and masks the unexpected.
 */
export function createErrorFormatter(options: {
  /** graphql's "Did you mean …" in messages (off in production: each names a field). */
  readonly suggestions: boolean;
  readonly app: FastifyInstance;
}): ErrorFormatter {
  const shape = (error: GraphQLError, log: FastifyBaseLogger, requestId: string): WireError[] => {
    const original = error.originalError ?? undefined;
    const base = { path: error.path, locations: error.locations };
    if (original instanceof PaymentsError) {
      // A dependency's failure (the accounts API) is the client's to retry and the operator's to see.
      if (original.cause !== undefined)
        log.warn({ err: original.cause, requestId, code: original.code }, 'payments: dependency failed');
      // A refusal that matters to security (four eyes) leaves a trace beside the item's audit trail.
      if (original.audit !== undefined)
        log.warn({ ...original.audit, requestId, code: original.code }, 'payments: refused');
      if (original.problems.length > 0)
        return original.problems.map((p) => ({
          ...base,
          message: p.message,
          errorType: original.errorType,
          errorInfo: null,
          data: null,
          extensions: { code: p.code, field: p.field },
        }));
      return [
        {
          ...base,
          message: original.message,
          errorType: original.errorType,
          errorInfo: null,
          data: original.data,
          extensions: { code: original.code },
        },
      ];
    }
    if (
      original === undefined ||
      original instanceof GraphQLError ||
      (original as { code?: string }).code?.startsWith('MER_ERR')
    ) {
      const given = error.extensions?.['code'];
      const code: PaymentsErrorCode = isPaymentsErrorCode(given)
        ? given
        : error.path === undefined
          ? 'GRAPHQL_VALIDATION_FAILED'
          : 'BAD_USER_INPUT';
      return [
        {
          ...base,
          message: options.suggestions ? error.message : withoutSuggestions(error.message),
          errorType: PAYMENTS_ERRORS[code].errorType,
          extensions: { ...error.extensions, code },
        },
      ];
    }
    // Fastify's own refusals (a body too large or not JSON) are the client's fault, not ours.
    if (isFastifyRefusal(original)) {
      const code: PaymentsErrorCode = original.statusCode === 413 ? 'BODY_TOO_LARGE' : 'BAD_REQUEST';
      return [
        {
          message: code === 'BODY_TOO_LARGE' ? PAYMENTS_ERRORS.BODY_TOO_LARGE.message : original.message,
          errorType: PAYMENTS_ERRORS[code].errorType,
          extensions: { code },
        },
      ];
    }
    // Unexpected: log it whole, tell the client only the request id to quote.
    log.error({ err: original, requestId, path: error.path }, 'payments: unexpected resolver error');
    return [
      {
        ...base,
        message: `An internal error occurred (request id ${requestId}).`,
        errorType: PAYMENTS_ERRORS.INTERNAL.errorType,
        extensions: { code: 'INTERNAL', requestId },
      },
    ];
  };

  return (execution, context) => {
    const app = context.app ?? options.app;
    const log = context.reply?.log ?? app.log;
    const requestId = context.reply?.request.id ?? 'ws';
    const errors = execution.errors ?? [];
    const base = mercurius.defaultErrorFormatter(
      execution as ExecutionResult & Required<Pick<ExecutionResult, 'errors'>>,
      { ...context, app } as never,
    );
    // mercurius wraps a refused document as one error holding GraphQL's list: one error each.
    let refusedDocument = false;
    const flat = errors.flatMap((error) => {
      const nested = (error.originalError as { errors?: unknown } | undefined)?.errors;
      if (!Array.isArray(nested)) return [error];
      refusedDocument = true;
      return nested as GraphQLError[];
    });
    // A document GraphQL refused is a 400 however many errors it has (mercurius' default says
    // 400 for one and 200 for several).
    const statusCode = refusedDocument && !execution.data ? 400 : base.statusCode;
    return {
      statusCode,
      response: { data: execution.data ?? null, errors: flat.flatMap((e) => shape(e, log, requestId)) },
    };
  };
}

/**
 * Errors on the plugin's routes outside mercurius' (a preflight's body, the health routes) take
 * the same path as GraphQL's: the same codes and shape, and 500 for the unexpected.
 */
async function errorAnswers(
  app: FastifyInstance,
  options: { readonly format: ErrorFormatter },
): Promise<void> {
  app.setErrorHandler((error, _request, reply) => {
    const wrapped =
      error instanceof GraphQLError
        ? error
        : new GraphQLError(String((error as Error).message), { originalError: error as Error });
    const { statusCode, response } = options.format({ errors: [wrapped] }, { reply, app });
    return reply.code(isFastifyRefusal(error) ? statusCode : 500).send(response);
  });
}

export const errorAnswersPlugin = fastifyPlugin(errorAnswers, { name: 'payments-error-answers' });
