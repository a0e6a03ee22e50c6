import type { Api, Operation } from '../ir.ts';
import { appendPointer, getAtPointer } from '../pointer.ts';
import { streamItemSchemaOf } from '../stream-items.ts';

/**
 * The component schema of the items of a `text/event-stream` operation: openapi-typescript types a
 * stream as a string, the item schema is `x-item-schema`, `itemSchema` or `schema` (see
 * stream-items.ts). Undefined when it is not a component.
 */
export function streamItemSchema(api: Api, operation: Operation): string | undefined {
  const result = operation.result;
  if (result.kind !== 'stream') return undefined;
  const item = streamItemSchemaOf(getAtPointer(api.document, appendPointer(operation.pointer, 'responses', result.status, 'content', result.mediaTypes[0] ?? '')));
  const ref = item !== null && typeof item === 'object' ? (item as { $ref?: unknown }).$ref : undefined;
  return typeof ref === 'string' ? /^#\/components\/schemas\/([^/]+)$/.exec(ref)?.[1] : undefined;
}

/** The item type of a `text/event-stream` operation, as a type of the openapi-typescript types beside it. */
export function streamItemType(api: Api, operation: Operation): string {
  const name = streamItemSchema(api, operation);
  return name === undefined ? 'unknown' : `Readable<components['schemas'][${quote(name)}]>`;
}

/**
 * The import declaration of the names a generated file uses from `from`, values and types apart:
 * `import type { ... }` when every name is a type, nothing when none is used. Importing only what
 * is used keeps the file compiling under `noUnusedLocals`, as in a fresh Vite or Next app.
 */
export function importDeclaration(from: string, values: Iterable<string>, types: Iterable<string> = []): string[] {
  const sortedValues = [...new Set(values)].sort(byName);
  const sortedTypes = [...new Set(types)].sort(byName);
  if (sortedValues.length === 0 && sortedTypes.length === 0) return [];
  if (sortedValues.length === 0) return [`import type { ${sortedTypes.join(', ')} } from ${quote(from)};`];
  return [`import { ${[...sortedValues, ...sortedTypes.map((name) => `type ${name}`)].join(', ')} } from ${quote(from)};`];
}

// Alphabetical whatever the case, the same on every machine (no locale).
function byName(a: string, b: string): number {
  const [lowerA, lowerB] = [a.toLowerCase(), b.toLowerCase()];
  if (lowerA !== lowerB) return lowerA < lowerB ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
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
