import { makeExecutableSchema } from '@graphql-tools/schema';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GraphQLScalarType, Kind, valueFromASTUntyped, type GraphQLError, type GraphQLSchema } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { customScalars } from '../../compiler/emit/graphql/transform.ts';
import type { Operation } from '../../compiler/ir.ts';
import { parameterGraphqlName } from '../../compiler/names.ts';
import type { Authenticator } from '../auth.ts';
import { bearerToken } from '../auth.ts';
import { isErrorCode } from '../errors.ts';
import { logServerFailure, type BindingLogger, type FailureLogger, type FailureSite } from '../failure-log.ts';
import type { BinaryContent, BinaryUpload, OperationInput } from '../handler.ts';
import { contentResult } from './content.ts';
import { invoke, namedParameters, traceHeadersOf, type BoundOperation, type ServedApi, type TraceHeaders } from '../operation.ts';
import { GraphqlShapes } from './convert.ts';
import { toGraphqlError } from './errors.ts';
import { budgetedSchema, executionBudgetPlugin } from './budget.ts';
import { DocumentCache } from './document-cache.ts';
import { defaultQueryLimits, queryLimitsPlugin, type QueryLimits } from './limits.ts';
import { noIntrospectionPlugin } from './introspection.ts';
import { requestIdPlugin } from './request-id.ts';
import { createRequire } from 'node:module';

/** GraphiQL's first contents: a query in its editor and headers in its Headers tab. */
export interface GraphiqlDefaults {
  query?: string;
  headers?: Record<string, string>;
}

const require = createRequire(import.meta.url);

// Characters of GraphQL source whose parsed documents (or parse errors) an endpoint keeps: some
// hundreds of ordinary documents, about 13 MB of syntax trees.
const cachedSourceSize = 256 * 1024;
// A document longer than this is parsed every time: ordinary clients send documents of a few kB
// at most, and a long one kept would survive into the old generation, costly to collect.
const cachedDocumentSize = 8 * 1024;

// GraphiQL with its assets bundled (18 MB) is an optional peer dependency: where it is installed
// the endpoint serves it to browsers, otherwise the endpoint serves GraphQL only. Its module holds
// the bundle as strings (about 20 MB of heap), so it loads when a browser first asks for the page.
let graphiqlInstalled: boolean | undefined;
let graphiqlRenderer: ((options?: object) => string) | undefined;
function bundledGraphiql(): ((options?: object) => string) | undefined {
  if (graphiqlInstalled === undefined) {
    try {
      require.resolve('@graphql-yoga/render-graphiql');
      graphiqlInstalled = true;
    } catch {
      graphiqlInstalled = false;
    }
  }
  if (!graphiqlInstalled) return undefined;
  return (options) => {
    graphiqlRenderer ??= (require('@graphql-yoga/render-graphiql') as { renderGraphiQL: (options?: object) => string }).renderGraphiQL;
    return graphiqlRenderer(options);
  };
}

interface RequestState {
  token: string | undefined;
  signal: AbortSignal;
  requestId: string;
  traceHeaders: TraceHeaders | undefined;
  log: BindingLogger;
}

/** The GraphQL endpoint of an API version: `<base path>/graphql`. */
export const graphqlEndpoint = (served: ServedApi): string => `${served.basePath}/graphql`;

/** The methods a GraphQL endpoint answers (GraphQL over HTTP: queries by GET, all by POST; OPTIONS for browsers). */
export const graphqlMethods = ['GET', 'POST', 'OPTIONS'] as const;

/**
 * Serves one API version over GraphQL (graphql-yoga) on the same Fastify instance as REST: the
 * generated SDL made executable with resolvers that convert arguments to the contract's JSON,
 * call the shared `invoke`, and convert the result back. Subscriptions stream over SSE; uploads
 * use the multipart request specification. GraphiQL is served with its assets bundled, where
 * `@graphql-yoga/render-graphiql` is installed.
 */
