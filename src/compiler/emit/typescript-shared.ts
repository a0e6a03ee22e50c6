import type { Api, Operation } from '../ir.ts';
import { appendPointer, getAtPointer } from '../pointer.ts';

/**
 * The item type of a `text/event-stream` operation, as a type of the openapi-typescript types
 * beside it: openapi-typescript types a stream as a string, the item schema is `x-item-schema`.
 */
export function streamItemType(api: Api, operation: Operation, status: string, mediaType: string): string {
  const item = getAtPointer(api.document, appendPointer(operation.pointer, 'responses', status, 'content', mediaType, 'x-item-schema'));
  const ref = item !== null && typeof item === 'object' ? (item as { $ref?: unknown }).$ref : undefined;
  const name = typeof ref === 'string' ? /^#\/components\/schemas\/([^/]+)$/.exec(ref)?.[1] : undefined;
  return name === undefined ? 'unknown' : `Readable<components['schemas']['${name}']>`;
}

/** A JSDoc block of `text` at `indent`. */
export function docComment(text: string, indent: string): string[] {
  const body = text.split('\n').map((line) => `${indent} *${line.trim() === '' ? '' : ` ${line.replaceAll('*/', '*\\/')}`}`);
  return [`${indent}/**`, ...body, `${indent} */`];
}

/** A string as a single-quoted TypeScript literal. */
export function quote(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'").replaceAll('\n', '\\n').replaceAll('\r', '\\r').replaceAll('\u2028', '\\u2028').replaceAll('\u2029', '\\u2029')}'`;
}

const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A property name as TypeScript writes it: bare when it is an identifier, quoted otherwise. */
export function propertyKey(name: string): string {
  return identifier.test(name) ? name : quote(name);
}
