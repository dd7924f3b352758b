import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type OperationDefinitionNode,
  type SelectionNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

/** How deep a document's fields may nest: data fields, and the introspection below `__schema`/`__type`. */
export interface DepthBounds {
  readonly maxDepth: number;
  /**
   * Introspection has a bound of its own: graphql-js' standard introspection query (GraphiQL's,
   * Amplify codegen's) is 15 deep, all of it `ofType` chains, which cost one field per level. Its
   * fan-out (`fields { type { fields … } }`) is refused by graphql-js' MaxIntrospectionDepthRule.
   */
  readonly maxIntrospectionDepth: number;
}

interface Depth {
  readonly data: number;
  readonly introspection: number;
}

const NONE: Depth = { data: 0, introspection: 0 };

/** The meta-fields that open the schema's description; everything below them is introspection. */
function opensIntrospection(name: string): boolean {
  return name === '__schema' || name === '__type';
}

function deeper(a: Depth, b: Depth): Depth {
  return { data: Math.max(a.data, b.data), introspection: Math.max(a.introspection, b.introspection) };
}

function depthError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX' } });
}

/**
 * Refuses documents whose data fields nest deeper than `maxDepth` (`{ a { b } }` is 2), or whose
 * introspection (counted from `__schema`/`__type`) nests deeper than `maxIntrospectionDepth`; a
 * fragment counts where it is spread. A rule rather than mercurius' `queryDepth`, which only the HTTP
 * path reports with a code: one rule, one error, on every transport.
 */
export function depthRule(bounds: DepthBounds): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fragmentDepths = new Map<string, Depth>();
    const depthOf = (
      selections: readonly SelectionNode[],
      spreading: Set<string>,
      introspecting: boolean,
    ): Depth => {
      let deepest = NONE;
      for (const selection of selections) {
        if (selection.kind === Kind.FIELD) {
          const opening = !introspecting && opensIntrospection(selection.name.value);
          const inside = introspecting || opening;
          const below = selection.selectionSet
            ? depthOf(selection.selectionSet.selections, spreading, inside)
            : NONE;
          deepest = deeper(
            deepest,
            inside
              ? { data: below.data, introspection: 1 + below.introspection }
              : { data: 1 + below.data, introspection: below.introspection },
          );
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          deepest = deeper(deepest, depthOf(selection.selectionSet.selections, spreading, introspecting));
        } else {
          const name = selection.name.value;
          // Keyed by where it is spread: the same fragment counts as data at the root, as
          // introspection below `__type`.
          const key = `${introspecting ? 'i' : 'd'}:${name}`;
          let depth = fragmentDepths.get(key);
          const fragment = context.getFragment(name);
          // A cycle is NoFragmentCyclesRule's to report; here it only must not recurse for ever.
          if (depth === undefined && fragment !== null && fragment !== undefined && !spreading.has(name)) {
            spreading.add(name);
            depth = depthOf(fragment.selectionSet.selections, spreading, introspecting);
            spreading.delete(name);
            fragmentDepths.set(key, depth);
          }
          deepest = deeper(deepest, depth ?? NONE);
        }
      }
      return deepest;
    };
    return {
      OperationDefinition(node: OperationDefinitionNode) {
        const depth = depthOf(node.selectionSet.selections, new Set(), false);
        if (depth.data > bounds.maxDepth)
          context.reportError(depthError(`The query has depth ${depth.data}, at most ${bounds.maxDepth}.`));
        if (depth.introspection > bounds.maxIntrospectionDepth)
          context.reportError(
            depthError(
              `The introspection has depth ${depth.introspection}, at most ${bounds.maxIntrospectionDepth}.`,
            ),
          );
      },
    };
  };
}
