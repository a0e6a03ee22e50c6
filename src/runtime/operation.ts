import { randomUUID } from 'node:crypto';
import { admits, apiBasePath, rolesOf, type Api, type Operation, type Parameter, type TypeRef } from '../compiler/ir.ts';
import { appendPointer, getAtPointer } from '../compiler/pointer.ts';
import { streamItemSchemaOf } from '../compiler/stream-items.ts';
import type { Authenticator } from './auth.ts';
import { ApiError, toApiError } from './errors.ts';
import type { AnyHandler, OperationContext, OperationInput, Principal } from './handler.ts';
import { projectToSchema } from './project.ts';
import { inputValidator } from './validate.ts';

/** One API version as served: its IR, its implementation, and its operations ready to call. */
export interface ServedApi {
  api: Api;
  /** The REST base path from the contract's first server, e.g. `/study/v1`. */
  basePath: string;
  operations: BoundOperation[];
}

/** An operation joined to its handler, with its validator and its result schema. */
export interface BoundOperation {
  api: Api;
  operation: Operation;
  handler: AnyHandler;
  validate: (input: OperationInput) => ReturnType<ReturnType<typeof inputValidator>>;
  /** Cuts a result (or a stream item) down to what the contract declares. */
  project: (value: unknown) => unknown;
  /** Aborted when the server shuts down, so open streams end and in-flight work can finish. */
  shutdown: AbortSignal;
  /** Wraps each invocation (metrics, traces); absent, calls run as they are. */
  observe?: InvocationObserver;
}

/** Runs one invocation (`run`) and may observe it: its duration, its outcome, a span around it. */
export type InvocationObserver = (bound: BoundOperation, options: CallOptions, run: () => Promise<unknown>) => Promise<unknown>;

/** Joins every operation of an API version to its handler; a missing handler fails at start-up. */
export function serveApi(api: Api, handlers: Record<string, unknown>, shutdown: AbortSignal = new AbortController().signal, observe?: InvocationObserver): ServedApi {
  const operations = api.operations.map((operation): BoundOperation => {
    const handler = handlers[operation.id];
    if (typeof handler !== 'function') throw new Error(`${api.name} v${api.version}: no handler for operation '${operation.id}'`);
    const resultSchema = resultSchemaOf(api, operation);
    return {
      api,
      operation,
      handler: handler.bind(handlers) as AnyHandler,
      validate: inputValidator(api, operation),
      project: (value) => (resultSchema === undefined ? value : projectToSchema(value, resultSchema, api.document)),
      shutdown,
      ...(observe ? { observe } : {}),
    };
  });
  const basePath = apiBasePath(api);
  return { api, basePath, operations };
}

function resultSchemaOf(api: Api, operation: Operation): unknown {
  const result = operation.result;
  if (result.kind !== 'json' && result.kind !== 'stream') return undefined;
  let response = getAtPointer(api.document, appendPointer(operation.pointer, 'responses', result.status)) as { $ref?: string } | undefined;
  if (typeof response?.$ref === 'string') response = getAtPointer(api.document, response.$ref.slice(1)) as typeof response;
  const media = (response as { content?: Record<string, Record<string, unknown>> } | undefined)?.content?.[result.mediaTypes[0] ?? ''];
  return result.kind === 'stream' ? streamItemSchemaOf(media) : media?.schema;
}

export interface CallOptions {
  token: string | undefined;
  protocol: OperationContext['protocol'];
  signal: AbortSignal;
  requestId?: string;
  /** The caller's W3C trace context (`traceparent`, `tracestate`), from HTTP headers or gRPC metadata. */
  traceHeaders?: TraceHeaders;
  /** Where the call's one line goes (at `info`), once it is answered. */
  log?: CallLogger;
}

/** The info method of the server's pino logger (or any alike), bound to the request's id (`reqId`). */
export interface CallLogger {
  info(fields: object, message: string): void;
  /** pino's: whether lines of a level are written. A logger without it is taken to write info. */
  isLevelEnabled?(level: string): boolean;
}

/** A parameter as a GraphQL or gRPC binding reads it: under the name `named` gives it in that protocol. */
export interface NamedParameter {
  in: 'path' | 'query' | 'header';
  name: string;
  named: string;
  type: TypeRef;
}

/**
 * The path, query and header parameters of an operation (cookies travel over REST only) with
 * their names in one protocol, worked out once per operation rather than on every call.
 */
export function namedParameters(operation: Operation, nameOf: (parameter: Parameter) => string): NamedParameter[] {
  return operation.parameters.flatMap((parameter) => (parameter.in === 'cookie' ? [] : [{ in: parameter.in, name: parameter.name, named: nameOf(parameter), type: parameter.type }]));
}

