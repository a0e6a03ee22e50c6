import { ApiError, errorCatalog } from '../errors.ts';

/** An RFC 9457 problem detail, as the contracts' `Problem` schema describes it. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
  /** Whether the same request may succeed when sent again later. */
  retryable: boolean;
  errors?: Array<{ pointer: string; message: string }>;
}

/** The HTTP status and problem+json body of an error. */
export function toProblem(error: ApiError, instance?: string): ProblemDetails {
  const entry = errorCatalog[error.code];
  return {
    type: `urn:problem-type:trident:${error.code}`,
    title: entry.title,
    status: entry.http,
    detail: error.message,
    ...(instance !== undefined ? { instance } : {}),
    code: error.code,
    retryable: error.retryable,
    ...(error.violations.length > 0 ? { errors: error.violations } : {}),
  };
}
