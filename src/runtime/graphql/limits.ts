import type { Plugin } from 'graphql-yoga';
import { GraphQLError, Kind, parse, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

/**
 * How much one GraphQL request may ask for. A document over a static limit is rejected before it
 * runs; an execution that outgrows its budget (resolver calls or time) is stopped where it is.
 */
export interface QueryLimits {
  /** Fields nested inside each other, counting through fragments. */
  maxDepth: number;
  /** Fields requested, a field under a list counted once per expected item. */
  maxCost: number;
  /**
   * Operations one document calls: root fields, each alias, repetition and fragment expansion
   * counted, since each runs a handler of its own.
   */
  maxCalls: number;
  /** Lexical tokens of the document, checked while parsing. */
  maxTokens: number;
  /**
   * Braces, brackets and parentheses open inside each other, checked before parsing: the parser
   * recurses once per level, so a document nested thousands deep would exhaust the stack.
   */
  maxNesting: number;
  /** Resolvers one execution may run: every field resolved, list items counted. */
  maxResolverCalls: number;
  /** Milliseconds one execution may take, from its first resolver. */
  maxExecutionMs: number;
}

export const defaultQueryLimits: QueryLimits = { maxDepth: 12, maxCost: 2_000, maxCalls: 20, maxTokens: 5_000, maxNesting: 64, maxResolverCalls: 10_000, maxExecutionMs: 5_000 };

// A list of unknown length is priced as this many items; a literal `limit` or `pageSize` wins, on
// the list's field or on the field of the page holding it.
const assumedListSize = 10;

// `http` is read by graphql-yoga (and left out of the response): under
// application/graphql-response+json a document that does not parse or validate answers 400.
export const requestError = { code: 'BAD_USER_INPUT', errorCode: 'invalid_argument', retryable: false, http: { spec: true, status: 400 } };

const limitError = (message: string, node: FieldNode | undefined): GraphQLError =>
  new GraphQLError(message, { ...(node ? { nodes: [node] } : {}), extensions: { ...requestError } });

/**
 * How deeply braces, brackets and parentheses nest in a GraphQL source, outside strings, block
 * strings and comments; the scan stops as soon as the depth passes `stopAbove`.
 */
export function nestingDepth(source: string, stopAbove: number): number {
  let depth = 0;
  let deepest = 0;
  for (let index = 0; index < source.length; index += 1) {
    const char = source[index];
    if (char === '#') {
      while (index < source.length && source[index] !== '\n' && source[index] !== '\r') index += 1;
    } else if (char === '"') {
      if (source.startsWith('"""', index)) {
        // A block string ends at the next unescaped triple quote.
        index += 3;
        while (index < source.length && !(source.startsWith('"""', index) && source[index - 1] !== '\\')) index += 1;
        index += 2;
      } else {
        index += 1;
        while (index < source.length && source[index] !== '"' && source[index] !== '\n') index += source[index] === '\\' ? 2 : 1;
      }
    } else if (char === '{' || char === '[' || char === '(') {
      depth += 1;
      if (depth > deepest) deepest = depth;
      if (deepest > stopAbove) return deepest;
    } else if (char === '}' || char === ']' || char === ')') {
      depth -= 1;
    }
  }
  return deepest;
}

/** Parses within the limits; a document that cannot be parsed is the caller's error (400), never the server's. */
function parseWithin(limits: QueryLimits, source: Parameters<typeof parse>[0], options: Parameters<typeof parse>[1]): ReturnType<typeof parse> {
  const text = typeof source === 'string' ? source : source.body;
  const nesting = nestingDepth(text, limits.maxNesting);
  if (nesting > limits.maxNesting) {
    throw new GraphQLError(`The document nests braces, brackets and parentheses more than ${limits.maxNesting} levels deep; at most ${limits.maxNesting} are allowed.`, { extensions: { ...requestError } });
  }
  try {
    return parse(source, { ...options, maxTokens: limits.maxTokens });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new GraphQLError(message, { ...(error instanceof GraphQLError ? { source: error.source ?? undefined, positions: error.positions ?? undefined } : {}), extensions: { ...requestError } });
  }
}

/**
 * The first operation of a document nested deeper than `maxDepth`, costing more than `maxCost` or
 * calling more than `maxCalls` operations, as the error naming the limit: an abusive query (deep
 * nesting, hundreds of aliases, lists of lists) is answered with it instead of being executed. It
 * walks the operations itself rather than as a validation rule, so that a refusal stops at the
 * field over the limit instead of visiting the whole document.
 */
export function overLimits(limits: QueryLimits, schema: GraphQLSchema, document: DocumentNode): GraphQLError | undefined {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  let refusal: GraphQLError | undefined;
  const report = (error: GraphQLError): void => {
    refusal = error;
  };
  const check = (node: OperationDefinitionNode): void => {
    const root = node.operation === 'query' ? schema.getQueryType() : node.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
    let cost = 0;
    let calls = 0;
    let reported = false;
    // `page` is the literal page size of the field whose selection this is: a paged result
    // (`listStudies(pageSize: 100) { items { ... } }`) holds its list one level down.
    const walk = (set: SelectionSetNode, parent: Fielded | undefined, depth: number, multiplier: number, seen: ReadonlySet<string>, page: number | undefined): void => {
      for (const selection of set.selections) {
        if (reported) return;
        if (selection.kind === Kind.FIELD) {
          const field = parent?.getFields()[selection.name.value];
          cost += multiplier;
          if (depth > limits.maxDepth) {
            report(limitError(`The query is nested ${depth} levels deep; at most ${limits.maxDepth} are allowed.`, selection));
            reported = true;
            return;
          }
          if (cost > limits.maxCost) {
            report(limitError(`The query asks for more than ${limits.maxCost} fields (lists counted per item); ask for fewer or page through them.`, selection));
            reported = true;
            return;
          }
          // A root field runs a handler: aliases and repetitions of it each count as a call.
          if (depth === 1 && !selection.name.value.startsWith('__')) calls += 1;
          if (calls > limits.maxCalls) {
            report(limitError(`The ${node.operation} calls more than ${limits.maxCalls} operations (root fields, each alias and repetition counted); at most ${limits.maxCalls} are allowed: split it into several requests.`, selection));
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
            const list = printed.startsWith('[');
            const items = list && !introspective ? (listSize(selection) ?? page ?? assumedListSize) : 1;
            // `ofType` unwraps a list or non-null: a chain as short as the schema's wrappers, whatever
            // the document asks (the token limit bounds the document).
            const deeper = introspective && selection.name.value === 'ofType' ? 0 : 1;
            walk(selection.selectionSet, fielded(schema, printed), depth + deeper, multiplier * items, seen, list ? undefined : listSize(selection));
          }
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          const condition = selection.typeCondition ? fielded(schema, selection.typeCondition.name.value) : parent;
          walk(selection.selectionSet, condition ?? parent, depth, multiplier, seen, page);
        } else {
          const name = selection.name.value;
          const fragment = fragments.get(name);
          // A fragment spread inside itself is reported by graphql-js's own rule.
          if (!fragment || seen.has(name)) continue;
          // Each expansion is priced, so fragments that spread others many times over cannot
          // make the walk (or the execution) explode without any field being counted.
          cost += multiplier;
          if (cost > limits.maxCost) {
            report(limitError(`The query expands into more than ${limits.maxCost} fields and fragment spreads (lists counted per item); ask for fewer.`, undefined));
            reported = true;
            return;
          }
          walk(fragment.selectionSet, fielded(schema, fragment.typeCondition.name.value) ?? parent, depth, multiplier, new Set([...seen, name]), page);
        }
      }
    };
    walk(node.selectionSet, root ? fielded(schema, root.name) : undefined, 1, 1, new Set(), undefined);
  };
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) check(definition);
    if (refusal) return refusal;
  }
  return undefined;
}