export function registerGraphqlApi(
  app: FastifyInstance,
  served: ServedApi,
  sdl: string,
  authenticator: Authenticator,
  limits: QueryLimits = defaultQueryLimits,
  graphiql: GraphiqlDefaults | false = {},
  introspection = true,
): YogaServerInstance<Record<string, unknown>, Record<string, unknown>> {
  const schema = budgetedSchema(executableSchema(served, sdl, authenticator));
  const endpoint = graphqlEndpoint(served);
  const yoga = createYoga<{ req: FastifyRequest; reply: FastifyReply; signal: AbortSignal }>({
    schema,
    graphqlEndpoint: endpoint,
    logging: false,
    // Resolvers log their own failures with the request id; what fails outside them is logged here.
    maskedErrors: { maskError: (error) => (answeredByResolver(error) ? toGraphqlError(error) : answered(error, app.log, { protocol: 'graphql' })) },
    ...(graphiql === false ? { graphiql: false } : graphiqlOptions(served, graphiql)),
    landingPage: false,
    // Cross-origin access is the HTTP server's one policy (../cors.ts), not yoga's, which would
    // answer any origin with credentials allowed.
    cors: false,
    parserAndValidationCache: { documentCache: new DocumentCache(cachedSourceSize, cachedDocumentSize), errorCache: new DocumentCache(cachedSourceSize, cachedDocumentSize) },
    // Depth, cost, call and size limits: an abusive document is rejected before anything runs;
    // the execution budget stops one that turns out bigger than its document said.
    plugins: [
      queryLimitsPlugin(limits),
      executionBudgetPlugin(limits),
      requestIdPlugin((serverContext) => (serverContext as { req?: FastifyRequest }).req?.id),
      ...(introspection ? [] : [noIntrospectionPlugin]),
    ],
    context: ({ request, signal, req }): RequestState => ({
      token: bearerToken(request.headers.get('authorization') ?? undefined),
      signal,
      requestId: req.id,
      traceHeaders: traceHeadersOf((name) => request.headers.get(name) ?? undefined),
      log: req.log,
    }),
  });
  app.route({
    url: endpoint,
    method: [...graphqlMethods],
    handler: async (req, reply) => {
      // The handlers' signal comes from the connection: the fetch Request's own signal costs a
      // listener and an AbortError on every request, though only a caller who leaves needs it.
      const aborter = new AbortController();
      reply.raw.on('close', () => {
        if (!reply.raw.writableFinished) aborter.abort();
      });
      const response = await yoga.handleNodeRequestAndResponse(req, reply, { req, reply, signal: aborter.signal });
      response.headers.forEach((value, key) => reply.header(key, value));
      // One endpoint serves every operation: an answer to a caller with credentials may hold personal data.
      if (req.headers.authorization !== undefined) reply.header('Cache-Control', 'no-store');
      reply.status(response.status);
      reply.send(response.body);
      return reply;
    },
  });
  return yoga as unknown as YogaServerInstance<Record<string, unknown>, Record<string, unknown>>;
}

/** The generated SDL with the runtime's resolvers and scalars. */
export function executableSchema(served: ServedApi, sdl: string, authenticator: Authenticator): GraphQLSchema {
  const shapes = new GraphqlShapes(served.api);
  const roots: Record<string, Record<string, unknown>> = { Query: {}, Mutation: {}, Subscription: {} };
  for (const bound of served.operations) {
    const operation = bound.operation;
    const root = operation.kind === 'query' ? 'Query' : operation.kind === 'mutation' ? 'Mutation' : 'Subscription';
    const callWith = (input: OperationInput, state: RequestState): Promise<unknown> =>
      invoke(bound, input, { token: state.token, protocol: 'graphql', signal: state.signal, requestId: state.requestId, log: state.log, traceHeaders: state.traceHeaders }, authenticator);
    const inputOf = graphqlInput(operation, shapes);
    const call = (args: Record<string, unknown>, state: RequestState): Promise<unknown> => callWith(inputOf(args), state);
    const target = roots[root] as Record<string, unknown>;
    if (root === 'Subscription') {
      target[operation.graphqlName] = {
        subscribe: async function* (_: unknown, args: Record<string, unknown>, state: RequestState) {
          try {
            for await (const item of (await call(args, state)) as AsyncIterable<unknown>) yield item;
          } catch (error) {
            throw answered(error, state.log, { protocol: 'graphql', operation: operation.id });
          }
        },
        resolve: (item: unknown) => toResult(bound, item, shapes),
      };
    } else if (operation.result.kind === 'binary') {
      target[operation.graphqlName] = async (_: unknown, args: Record<string, unknown>, state: RequestState) => {
        try {
          const input = inputOf(args);
          return await contentResult(operation, served.basePath, input, (await callWith(input, state)) as BinaryContent);
        } catch (error) {
          throw answered(error, state.log, { protocol: 'graphql', operation: operation.id });
        }
      };
    } else {
      target[operation.graphqlName] = async (_: unknown, args: Record<string, unknown>, state: RequestState) => {
        try {
          return toResult(bound, await call(args, state), shapes);
        } catch (error) {
          throw answered(error, state.log, { protocol: 'graphql', operation: operation.id });
        }
      };
    }
  }
  const resolvers: Record<string, unknown> = { ...scalars(sdl) };
  for (const [root, fields] of Object.entries(roots)) if (Object.keys(fields).length > 0) resolvers[root] = fields;
  return makeExecutableSchema({ typeDefs: sdl, resolvers: resolvers as Parameters<typeof makeExecutableSchema>[0]["resolvers"] });
}

