import { appendPointer, fragmentToPointer } from '../pointer.ts';

/** A reference openapi-typescript's types cannot keep: it is written as `unknown` instead. */
export interface TypesCut {
  /** Where the `$ref` is. */
  pointer: string;
  /** The reference object itself, as it is in the document. */
  node: object;
  /** The component schema it refers to, which leads back here. */
  target: string;
}

// Where openapi-typescript writes a schema as part of the type of the schema holding it, not as a
// member of an object type (`{ name: T }`, `{ [key: string]: T }`), which TypeScript resolves only
// when it is used: array items (`T[]`, tuples) and compositions (`A | B`, `A & B`).
const resolvedWithParent = new Set(['items', 'prefixItems', 'oneOf', 'anyOf', 'allOf']);

/**
 * The references to cut so that the types compile. openapi-typescript writes a reference to a
 * component schema as `components["schemas"]["Name"]`; TypeScript resolves such a type at once
 * (error TS2502, "referenced directly or indirectly in its own type annotation") unless it sits in
 * a member of an object type. A component that leads back to itself through aliases, array items,
 * oneOf, anyOf or allOf alone, never through an object's property, cannot be typed: the reference
 * that closes each such cycle, in the order of the document, is cut. Neither walk recurses, so no
 * document is too deep for it.
 */
export function typesCuts(document: unknown): TypesCut[] {
  const schemas = (document as { components?: { schemas?: unknown } } | null)?.components?.schemas;
  if (schemas === null || typeof schemas !== 'object') return [];
  const names = Object.keys(schemas);
  const edges = new Map<string, Array<{ pointer: string; node: object; target: string }>>();
  for (const name of names) edges.set(name, resolvedAtOnce((schemas as Record<string, unknown>)[name], appendPointer('/components/schemas', name), schemas as Record<string, unknown>));
  const cuts: TypesCut[] = [];
  const state = new Map<string, 'open' | 'done'>();
  for (const root of names) {
    if (state.has(root)) continue;
    state.set(root, 'open');
    const stack = [{ name: root, next: 0 }];
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const out = edges.get(frame.name) ?? [];
      const edge = out[frame.next];
      if (edge === undefined) {
        state.set(frame.name, 'done');
        stack.pop();
        continue;
      }
      frame.next += 1;
      const seen = state.get(edge.target);
      if (seen === 'open') cuts.push(edge);
      else if (seen === undefined) {
        state.set(edge.target, 'open');
        stack.push({ name: edge.target, next: 0 });
      }
    }
  }
  return cuts;
}

// The references to component schemas that TypeScript resolves at once when it resolves this
// schema: the schema's own, and those of its items and compositions, recursively.
function resolvedAtOnce(schema: unknown, pointer: string, schemas: Record<string, unknown>): Array<{ pointer: string; node: object; target: string }> {
  const found: Array<{ pointer: string; node: object; target: string }> = [];
  const pending: Array<{ value: unknown; pointer: string }> = [{ value: schema, pointer }];
  for (let step = pending.pop(); step !== undefined; step = pending.pop()) {
    const { value } = step;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) continue;
    const ref = (value as { $ref?: unknown }).$ref;
    if (typeof ref === 'string') {
      const match = ref.startsWith('#') ? /^\/components\/schemas\/([^/]+)$/.exec(fragmentToPointer(ref)) : null;
      const target = match?.[1]?.replaceAll('~1', '/').replaceAll('~0', '~');
      if (target !== undefined && Object.hasOwn(schemas, target)) found.push({ pointer: step.pointer, node: value, target });
      continue;
    }
    // Pushed in reverse, so that they are met in the order of the document.
    for (const key of Object.keys(value).filter((name) => resolvedWithParent.has(name)).reverse()) {
      const child = (value as Record<string, unknown>)[key];
      if (Array.isArray(child)) for (let index = child.length - 1; index >= 0; index -= 1) pending.push({ value: child[index], pointer: appendPointer(step.pointer, key, index) });
      else if (child !== undefined) pending.push({ value: child, pointer: appendPointer(step.pointer, key) });
    }
  }
  return found;
}
