import { isUtf8 } from 'node:buffer';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { HealthImplementation } from 'grpc-health-check';
import type { Authenticator } from './auth.ts';
import { registerHttpConventions } from './http-conventions.ts';
import { requestIdFrom, requestIdHeader } from './request-id.ts';
import { lazyRequestLogger } from './request-logger.ts';
import { ApiError } from './errors.ts';
import { reportFailure } from './failure-log.ts';
import { registerDocs } from './docs.ts';
import { graphqlEndpoint, graphqlMethods, registerGraphqlApi, type GraphiqlDefaults } from './graphql/handler-factory.ts';
import type { QueryLimits } from './graphql/limits.ts';
import { reflectionDefinition } from './grpc/descriptors.ts';
import { grpcServiceName, registerGrpcApi } from './grpc/handler-factory.ts';
import { protoLoaderOptions, writeProtoTree, type LoadedApi } from './load.ts';
import { serveApi, type ServedApi } from './operation.ts';
import { createOperations, type OperationsOptions } from './ops/index.ts';
import { clientErrorProblem, refuseOtherMethods, routeEveryMethod } from './rest/client-errors.ts';
import { narrowestProblemShape, problemShape, toProblem } from './rest/errors.ts';
import { registerRestApi } from './rest/handler-factory.ts';

/** What the server offers people besides the APIs; each on unless set false. */
export interface PageSwitches {
  /** GraphiQL at each GraphQL endpoint (where `@graphql-yoga/render-graphiql` is installed). */
  graphiql: boolean;
  /** GraphQL introspection (`__schema`, `__type`). */
  introspection: boolean;
  /** The API reference pages under `/docs`. The contracts themselves (`<base>/openapi.json`) are always served. */
  reference: boolean;
}

export interface ServerOptions {
  apis: LoadedApi[];
  /** The implementation of each API version, keyed `study/v1`. */
  implementations: Record<string, object>;
  authenticator: Authenticator;
  host?: string;
  /** 0 picks a free port. */
  httpPort?: number;
  grpcPort?: number;
  /**
   * Logs requests at this pino level (e.g. `info`; true for `info`). Unset, only failures (5xx) are
   * logged, at `error`; false logs nothing.
   */
  logger?: boolean | string;
  /** Where log lines go (JSON, one per line); standard output by default. */
  logStream?: { write(line: string): void };
  /**
   * The web origins that may call the APIs from a browser (see ./cors.ts for the entry forms):
   * one policy for REST, GraphQL and event streams. None by default.
   */
  cors?: readonly string[];
  /** GraphiQL, introspection and the reference pages, each on unless set false. */
  pages?: Partial<PageSwitches>;
  /**
   * A certificate chain and its private key (PEM): REST and GraphQL are then served over HTTPS and
   * gRPC over TLS. Without them both are plaintext, for loopback or a load balancer that
   * terminates TLS in front.
   */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** What GraphiQL opens with, per API version (keyed `study/v2`): dev mode gives a token and an example query. */
  graphiql?: Record<string, GraphiqlDefaults>;
  /** Health, readiness, metrics (see ./ops/index.ts); metrics are on and ready means not draining by default. */
  operations?: OperationsOptions;
  /**
   * On close, how long readiness says "draining" (and gRPC health NOT_SERVING) while everything
   * still serves, so load balancers stop sending traffic before connections are refused. 0 by default.
   */
  drainDelayMs?: number;
  /** What one GraphQL request may ask for and spend; `defaultQueryLimits` unless given. */
  graphqlLimits?: QueryLimits;
  /**
   * The project root, where the changelog pages (`/docs<base>/changelog`) are read: the JSON that
   * `trident changelog --write` puts in `<output>/changelog/`, else the git history of the
   * contracts. The current directory by default, where `trident serve` runs.
   */
  root?: string;
}

// Request logs carry the method and path only: query strings, headers (the bearer token) and
// bodies may hold personal data, so they are never logged.
function requestLogger(option: boolean | string | undefined, stream: ServerOptions['logStream']): false | object {
  if (option === false) return false;
  return {
    // Without a level, only failures are logged: every 5xx of every protocol leaves a line.
    level: option === true ? 'info' : option === undefined || option === '' ? 'error' : option,
    ...(stream !== undefined ? { stream } : {}),
    serializers: {
      req: (request: { method?: string; url?: string; id?: string }) => ({ id: request.id, method: request.method, path: (request.url ?? '').split('?')[0] }),
    },
  };
}