/** An object or interface type: something with fields to select. */
interface Fielded {
  getFields(): Record<string, { type: unknown }>;
}

function fielded(schema: GraphQLSchema, printed: string): Fielded | undefined {
  const type = schema.getType(printed.replace(/[[\]!]/g, '')) as Partial<Fielded> | undefined;
  return typeof type?.getFields === 'function' ? (type as Fielded) : undefined;
}

/** The literal `limit`, `pageSize` or `first` of a field, if it has one. */
function listSize(field: FieldNode): number | undefined {
  for (const argument of field.arguments ?? []) {
    if ((argument.name.value === 'limit' || argument.name.value === 'pageSize' || argument.name.value === 'first') && argument.value.kind === Kind.INT) {
      return Math.max(1, Number(argument.value.value));
    }
  }
  return undefined;
}

/**
 * The yoga plugin enforcing `limits`: the token count while parsing, depth, cost and calls before
 * validating. A document over them is refused without graphql-js's own rules, which take ten
 * milliseconds and more over a few hundred aliases: refusing stays cheaper than answering.
 */
export function queryLimitsPlugin(limits: QueryLimits): Plugin {
  // The verdict on a document, per schema: yoga's document cache hands back the same parsed
  // document for the same query text, so a query sent again is not walked again.
  const verdicts = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, GraphQLError | null>>();
  return {
    onParse: ({ setParseFn }) => setParseFn((source, options) => parseWithin(limits, source, options)),
    onValidate: ({ params, setResult }) => {
      let bySchema = verdicts.get(params.schema);
      if (!bySchema) verdicts.set(params.schema, (bySchema = new WeakMap()));
      let refusal = bySchema.get(params.documentAST);
      if (refusal === undefined) bySchema.set(params.documentAST, (refusal = overLimits(limits, params.schema, params.documentAST) ?? null));
      if (refusal) setResult([refusal]);
    },
  };
}
