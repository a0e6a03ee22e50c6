/**
 * What an implementation sees. Every operation is one function of `(input, context)`; the input
 * is the contract's JSON shape grouped as openapi-typescript groups it (`path`, `query`, `header`,
 * `body`), whatever protocol the call came in on.
 */

/** The caller, from a verified bearer token: one organisation and the roles held in it. */
export interface Principal {
  userId: string;
  orgId: string;
  roles: readonly string[];
}

export interface OperationContext {
  /** Absent only for operations the contract marks public. */
  principal: Principal;
  /** Which API version served the call, e.g. `{ name: 'study', version: 1 }`. */
  api: { name: string; version: number };
  operationId: string;
  protocol: 'rest' | 'graphql' | 'grpc';
  /** Aborted when the caller goes away or a deadline passes; long work should stop then. */
  signal: AbortSignal;
  requestId: string;
}

/** Bytes coming in: a REST body, a GraphQL upload or a gRPC client stream, read once. */
export interface BinaryUpload {
  contentType: string;
  /** When the protocol knows it up front (Content-Length, the upload's size). */
  declaredSize?: number;
  chunks: AsyncIterable<Uint8Array>;
}

/** A byte range, inclusive at both ends as in HTTP. */
export interface ByteRange {
  start: number;
  end: number;
}

/** Bytes going out; the binding answers conditional and range requests from these facts. */
export interface BinaryContent {
  contentType: string;
  size: number;
  etag: string;
  read(range?: ByteRange): AsyncIterable<Uint8Array>;
}

/** Any handler of any operation, as the bindings call it. */
export type AnyHandler = (input: OperationInput, context: OperationContext) => Promise<unknown> | AsyncIterable<unknown>;

export interface OperationInput {
  path?: Record<string, unknown>;
  query?: Record<string, unknown>;
  header?: Record<string, unknown>;
  body?: unknown;
}