/** An error as GraphQL answers it, logged when it is the server's failure. */
function answered(error: unknown, log: FailureLogger, site: FailureSite): GraphQLError {
  const graphqlError = toGraphqlError(error);
  const code = graphqlError.extensions?.errorCode;
  if (isErrorCode(code)) logServerFailure(log, code, error, site);
  return graphqlError;
}

// A resolver's error carries its catalog code already (and was logged by the resolver).
function answeredByResolver(error: unknown): boolean {
  const coded = (value: unknown): boolean => (value as { extensions?: Record<string, unknown> } | null | undefined)?.extensions?.errorCode !== undefined;
  return coded(error) || coded((error as { originalError?: unknown } | null | undefined)?.originalError);
}

function toResult(bound: BoundOperation, value: unknown, shapes: GraphqlShapes): unknown {
  const result = bound.operation.result;
  if (result.kind === 'json') return shapes.fromJson(value, result.type);
  if (result.kind === 'stream') return shapes.fromJson(value, result.item);
  return true;
}

/** Reads an operation's input from its field's arguments; the argument names are worked out once. */
function graphqlInput(operation: Operation, shapes: GraphqlShapes): (args: Record<string, unknown>) => OperationInput {
  const parameters = namedParameters(operation, parameterGraphqlName);
  const body = operation.body;
  return (args) => {
    const input: OperationInput = {};
    for (const parameter of parameters) {
      const group = (input[parameter.in] ??= {});
      const value = args[parameter.named];
      if (value !== undefined && value !== null) group[parameter.name] = shapes.toJson(value, parameter.type);
    }
    if (body?.kind === 'json' && args.input !== undefined && args.input !== null) input.body = shapes.toJson(args.input, body.type);
    if (body?.kind === 'binary') input.body = fileUpload(args.file as File);
    return input;
  };
}

function fileUpload(file: File): BinaryUpload {
  const stream = file.stream() as unknown as AsyncIterable<Uint8Array>;
  return { contentType: file.type, declaredSize: file.size, chunks: stream };
}

// The custom scalars the SDL may declare: Long travels as a decimal string, JSON as any value.
function scalars(sdl: string): Record<string, GraphQLScalarType> {
  const all: Record<keyof typeof customScalars, GraphQLScalarType> = {
    DateTime: new GraphQLScalarType({ name: 'DateTime', description: customScalars.DateTime, serialize: (value) => value, parseValue: (value) => value, parseLiteral: (ast) => (ast.kind === Kind.STRING ? ast.value : undefined) }),
    Long: new GraphQLScalarType({
      name: 'Long',
      // The SDL's descriptions, so introspection describes the scalars as the generated schema does.
      description: customScalars.Long,
      serialize: (value) => String(value),
      parseValue: (value) => String(value),
      parseLiteral: (ast) => (ast.kind === Kind.STRING || ast.kind === Kind.INT ? ast.value : undefined),
    }),
    JSON: new GraphQLScalarType({ name: 'JSON', description: customScalars.JSON, serialize: (value) => value, parseValue: (value) => value, parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables) }),
    Upload: new GraphQLScalarType({ name: 'Upload', description: customScalars.Upload, serialize: () => null, parseValue: (value) => value }),
  };
  return Object.fromEntries(Object.entries(all).filter(([name]) => new RegExp(`^scalar ${name}\\b`, 'm').test(sdl)));
}

function graphiqlOptions(served: ServedApi, defaults: GraphiqlDefaults): { graphiql: false } | { graphiql: Record<string, unknown>; renderGraphiQL: (options?: object) => string } {
  const render = bundledGraphiql();
  if (!render) return { graphiql: false };
  return {
    graphiql: {
      title: `${served.api.title} v${served.api.version}`,
      subscriptionsProtocol: 'SSE',
      ...(defaults.query !== undefined ? { defaultQuery: defaults.query } : {}),
      // Shown in the Headers tab, which then opens: the first query runs as it is.
      ...(defaults.headers !== undefined ? { headers: JSON.stringify(defaults.headers, null, 2), defaultEditorToolsVisibility: 'headers' } : {}),
    },
    renderGraphiQL: render,
  };
}
