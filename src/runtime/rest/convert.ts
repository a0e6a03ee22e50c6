import type { Operation, TypeRef } from '../../compiler/ir.ts';
import type { OperationInput } from '../handler.ts';

type Raw = string | string[] | undefined;

/**
 * The handler input of a REST request: path, query and header values typed as the contract says
 * (HTTP carries only strings), header names spelled as in the contract, the body as parsed.
 * A value that does not parse is passed on as the string, for validation to name it.
 */
export function restInput(operation: Operation, params: Record<string, string>, query: Record<string, Raw>, headers: Record<string, Raw>, body: unknown): OperationInput {
  const input: OperationInput = {};
  for (const parameter of operation.parameters) {
    let raw: Raw;
    if (parameter.in === 'path') raw = params[parameter.name];
    else if (parameter.in === 'query') raw = query[parameter.name];
    else if (parameter.in === 'header') raw = headers[parameter.name.toLowerCase()];
    else continue;
    if (raw === undefined) {
      input[parameter.in] ??= {};
      continue;
    }
    const group = (input[parameter.in] ??= {});
    group[parameter.name] = coerce(raw, parameter.type);
  }
  if (operation.body !== undefined && body !== undefined) input.body = body;
  return input;
}

function coerce(raw: string | string[], type: TypeRef): unknown {
  if (type.kind === 'list') {
    const values = Array.isArray(raw) ? raw : raw.split(',');
    return values.map((value) => coerce(value, type.of));
  }
  const value = Array.isArray(raw) ? (raw.at(-1) ?? '') : raw;
  if (type.kind !== 'scalar') return value;
  switch (type.scalar) {
    case 'int32':
    case 'int64':
    case 'float':
    case 'double': {
      const number = Number(value);
      return value.trim() !== '' && Number.isFinite(number) ? number : value;
    }
    case 'boolean':
      return value === 'true' ? true : value === 'false' ? false : value;
    default:
      return value;
  }
}

/** Express's route syntax for an OpenAPI path template: `/studies/{studyId}` -> `/studies/:studyId`. */
export function routePath(basePath: string, path: string): string {
  return basePath + path.replace(/\{([^}]+)\}/g, ':$1');
}

/** One requested byte range of `Range: bytes=...`, resolved against the size; null when unsatisfiable. */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | null | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? '');
  if (!match) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    return suffix === 0 || size === 0 ? null : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  return start >= size || end < start ? null : { start, end };
}

/** Whether an `If-None-Match` value matches an entity tag (weak comparison, `*` included). */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = (tag: string): string => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(etag));
}
