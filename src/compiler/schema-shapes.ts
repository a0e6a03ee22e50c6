/**
 * Structural questions about JSON Schemas that the converter asks before it converts anything:
 * which parts an `allOf` really composes, and which single scalar a union of scalars is.
 */
import type { ScalarKind } from './ir.ts';
import { resolveLocalRef } from './pointer.ts';

type Schema = Record<string, unknown>;

const isRecord = (value: unknown): value is Schema => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Follows `$ref`s (up to a depth) to the schema they name. */
export function resolveSchema(document: object, schema: unknown): unknown {
  let current = schema;
  for (let depth = 0; depth < 16 && isRecord(current) && typeof current.$ref === 'string'; depth += 1) {
    const ref = current.$ref;
    if (!ref.startsWith('#')) return undefined;
    current = resolveLocalRef(document, ref);
  }
  return current;
}

// Keywords that describe a value without constraining its shape.
const annotationKeywords = new Set([
  'description', 'title', 'nullable', 'example', 'examples', 'readOnly', 'writeOnly', 'deprecated', 'default',
  'externalDocs', 'xml', '$comment', '$id', '$schema',
]);

/** Whether a schema only annotates (a description, `nullable: true`...) and says nothing of the shape. */
export function isAnnotationOnly(schema: unknown): boolean {
  if (!isRecord(schema)) return false;
  return Object.keys(schema).every((key) => annotationKeywords.has(key) || key.startsWith('x-'));
}

/** One part of an `allOf`: the schema it resolves to and the index of the top-level entry it came from. */
export interface AllOfPart {
  schema: Schema;
  index: number;
}

/**
 * The parts an `allOf` composes, merged completely: a part that is itself an `allOf` contributes
 * the parts of that `allOf` (however deep) and, when it has a shape of its own beside it
 * (`properties`, `required`...), that too, without its `allOf`. A schema reached twice (a base two
 * parts share) counts once; annotation-only parts are left out, and `nullable` says whether one of
 * them allowed null. `cycle` names the schema through which an `allOf` contains itself; `opaque`
 * says a part could not be resolved.
 */
export function allOfParts(document: object, schema: Schema): { parts: AllOfPart[]; nullable: boolean; opaque: boolean; cycle?: string } {
  const parts: AllOfPart[] = [];
  let nullable = false;
  let opaque = false;
  let cycle: string | undefined;
  const merged = new Set<unknown>();
  const ancestors = new Set<unknown>([schema]);
  // Depth first with a stack of its own (an `allOf` may nest thousands of levels): an `enter` step
  // looks at a part, a `leave` step adds what an `allOf` part has beside its `allOf`, after its parts.
  type Step = { enter: unknown; index: number } | { leave: Schema; index: number };
  const steps: Step[] = (schema.allOf as unknown[]).map((entry, index) => ({ enter: entry, index })).reverse();
  for (let step = steps.pop(); step !== undefined; step = steps.pop()) {
    const { index } = step;
    if ('leave' in step) {
      ancestors.delete(step.leave);
      const { allOf: _nested, ...own } = step.leave;
      const shaped = Object.keys(own).some((key) => !annotationKeywords.has(key) && !key.startsWith('x-'));
      if (shaped) parts.push({ schema: own, index });
      else if (own.nullable === true) nullable = true;
      continue;
    }
    const entry = step.enter;
    const resolved = resolveSchema(document, entry);
    if (!isRecord(resolved)) {
      opaque = true;
      continue;
    }
    if (ancestors.has(resolved)) {
      cycle ??= isRecord(entry) && typeof entry.$ref === 'string' ? entry.$ref : 'an inline schema';
      continue;
    }
    if (merged.has(resolved)) continue;
    merged.add(resolved);
    if (isAnnotationOnly(resolved)) {
      if (resolved.nullable === true) nullable = true;
      continue;
    }
    const nested = resolved.allOf;
    if (!Array.isArray(nested)) {
      parts.push({ schema: resolved, index });
      continue;
    }
    ancestors.add(resolved);
    steps.push({ leave: resolved, index });
    for (let at = nested.length - 1; at >= 0; at -= 1) steps.push({ enter: nested[at], index });
  }
  return { parts, nullable, opaque, ...(cycle !== undefined ? { cycle } : {}) };
}

/**
 * The one scalar every branch of a `oneOf`/`anyOf` is (an open enum `anyOf: [{enum}, {type: string}]`
 * is a string), or undefined when the branches differ in kind.
 */
export function commonScalar(document: object, branches: readonly unknown[]): ScalarKind | undefined {
  let common: ScalarKind | undefined;
  for (const branch of branches) {
    const scalar = scalarOf(resolveSchema(document, branch));
    if (scalar === undefined) return undefined;
    common = common === undefined || common === scalar ? scalar : widen(common, scalar);
    if (common === undefined) return undefined;
  }
  return common;
}

function scalarOf(schema: unknown): ScalarKind | undefined {
  if (!isRecord(schema)) return undefined;
  if (typeof schema.const === 'string') return 'string';
  if (Array.isArray(schema.enum) && schema.enum.length > 0 && schema.enum.every((value) => typeof value === 'string')) return 'string';
  const type = schema.type;
  if (type === 'string') return schema.format === 'date-time' ? 'datetime' : schema.format === 'date' ? 'date' : 'string';
  if (type === 'integer') return schema.format === 'int32' ? 'int32' : 'int64';
  if (type === 'number') return 'double';
  if (type === 'boolean') return 'boolean';
  return undefined;
}

function widen(a: ScalarKind, b: ScalarKind): ScalarKind | undefined {
  const strings = new Set<ScalarKind>(['string', 'datetime', 'date']);
  if (strings.has(a) && strings.has(b)) return 'string';
  const integers = new Set<ScalarKind>(['int32', 'int64']);
  if (integers.has(a) && integers.has(b)) return 'int64';
  return undefined;
}