export interface RunningServers {
  /** `http://host:port`, or `https://` with TLS. */
  httpUrl: string;
  /** Whether REST, GraphQL and gRPC are served over TLS. */
  tls: boolean;
  grpcAddress: string;
  /** Each API version and where it is served; `docs` is absent when the reference pages are off. */
  served: Array<ServedApi & { graphql: string; grpcService: string; docs: string | undefined }>;
  http: FastifyInstance;
  grpc: Server;
  /** Stops taking new work, lets in-flight calls finish (up to `graceMs`), then closes. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Starts every API version over the three protocols: REST and GraphQL on one Fastify HTTP
 * server, gRPC (with health and reflection) on its own port, all on loopback by default.
 */
export async function startServers(options: ServerOptions): Promise<RunningServers> {
  const host = options.host ?? '127.0.0.1';
  const shutdown = new AbortController();
  const operations = createOperations(options.operations);
  const served = options.apis.map((loaded) => {
    const handlers = options.implementations[loaded.key];
    if (!handlers) throw new Error(`no implementation for ${loaded.key}`);
    return { loaded, served: serveApi(loaded.api, handlers as Record<string, unknown>, shutdown.signal, operations.observe), shape: problemShape(loaded.api.document as Record<string, unknown>) };
  });
  // Problems answered outside any API version's routes fit every contract's problem schema.
  const shape = narrowestProblemShape(served.map((entry) => entry.shape));

  const http = Fastify({
    ...(options.tls ? { https: { cert: options.tls.cert, key: options.tls.key } } : {}),
    logger: requestLogger(options.logger, options.logStream),
    childLoggerFactory: lazyRequestLogger,
    // A request id sent by the caller (or a proxy in front) is kept, so one id follows the request through.
    genReqId: (request) => requestIdFrom(request.headers[requestIdHeader]),
    bodyLimit: 1024 * 1024,
    // Long path parameters reach the contract's validation, which names them.
    routerOptions: { maxParamLength: 8 * 1024 },
    clientErrorHandler: clientErrorProblem(shape),
    // A URL the router cannot even read (bad percent-encoding) is still answered as a problem.
    frameworkErrors: (error, request, reply) => {
      const problem = toProblem(new ApiError('invalid_argument', error.message, [{ pointer: '/path', message: 'is not a readable URL' }]), request.url, shape);
      void (reply as FastifyReply).code(400).header('X-Request-Id', request.id).type('application/problem+json').send(JSON.stringify(problem));
    },
  });
  routeEveryMethod(http);
  // Binary uploads are streamed to the handler; GraphQL multipart bodies are read by yoga.
  const binaryTypes = [...new Set(served.flatMap(({ served: api }) => api.operations.flatMap((bound) => (bound.operation.body?.kind === 'binary' ? bound.operation.body.mediaTypes : []))))];
  if (binaryTypes.length > 0) http.addContentTypeParser(binaryTypes, (_request, _payload, done) => done(null));
  http.addContentTypeParser('multipart/form-data', (_request, _payload, done) => done(null));
  // JSON must be UTF-8 (RFC 8259): bytes that are not are refused rather than decoded to U+FFFD.
  const parseJson = http.getDefaultJsonParser('error', 'error');
  http.removeContentTypeParser('application/json');
  http.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    if (!isUtf8(body as Buffer)) {
      done(new ApiError('invalid_argument', 'The body is not valid UTF-8.', [{ pointer: '/body', message: 'is not valid UTF-8' }]), undefined);
      return;
    }
    parseJson(request, (body as Buffer).toString('utf8'), (error, value) => {
      // JSON.parse quotes the text around a syntax error, and that text may be personal data.
      if (error instanceof SyntaxError) {
        const position = /position (\d+)/.exec(error.message)?.[1];
        done(new ApiError('invalid_argument', `The body is not valid JSON${position === undefined ? '' : ` (at position ${position})`}.`, [{ pointer: '/body', message: 'is not valid JSON' }]), undefined);
        return;
      }
      done(error, value);
    });
  });
  http.setErrorHandler(async (error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const code = error.statusCode === 413 ? 'payload_too_large' : error.statusCode === 415 ? 'unsupported_media_type' : (error.statusCode ?? 500) < 500 ? 'invalid_argument' : 'internal';
    const message = code === 'internal' ? 'The server failed to handle the request.' : error.message;
    // A body that cannot be read at all is still named: the violation points at the body, or at its type.
    const violations = code !== 'internal' && error.code?.startsWith('FST_ERR_CTP') ? [{ pointer: code === 'unsupported_media_type' ? '/header/Content-Type' : '/body', message }] : [];
    const apiError = error instanceof ApiError ? error : new ApiError(code, message, violations);
    // An unexpected failure is logged as it was thrown, for its stack.
    reportFailure(request.log, code === 'internal' && !(error instanceof ApiError) ? error : apiError, { protocol: 'rest' });
    const problem = toProblem(apiError, request.url, shape);
    await reply.code(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  });
  http.setNotFoundHandler(async (request, reply) => {
    const problem = toProblem(new ApiError('not_found', `No route ${request.method} ${request.url.split('?')[0]}.`), request.url, shape);
    await reply.code(404).type('application/problem+json').send(JSON.stringify(problem));
  });

  const headerParameters = served.flatMap(({ served: api }) => api.operations.flatMap((bound) => bound.operation.parameters.filter((parameter) => parameter.in === 'header').map((parameter) => parameter.name)));
  await registerHttpConventions(http, { cors: options.cors ?? [], headerParameters });

  const tree = writeProtoTree(served.map(({ loaded }) => loaded));
  const definition = loadSync(tree.files, { ...protoLoaderOptions, includeDirs: [tree.dir] });
  tree.dispose();
  // Reflection describes the health and reflection services too, so tools can discover them.
  const described = reflectionDefinition(served.map(({ loaded }) => loaded));

  const grpc = new Server();
  const health = new HealthImplementation({ '': 'SERVING' });
  const pages: PageSwitches = { graphiql: true, introspection: true, reference: true, ...options.pages };
  const report: RunningServers['served'] = [];
  for (const { loaded, served: api, shape: apiShape } of served) {
    registerRestApi(http, api, options.authenticator, apiShape);
    registerGraphqlApi(http, api, loaded.sdl, options.authenticator, options.graphqlLimits, pages.graphiql ? (options.graphiql?.[loaded.key] ?? {}) : false, pages.introspection);
    refuseOtherMethods(http, graphqlEndpoint(api), graphqlMethods, apiShape);
    registerGrpcApi(grpc, api, definition, options.authenticator, http.log);
    health.setStatus(grpcServiceName(api), 'SERVING');
    report.push({ ...api, graphql: graphqlEndpoint(api), grpcService: grpcServiceName(api), docs: pages.reference ? `/docs${api.basePath}` : undefined });
  }
  const changelog = { root: options.root ?? process.cwd(), notFound: (detail: string, instance: string) => toProblem(new ApiError('not_found', detail), instance, shape) };
  registerDocs(http, served.map(({ loaded, served: api }) => ({ api, openapi: loaded.openapi })), { reference: pages.reference, graphiql: pages.graphiql }, changelog);
  operations.register(http, health, report.map((api) => api.grpcService), shape);
  health.addToServer(grpc);
  new ReflectionService(described).addToServer(grpc);

  await http.listen({ host, port: options.httpPort ?? 0 });
  const httpAddress = http.server.address();
  const httpPort = typeof httpAddress === 'object' && httpAddress ? httpAddress.port : 0;
  const grpcPort = await new Promise<number>((resolve, reject) => {
    const credentials = options.tls ? ServerCredentials.createSsl(null, [{ cert_chain: Buffer.from(options.tls.cert), private_key: Buffer.from(options.tls.key) }], false) : ServerCredentials.createInsecure();
    grpc.bindAsync(`${host}:${options.grpcPort ?? 0}`, credentials, (error, port) => (error ? reject(error) : resolve(port)));
  });

  let closing: Promise<void> | undefined;
  const close = (graceMs = 10_000): Promise<void> => {
    closing ??= (async () => {
      // Readiness and gRPC health say NOT_SERVING first; the drain delay lets load balancers notice.
      operations.drain();
      if (options.drainDelayMs) await new Promise((resolve) => setTimeout(resolve, options.drainDelayMs));
      // Streams end at once; other calls get `graceMs` to finish before connections are cut.
      shutdown.abort();
      const drained = new Promise<void>((resolve) => grpc.tryShutdown(() => resolve()));
      const timer = setTimeout(() => {
        grpc.forceShutdown();
        http.server.closeAllConnections();
      }, graceMs);
      await Promise.all([drained, http.close()]);
      clearTimeout(timer);
    })();
    return closing;
  };
  return { httpUrl: `${options.tls ? 'https' : 'http'}://${host}:${httpPort}`, tls: options.tls !== undefined, grpcAddress: `${host}:${grpcPort}`, served: report, http, grpc, close };
}
