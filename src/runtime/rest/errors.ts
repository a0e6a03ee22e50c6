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
 * What a contract's problem schema allows: whether it declares `retryable` (a contract written
 * without it would otherwise receive a property it does not describe), the `maxLength` of each
 * string property and of each error's, and the `maxItems` of `errors`. Problems echo the request
 * (its URL, a value, a pointer), so they are cut to these limits rather than sent past them.
 */
export interface ProblemShape {
  retryable: boolean;
  maxLength: Readonly<Record<string, number>>;
  errorMaxLength: Readonly<Record<string, number>>;
  maxErrors?: number;
}

/** The shape of a problem when no contract says more: `retryable` declared, nothing limited. */
export const openProblemShape: ProblemShape = { retryable: true, maxLength: {}, errorMaxLength: {} };

/** The status and problem+json body of an error, fitted to the contract's problem schema. */
export function toProblem(error: ApiError, instance?: string, shape: ProblemShape = openProblemShape): ProblemDetails {
  const entry = errorCatalog[error.code];
  const errors = error.violations.slice(0, shape.maxErrors).map((violation) => ({
    pointer: cut(violation.pointer, shape.errorMaxLength.pointer),
    message: cut(violation.message, shape.errorMaxLength.message),
  }));
  return {
    type: cut(`urn:problem-type:trident:${error.code}`, shape.maxLength.type),
    title: cut(entry.title, shape.maxLength.title),
    status: entry.http,
    detail: cut(error.message, shape.maxLength.detail),
    ...(instance !== undefined ? { instance: cutUri(instance, shape.maxLength.instance) } : {}),
    code: error.code,
    ...(shape.retryable ? { retryable: error.retryable } : {}),
    ...(errors.length > 0 ? { errors } : {}),
  };
}

/** A problem+json body whose status and title are not the catalog's (405, 406, 408, 431). */
export function toStatusProblem(status: number, title: string, error: ApiError, instance: string | undefined, shape: ProblemShape): ProblemDetails {
  return { ...toProblem(error, instance, shape), status, title: cut(title, shape.maxLength.title) };
}

// Cut at a code point, so that no surrogate is left unpaired.
function cut(text: string, maxLength: number | undefined): string {
  if (maxLength === undefined || text.length <= maxLength) return text;
  const end = /[\uD800-\uDBFF]/.test(text[maxLength - 1] ?? '') ? maxLength - 1 : maxLength;
  return text.slice(0, end);
}

// A URI reference cut inside a percent-escape would no longer be one; the partial escape goes too.
function cutUri(text: string, maxLength: number | undefined): string {
  const shortened = cut(text, maxLength);
  return shortened.length === text.length ? text : shortened.replace(/%[0-9A-Fa-f]?$/, '');
}

/** The problem shape of an OpenAPI document: read from the problem+json schemas of its error responses. */
export function problemShape(document: Record<string, unknown>): ProblemShape {
  const resolve = (node: unknown): Record<string, unknown> | undefined => {
    const target = resolveSchema(document, node);
    return target !== null && typeof target === 'object' ? (target as Record<string, unknown>) : undefined;
  };
  const schemas: Array<Record<string, unknown>> = [];
  for (const item of Object.values((document.paths ?? {}) as Record<string, unknown>)) {
    for (const operation of Object.values(resolve(item) ?? {})) {
      const responses = resolve((operation as { responses?: unknown } | null)?.responses);
      for (const [status, response] of Object.entries(responses ?? {})) {
        if (!/^[45]|^default$/.test(status)) continue;
        const schema = resolve(resolve(resolve(resolve(response)?.content)?.['application/problem+json'])?.schema);
        if (schema !== undefined && !schemas.includes(schema)) schemas.push(schema);
      }
    }
  }
  const shapes = schemas.map((schema) => {
    const properties = resolve(schema.properties) ?? {};
    const errors = resolve(properties.errors);
    return {
      retryable: 'retryable' in properties,
      maxLength: maxLengths(properties, resolve),
      errorMaxLength: maxLengths(resolve(resolve(errors?.items)?.properties) ?? {}, resolve),
      ...(typeof errors?.maxItems === 'number' ? { maxErrors: errors.maxItems } : {}),
    };
  });
  return shapes.length === 0 ? { ...openProblemShape, retryable: false } : narrowestProblemShape(shapes);
}

/** A shape every one of `shapes` allows: `retryable` only where all declare it, the smallest limits. */
export function narrowestProblemShape(shapes: readonly ProblemShape[]): ProblemShape {
  const smallest = (records: ReadonlyArray<Readonly<Record<string, number>>>): Record<string, number> => {
    const result: Record<string, number> = {};
    for (const record of records) for (const [key, value] of Object.entries(record)) result[key] = Math.min(result[key] ?? value, value);
    return result;
  };
  const maxErrors = shapes.flatMap((shape) => (shape.maxErrors !== undefined ? [shape.maxErrors] : []));
  return {
    retryable: shapes.every((shape) => shape.retryable),
    maxLength: smallest(shapes.map((shape) => shape.maxLength)),
    errorMaxLength: smallest(shapes.map((shape) => shape.errorMaxLength)),
    ...(maxErrors.length > 0 ? { maxErrors: Math.min(...maxErrors) } : {}),
  };
}

function maxLengths(properties: Record<string, unknown>, resolve: (node: unknown) => Record<string, unknown> | undefined): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [name, property] of Object.entries(properties)) {
    const maxLength = resolve(property)?.maxLength;
    if (typeof maxLength === 'number') result[name] = maxLength;
  }
  return result;
}