/** Whether `log` writes info lines, so that a call's line is worth building. */
export function logsInfo(log: CallLogger | undefined): log is CallLogger {
  return log !== undefined && log.isLevelEnabled?.('info') !== false;
}

/**
 * The line every call leaves, whatever its protocol: which API version and operation, over which
 * protocol, the outcome (`ok` or the error catalog's code) and how long it took. Never the input
 * or the result: either may hold personal data.
 */
export interface CallRecord {
  api: string;
  operation: string;
  protocol: OperationContext['protocol'];
  outcome: string;
  durationMs: number;
}

export interface TraceHeaders {
  traceparent?: string;
  tracestate?: string;
}

/** The W3C trace context headers of a request, read through `get` (absent when it carries none). */
export function traceHeadersOf(get: (name: string) => string | undefined): TraceHeaders | undefined {
  const traceparent = get('traceparent');
  if (traceparent === undefined || traceparent === '') return undefined;
  const tracestate = get('tracestate');
  return tracestate === undefined || tracestate === '' ? { traceparent } : { traceparent, tracestate };
}

const anonymous: Principal = { userId: '', orgId: '', roles: [] };

/**
 * What every binding does the same way: authenticate, check the contract's roles, validate the
 * input, call the handler, and cut the result down to the contract. Streams come back as an
 * async iterable whose items are cut the same way.
 */
export async function invoke(bound: BoundOperation, input: OperationInput, options: CallOptions, authenticator: Authenticator): Promise<unknown> {
  const started = performance.now();
  const requestId = options.requestId ?? randomUUID();
  let outcome = 'ok';
  try {
    const once = { ...options, requestId };
    const run = () => invokeOnce(bound, input, once, authenticator);
    return await (bound.observe ? bound.observe(bound, once, run) : run());
  } catch (error) {
    outcome = toApiError(error).code;
    throw error;
  } finally {
    // Built only when it is written: at the default level (errors) a call record is not.
    if (logsInfo(options.log)) {
      const record: CallRecord = { api: `${bound.api.name}/v${bound.api.version}`, operation: bound.operation.id, protocol: options.protocol, outcome, durationMs: Math.round((performance.now() - started) * 100) / 100 };
      options.log.info(record, `${options.protocol} ${bound.operation.id} ${outcome}`);
    }
  }
}

async function invokeOnce(bound: BoundOperation, input: OperationInput, options: CallOptions & { requestId: string }, authenticator: Authenticator): Promise<unknown> {
  const principal = await authorize(bound.operation, options.token, authenticator);
  const violations = bound.validate(input);
  if (violations.length > 0) {
    const first = violations[0];
    throw new ApiError('invalid_argument', `The request is invalid: ${first?.pointer || 'input'} ${first?.message ?? ''}`.trim(), violations);
  }
  const context: OperationContext = {
    principal,
    api: { name: bound.api.name, version: bound.api.version },
    operationId: bound.operation.id,
    protocol: options.protocol,
    // A shutdown ends open streams at once; any other call is in flight and may finish.
    signal: bound.operation.result.kind === 'stream' ? AbortSignal.any([options.signal, bound.shutdown]) : options.signal,
    requestId: options.requestId,
  };
  // Awaited for streams too: a handler may check its input before handing out the stream.
  const value = await bound.handler(input, context);
  if (bound.operation.result.kind === 'stream') return projectStream(value as AsyncIterable<unknown>, bound);
  return bound.operation.result.kind === 'json' ? bound.project(value) : value;
}

async function* projectStream(items: AsyncIterable<unknown>, bound: BoundOperation): AsyncIterable<unknown> {
  for await (const item of items) yield bound.project(item);
}

/** The caller of an operation, checked against the contract's security requirement. */
export async function authorize(operation: Operation, token: string | undefined, authenticator: Authenticator): Promise<Principal> {
  if (operation.security.length === 0) return token ? authenticator.verify(token).catch(() => anonymous) : anonymous;
  if (!token) throw new ApiError('unauthenticated', 'This operation needs a bearer token.');
  const principal = await authenticator.verify(token);
  if (!admits(operation, principal.roles)) throw new ApiError('permission_denied', `This operation needs ${neededRoles(operation)}.`);
  return principal;
}

/** What a caller must hold, in words: `the role doctor or org_admin`, `the roles writer and editor, or the role admin`. */
function neededRoles(operation: Operation): string {
  const sets = operation.security.map(rolesOf);
  if (sets.every((roles) => roles.length === 1)) return `the role ${sets.map(([role]) => role).join(' or ')}`;
  return sets.map((roles) => (roles.length === 1 ? `the role ${roles[0]}` : `the roles ${roles.join(' and ')}`)).join(', or ');
}
