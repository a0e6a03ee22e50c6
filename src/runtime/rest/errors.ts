import { resolveSchema } from '../../compiler/schema-shapes.ts';
import { ApiError, errorCatalog } from '../errors.ts';

/** An RFC 9457 problem detail, as the contracts' `Problem` schema describes it. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
  /** Whether the same request may succeed when sent again later (where the contract declares it). */
  retryable?: boolean;
  errors?: Array<{ pointer: string; message: string }>;
}

/**
 * The HTTP status and problem+json body of an error. `retryable` is written only where the
 * contract's problem schema declares it (`declaresRetryable`): a contract written without it would
 * otherwise receive a property it does not describe.
 */
export function toProblem(error: ApiError, instance?: string, withRetryable = true): ProblemDetails {
  const entry = errorCatalog[error.code];
  return {
    type: `urn:problem-type:trident:${error.code}`,
    title: entry.title,
    status: entry.http,
    detail: error.message,
    ...(instance !== undefined ? { instance } : {}),
    code: error.code,
    ...(withRetryable ? { retryable: error.retryable } : {}),
    ...(error.violations.length > 0 ? { errors: error.violations } : {}),
  };
}

/** Whether any problem+json body of an OpenAPI document's error responses declares `retryable`. */
export function declaresRetryable(document: Record<string, unknown>): boolean {
  const resolve = (node: unknown): Record<string, unknown> | undefined => {
    const target = resolveSchema(document, node);
    return target !== null && typeof target === 'object' ? (target as Record<string, unknown>) : undefined;
  };
  for (const item of Object.values((document.paths ?? {}) as Record<string, unknown>)) {
    for (const operation of Object.values(resolve(item) ?? {})) {
      const responses = resolve((operation as { responses?: unknown } | null)?.responses);
      for (const [status, response] of Object.entries(responses ?? {})) {
        if (!/^[45]|^default$/.test(status)) continue;
        const content = resolve(resolve(response)?.content);
        const schema = resolve(resolve(content?.['application/problem+json'])?.schema);
        const properties = resolve(schema?.properties);
        if (properties !== undefined && 'retryable' in properties) return true;
      }
    }
  }
  return false;
}
