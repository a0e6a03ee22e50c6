/**
 * The one error catalog. A handler throws `ApiError`; each binding maps its code to the protocol:
 * an HTTP status with an RFC 9457 problem+json body, a gRPC status, a GraphQL `extensions.code`.
 * The gRPC column follows the google.rpc / Connect mapping.
 *
 * `retryable` says whether sending the same request again, later, may succeed. It is the default
 * of a code; one error may say otherwise (a deadlock is a `conflict` that a retry resolves, while
 * a state that forbids the change is a `conflict` no retry resolves). A failure caused by a bug or
 * by the input (`internal`) is never retryable; a stale If-Match (`precondition_failed`) needs a
 * fresh read first, so repeating the same request cannot succeed either.
 */

export const errorCatalog = {
  invalid_argument: { http: 400, grpc: 3, grpcName: 'INVALID_ARGUMENT', graphql: 'BAD_USER_INPUT', title: 'Invalid argument', retryable: false },
  unauthenticated: { http: 401, grpc: 16, grpcName: 'UNAUTHENTICATED', graphql: 'UNAUTHENTICATED', title: 'Unauthenticated', retryable: false },
  permission_denied: { http: 403, grpc: 7, grpcName: 'PERMISSION_DENIED', graphql: 'FORBIDDEN', title: 'Permission denied', retryable: false },
  not_found: { http: 404, grpc: 5, grpcName: 'NOT_FOUND', graphql: 'NOT_FOUND', title: 'Not found', retryable: false },
  already_exists: { http: 409, grpc: 6, grpcName: 'ALREADY_EXISTS', graphql: 'ALREADY_EXISTS', title: 'Already exists', retryable: false },
  conflict: { http: 409, grpc: 10, grpcName: 'ABORTED', graphql: 'CONFLICT', title: 'Conflict', retryable: false },
  precondition_failed: { http: 412, grpc: 9, grpcName: 'FAILED_PRECONDITION', graphql: 'PRECONDITION_FAILED', title: 'Precondition failed', retryable: false },
  payload_too_large: { http: 413, grpc: 8, grpcName: 'RESOURCE_EXHAUSTED', graphql: 'PAYLOAD_TOO_LARGE', title: 'Payload too large', retryable: false },
  unsupported_media_type: { http: 415, grpc: 3, grpcName: 'INVALID_ARGUMENT', graphql: 'UNSUPPORTED_MEDIA_TYPE', title: 'Unsupported media type', retryable: false },
  range_not_satisfiable: { http: 416, grpc: 11, grpcName: 'OUT_OF_RANGE', graphql: 'RANGE_NOT_SATISFIABLE', title: 'Range not satisfiable', retryable: false },
  rate_limited: { http: 429, grpc: 8, grpcName: 'RESOURCE_EXHAUSTED', graphql: 'RATE_LIMITED', title: 'Too many requests', retryable: true },
  unimplemented: { http: 501, grpc: 12, grpcName: 'UNIMPLEMENTED', graphql: 'UNIMPLEMENTED', title: 'Not implemented', retryable: false },
  unavailable: { http: 503, grpc: 14, grpcName: 'UNAVAILABLE', graphql: 'UNAVAILABLE', title: 'Unavailable', retryable: true },
  deadline_exceeded: { http: 504, grpc: 4, grpcName: 'DEADLINE_EXCEEDED', graphql: 'DEADLINE_EXCEEDED', title: 'Deadline exceeded', retryable: true },
  internal: { http: 500, grpc: 13, grpcName: 'INTERNAL', graphql: 'INTERNAL_SERVER_ERROR', title: 'Internal error', retryable: false },
} as const;

export type ErrorCode = keyof typeof errorCatalog;

/** Whether a value is one of the catalog's codes. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorCatalog, value);
}

/** One problem with one input value: the JSON pointer into the operation's input, and why. */
export interface FieldViolation {
  pointer: string;
  message: string;
}

// A project's handlers and the server may load two copies of this module (a checkout's sources and
// an installed build); the brand lets `instanceof` recognise an ApiError made by either.
const apiErrorBrand = Symbol.for('trident.ApiError');

/** A domain or protocol error with a catalogued code; the message is safe to show to the caller. */
export class ApiError extends Error {
  readonly [apiErrorBrand] = true;

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[apiErrorBrand] === true;
  }

  readonly code: ErrorCode;
  readonly violations: FieldViolation[];
  /** Whether the same request may succeed when sent again later; the catalog's default for the code unless given. */
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, violations: FieldViolation[] = [], options: { retryable?: boolean } = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.violations = violations;
    this.retryable = options.retryable ?? errorCatalog[code].retryable;
  }
}

/** Any thrown value as an ApiError; unknown failures become `internal` without leaking their text. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError('internal', 'The server failed to handle the request.');
}
