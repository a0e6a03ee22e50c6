import { errorCatalog, toApiError, type ApiError, type ErrorCode } from './errors.ts';

/** What the bindings log through: the error method of the server's pino logger (or any alike). */
export interface FailureLogger {
  error(fields: object, message: string): void;
}

/** The server's logger as the bindings use it: failures at `error`, each call's line at `info`. */
export interface BindingLogger extends FailureLogger {
  info(fields: object, message: string): void;
}

/** Where a failure happened, for its log line. */
export interface FailureSite {
  protocol: 'rest' | 'graphql' | 'grpc';
  /** The operation, when the failure is an operation's. */
  operation?: string;
  /** The request id the server gave the call. */
  reqId?: string;
}

/**
 * Logs `error` when the code it is answered with is the server's failure (any 5xx). The caller's
 * own mistakes (4xx) are answered, not logged. Only the error goes in the line, never the
 * request's input: that may hold personal data.
 */
export function logServerFailure(log: FailureLogger, code: ErrorCode, error: unknown, site: FailureSite): void {
  if (errorCatalog[code].http >= 500) log.error({ ...site, code, err: error }, `${site.protocol} request failed`);
}

/** `error` as the ApiError the caller gets, logged first when it is the server's failure. */
export function reportFailure(log: FailureLogger, error: unknown, site: FailureSite): ApiError {
  const apiError = toApiError(error);
  logServerFailure(log, apiError.code, error, site);
  return apiError;
}
