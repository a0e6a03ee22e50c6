/**
 * The one error type of the generated clients. Whatever protocol answered, a failed call rejects
 * with a `TridentError` carrying the error catalog's code, so application code handles a
 * not-found or a conflict the same way over REST, GraphQL and gRPC.
 *
 * Browser-safe: no Node built-ins are imported here.
 */
import { errorCatalog, type ErrorCode } from '../runtime/errors.ts';

export { errorCatalog, type ErrorCode };

export type Protocol = 'rest' | 'graphql' | 'grpc';

/** One problem with one input value: a JSON pointer into the operation's input, and why. */
export interface ErrorDetail {
  pointer: string;
  message: string;
}

export interface TridentErrorInit {
  code: ErrorCode;
  message: string;
  protocol: Protocol;
  details?: ErrorDetail[];
  /** The HTTP status (REST and GraphQL) or the gRPC status code the server answered with. */
  status?: number;
  /** What the server said of this failure; the catalog's default for the code when it said nothing. */
  retryable?: boolean;
  cause?: unknown;
}

export class TridentError extends Error {
  /** The catalog code, e.g. `not_found`, `conflict`, `invalid_argument`. */
  readonly code: ErrorCode;
  readonly details: ErrorDetail[];
  readonly protocol: Protocol;
  readonly status: number | undefined;
  /** Whether the same call may succeed when repeated later: as the server said, else the catalog's default for the code. */
  readonly retryable: boolean;

  constructor(init: TridentErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'TridentError';
    this.code = init.code;
    this.details = init.details ?? [];
    this.protocol = init.protocol;
    this.status = init.status;
    this.retryable = init.retryable ?? errorCatalog[init.code].retryable;
  }
}

export function isTridentError(error: unknown, code?: ErrorCode): error is TridentError {
  return error instanceof TridentError && (code === undefined || error.code === code);
}

const codes = Object.keys(errorCatalog) as ErrorCode[];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorCatalog, value);
}

/** The catalog code of an HTTP status, for answers that carry no code of their own (a proxy's 502). */
export function codeOfHttpStatus(status: number): ErrorCode {
  if (status === 409) return 'conflict';
  if (status === 413) return 'payload_too_large';
  const exact = codes.find((code) => errorCatalog[code].http === status);
  if (exact) return exact;
  if (status === 502 || status === 503) return 'unavailable';
  return status >= 500 ? 'internal' : 'invalid_argument';
}

/** The catalog code of a GraphQL `extensions.code` (our servers also send `errorCode`). */
export function codeOfGraphqlCode(code: unknown): ErrorCode | undefined {
  return codes.find((entry) => errorCatalog[entry].graphql === code);
}

/** The catalog code of a gRPC status code, for answers without an ErrorInfo reason. */
export function codeOfGrpcStatus(status: number): ErrorCode {
  if (status === 8) return 'rate_limited';
  if (status === 3) return 'invalid_argument';
  if (status === 1) return 'unavailable';
  return codes.find((code) => errorCatalog[code].grpc === status) ?? 'internal';
}

/** A REST answer that is not a success: the problem+json body when there is one. */
export function fromProblem(status: number, body: unknown): TridentError {
  const problem = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const code = isErrorCode(problem.code) ? problem.code : codeOfHttpStatus(status);
  const message = typeof problem.detail === 'string' ? problem.detail : typeof problem.title === 'string' ? problem.title : typeof body === 'string' && body !== '' ? body : `HTTP ${status}`;
  return new TridentError({ code, message, protocol: 'rest', status, details: detailsOf(problem.errors), ...retryableOf(problem.retryable) });
}

/** The first error of a GraphQL response. */
export function fromGraphqlError(error: { message?: unknown; extensions?: Record<string, unknown> }, status?: number): TridentError {
  const extensions = error.extensions ?? {};
  const code = isErrorCode(extensions.errorCode) ? extensions.errorCode : codeOfGraphqlCode(extensions.code) ?? (status !== undefined && status >= 400 ? codeOfHttpStatus(status) : 'invalid_argument');
  return new TridentError({
    code,
    message: typeof error.message === 'string' ? error.message : 'GraphQL error',
    protocol: 'graphql',
    ...(status !== undefined ? { status } : {}),
    details: detailsOf(extensions.violations),
    ...retryableOf(extensions.retryable),
  });
}

function retryableOf(value: unknown): { retryable?: boolean } {
  return typeof value === 'boolean' ? { retryable: value } : {};
}

function detailsOf(value: unknown): ErrorDetail[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry) => {
    if (typeof entry !== 'object' || entry === null) return [];
    const { pointer, message } = entry as Record<string, unknown>;
    return typeof message === 'string' ? [{ pointer: typeof pointer === 'string' ? pointer : '', message }] : [];
  });
}

/**
 * A failure below the protocol (no connection, a body that is not what was promised) as a
 * TridentError; a call the caller aborted keeps its AbortError, a timeout signal is
 * `deadline_exceeded`.
 */
export function transportError(protocol: Protocol, error: unknown): unknown {
  if (error instanceof TridentError) return error;
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  if (name === 'AbortError') return error;
  const message = error instanceof Error ? error.message : String(error);
  return new TridentError({ code: name === 'TimeoutError' ? 'deadline_exceeded' : 'unavailable', message, protocol, cause: error });
}
