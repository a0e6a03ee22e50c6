import type { Plugin } from 'graphql-yoga';
import { GraphQLError, Kind, parse, type ASTVisitor, type FieldNode, type FragmentDefinitionNode, type GraphQLSchema, type SelectionSetNode, type ValidationContext, type ValidationRule } from 'graphql';

/** How much one GraphQL document may ask for; a document over either limit is rejected before it runs. */
export interface QueryLimits {
  /** Fields nested inside each other, counting through fragments. */
  maxDepth: number;
  /** Fields requested, a field under a list counted once per expected item. */
  maxCost: number;
  /** Lexical tokens of the document, checked while parsing. */
  maxTokens: number;
}

export const defaultQueryLimits: QueryLimits = { maxDepth: 12, maxCost: 2_000, maxTokens: 5_000 };

// A list of unknown length is priced as this many items; a literal `limit` or `pageSize` wins.
const assumedListSize = 10;

const limitError = (message: string, node: FieldNode | undefined): GraphQLError =>
  new GraphQLError(message, { ...(node ? { nodes: [node] } : {}), extensions: { code: 'BAD_USER_INPUT', errorCode: 'invalid_argument', retryable: false } });

/**
 * A validation rule rejecting operations nested deeper than `maxDepth` or costing more than
 * `maxCost`, so an abusive query (deep nesting, thousands of aliases, lists of lists) is answered
 * with an error naming the limit instead of being executed.
 */
function queryLimitsRule(limits: QueryLimits): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    const schema = context.getSchema();
    return {
      OperationDefinition(node) {
        const root = node.operation === 'query' ? schema.getQueryType() : node.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
        let cost = 0;
        let reported = false;
        const walk = (set: SelectionSetNode, parent: Fielded | undefined, depth: number, multiplier: number, seen: ReadonlySet<string>): void => {
          for (const selection of set.selections) {
            if (reported) return;
            if (selection.kind === Kind.FIELD) {
              const field = parent?.getFields()[selection.name.value];
              cost += multiplier;
              if (depth > limits.maxDepth) {
                context.reportError(limitError(`The query is nested ${depth} levels deep; at most ${limits.maxDepth} are allowed.`, selection));
                reported = true;
                return;
              }
              if (cost > limits.maxCost) {
                context.reportError(limitError(`The query asks for more than ${limits.maxCost} fields (lists counted per item); ask for fewer or page through them.`, selection));
                reported = true;
                return;
              }
              if (selection.selectionSet) {
                // Read from the type's printed form (`[Study!]!`): instanceof checks would tie this
                // rule to one copy of graphql-js, and a server may load two (ESM and CommonJS).
                const printed = field ? String(field.type).replace(/!$/, '') : '';
                // Introspection describes the schema, whose size the server chose: its lists are not
                // priced per item, or the standard introspection query (GraphiQL, codegen) is refused.
                const introspective = selection.name.value.startsWith('__') || (parent as { name?: unknown } | undefined)?.name?.toString().startsWith('__') === true;
                const items = printed.startsWith('[') && !introspective ? listSize(selection) : 1;
                // `ofType` unwraps a list or non-null: a chain as short as the schema's wrappers, whatever
                // the document asks (the token limit bounds the document).
                const deeper = introspective && selection.name.value === 'ofType' ? 0 : 1;
                walk(selection.selectionSet, fielded(schema, printed), depth + deeper, multiplier * items, seen);
              }
            } else if (selection.kind === Kind.INLINE_FRAGMENT) {
              const condition = selection.typeCondition ? fielded(schema, selection.typeCondition.name.value) : parent;
              walk(selection.selectionSet, condition ?? parent, depth, multiplier, seen);
            } else {
              const name = selection.name.value;
              const fragment = fragments.get(name);
              // A fragment spread inside itself is reported by graphql-js's own rule.
              if (!fragment || seen.has(name)) continue;
              walk(fragment.selectionSet, fielded(schema, fragment.typeCondition.name.value) ?? parent, depth, multiplier, new Set([...seen, name]));
            }
          }
        };
        walk(node.selectionSet, root ? fielded(schema, root.name) : undefined, 1, 1, new Set());
      },
    };
  };
}

/** An object or interface type: something with fields to select. */
interface Fielded {
  getFields(): Record<string, { type: unknown }>;
}

function fielded(schema: GraphQLSchema, printed: string): Fielded | undefined {
  const type = schema.getType(printed.replace(/[[\]!]/g, '')) as Partial<Fielded> | undefined;
  return typeof type?.getFields === 'function' ? (type as Fielded) : undefined;
}

function listSize(field: FieldNode): number {
  for (const argument of field.arguments ?? []) {
    if ((argument.name.value === 'limit' || argument.name.value === 'pageSize' || argument.name.value === 'first') && argument.value.kind === Kind.INT) {
      return Math.max(1, Number(argument.value.value));
    }
  }
  return assumedListSize;
}

/** The yoga plugin enforcing `limits`: the token count while parsing, depth and cost while validating. */
export function queryLimitsPlugin(limits: QueryLimits): Plugin {
  const rule = queryLimitsRule(limits);
  return {
    onParse: ({ setParseFn }) => setParseFn((source, options) => parse(source, { ...options, maxTokens: limits.maxTokens })),
    onValidate: ({ addValidationRule }) => addValidationRule(rule),
  };
}
