import {
  GraphQLError,
  Kind,
  Lexer,
  NoSchemaIntrospectionCustomRule,
  Source,
  specifiedRules,
  TokenKind,
  validate,
  type ASTVisitor,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { depthRule } from './document-depth.ts';

/**
 * Protection AppSync leaves to a WAF, built in (all per operation document, whatever its transport:
 * HTTP and graphql-ws are held to the same bounds).
 */
export interface GraphqlLimits {
  readonly maxDepth: number;
  /** Below `__schema`/`__type`, counted apart from the data fields (document-depth.ts). */
  readonly maxIntrospectionDepth: number;
  readonly maxAliases: number;
  readonly maxTokens: number;
  /** Estimated fields resolved: a list field counts its `limit` (or the maximum) times its selection. */
  readonly maxCost: number;
  readonly maxBatch: number;
  /** An HTTP body; a graphql-ws message (one operation) is held to the same bound. */
  readonly maxBodyBytes: number;
  readonly introspection: boolean;
  /** graphql's "Did you mean …" in error messages: each one names a field, argument or enum value. */
  readonly suggestions: boolean;
}

export const DEFAULT_LIMITS: GraphqlLimits = {
  maxDepth: 10,
  // graphql-js' standard introspection query is 15 deep; tools that follow `ofType` further get room.
  maxIntrospectionDepth: 20,
  maxAliases: 15,
  maxTokens: 2000,
  maxCost: 5000,
  maxBatch: 10,
  maxBodyBytes: 64 * 1024,
  introspection: true,
  suggestions: true,
};

function limitError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX' } });
}

/** Refuses documents with more aliases than allowed (alias-based batching attacks). */
function aliasRule(max: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    let aliases = 0;
    return {
      Field(node: FieldNode) {
        if (node.alias !== undefined) {
          aliases += 1;
          if (aliases === max + 1)
            context.reportError(limitError(`The query uses more than ${max} aliases.`));
        }
      },
    };
  };
}

/**
 * Refuses documents whose estimated cost exceeds `max`: each field costs 1, and the selection under
 * a paged field (one with a `limit` argument) counts `limit` times — the maximum when it is a variable,
 * the default when a list query has none.
 */
function costRule(max: number, listMaximum: number, listDefault: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const multipliers: number[] = [1];
    let cost = 0;
    return {
      Field: {
        enter(node: FieldNode) {
          const factor = multipliers.at(-1) ?? 1;
          cost += factor;
          const limit = node.arguments?.find((a) => a.name.value === 'limit');
          let own = 1;
          if (limit !== undefined)
            own = limit.value.kind === Kind.INT ? Math.max(1, Number(limit.value.value)) : listMaximum;
          else if (node.selectionSet !== undefined && /^list[A-Z]/.test(node.name.value)) own = listDefault;
          multipliers.push(factor * own);
        },
        leave() {
          multipliers.pop();
        },
      },
      Document: {
        leave() {
          if (cost > max)
            context.reportError(limitError(`The query is too expensive (cost ${cost}, at most ${max}).`));
        },
      },
    };
  };
}

/** Validation rules added to GraphQL's own. */
export function limitRules(
  limits: GraphqlLimits,
  listMaximum: number,
  listDefault = listMaximum,
): ValidationRule[] {
  const rules = [
    depthRule(limits),
    aliasRule(limits.maxAliases),
    costRule(limits.maxCost, listMaximum, listDefault),
  ];
  if (!limits.introspection) rules.push(NoSchemaIntrospectionCustomRule);
  return rules;
}

/**
 * True when the document has more lexical tokens than allowed. Checked before parsing; a query
 * shorter than the limit cannot have more tokens than characters, so short ones skip the lexer.
 */
export function exceedsTokens(query: string, maxTokens: number): boolean {
  if (query.length <= maxTokens) return false;
  const lexer = new Lexer(new Source(query));
  let count = 0;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      count += 1;
      if (count > maxTokens) return true;
    }
  } catch {
    // A lexing error is reported by the parser with its location.
  }
  return false;
}

/**
 * A graphql error message without its "Did you mean …?" tail. Validation hides suggestions itself
 * (`hideSuggestions`); this is for the messages produced where no such option reaches graphql
 * (mercurius coerces variables without it), so they reveal no more of the schema than validation.
 */
export function withoutSuggestions(message: string): string {
  return message.replace(/\s*Did you mean [\s\S]*$/, '');
}

/**
 * Validates a document as mercurius validates one that comes over HTTP: GraphQL's rules and the
 * limits, suggestions hidden when the limits say so. For the transports mercurius does not validate
 * (its graphql-ws path executes a subscription unvalidated). A limit's refusal comes first: it says
 * why the rest was not worth reading.
 */
export function documentErrors(
  schema: GraphQLSchema,
  document: DocumentNode,
  limits: GraphqlLimits,
  listMaximum: number,
): readonly GraphQLError[] {
  const errors = validate(schema, document, [...specifiedRules, ...limitRules(limits, listMaximum)], {
    hideSuggestions: !limits.suggestions,
  });
  return [...errors].sort(
    (a, b) =>
      Number(b.extensions['code'] === 'QUERY_TOO_COMPLEX') -
      Number(a.extensions['code'] === 'QUERY_TOO_COMPLEX'),
  );
}
