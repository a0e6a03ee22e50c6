import type { ScalarKind, TypeRef } from '../../compiler/ir.ts';
import { appendPointer, fragmentToPointer, getAtPointer } from '../../compiler/pointer.ts';
import type { DiffContext } from './context.ts';
import type { Place } from './values.ts';

type Schema = Record<string, unknown>;

// Keywords whose larger value accepts fewer values, and those whose smaller value does.
const lowerBounds = ['minLength', 'minimum', 'exclusiveMinimum', 'minItems', 'minProperties'];
const upperBounds = ['maxLength', 'maximum', 'exclusiveMaximum', 'maxItems', 'maxProperties'];
// Keywords that can only be judged as "now there, or different": any such change may refuse a value.
const restrictions = ['pattern', 'multipleOf'];
// Formats the IR already turns into a type; their changes are type findings.
const typedFormats = new Set(['date', 'date-time', 'int32', 'int64', 'float', 'double', 'byte', 'binary']);

/** A change of one validation keyword, and whether it accepts fewer values (tightened) or more. */
export interface KeywordChange {
  keyword: string;
  text: string;
  tightened: boolean;
  /** The pointer of the keyword in the revision, when it is still there. */
  pointer?: string;
}

/**
 * The schema at a pointer with the keywords of the schemas it refers to, the nearest winning: a
 * property `{$ref: StudyId, maxLength: 40}` has the pattern of StudyId and its own maxLength.
 */
export function effectiveSchema(document: unknown, pointer: string): { schema: Schema; pointers: Map<string, string> } {
  const schema: Schema = {};
  const pointers = new Map<string, string>();
  let current: unknown = getAtPointer(document, pointer);
  let at = pointer;
  for (let depth = 0; depth < 8 && isRecord(current); depth += 1) {
    for (const [key, value] of Object.entries(current)) {
      if (key === '$ref' || Object.hasOwn(schema, key)) continue;
      schema[key] = value;
      pointers.set(key, appendPointer(at, key));
    }
    if (typeof current.$ref !== 'string') break;
    at = fragmentToPointer(current.$ref.slice(current.$ref.indexOf('#')));
    current = getAtPointer(document, at);
  }
  return { schema, pointers };
}

/** Every changed validation keyword between two schemas. */
export function keywordChanges(base: Schema, revision: Schema, revisionPointers: ReadonlyMap<string, string>): KeywordChange[] {
  const changes: KeywordChange[] = [];
  const add = (keyword: string, text: string, tightened: boolean): void => {
    const pointer = revisionPointers.get(keyword);
    changes.push({ keyword, text, tightened, ...(pointer !== undefined ? { pointer } : {}) });
  };
  for (const keyword of [...lowerBounds, ...upperBounds]) {
    const before = base[keyword];
    const after = revision[keyword];
    if (typeof before !== 'number' && typeof after !== 'number') continue;
    if (before === after) continue;
    const lower = lowerBounds.includes(keyword);
    if (typeof before !== 'number') add(keyword, `${keyword} ${String(after)} added`, true);
    else if (typeof after !== 'number') add(keyword, `${keyword} ${before} removed`, false);
    else add(keyword, `${keyword} ${before} -> ${after}`, lower ? after > before : after < before);
  }
  for (const keyword of restrictions) {
    const before = base[keyword];
    const after = revision[keyword];
    if (before === after || (before === undefined && after === undefined)) continue;
    if (after === undefined) add(keyword, `${keyword} ${JSON.stringify(before)} removed`, false);
    else add(keyword, before === undefined ? `${keyword} ${JSON.stringify(after)} added` : `${keyword} ${JSON.stringify(before)} -> ${JSON.stringify(after)}`, true);
  }
  // A value fixed by `const` (or a one-value `enum`) that appears or goes narrows or widens what is
  // accepted; one that changes is its own rule (`request-const-changed`, `response-const-changed`).
  const before = constOf(base);
  const after = constOf(revision);
  if ((before === undefined) !== (after === undefined)) {
    add('const', after === undefined ? `const ${JSON.stringify(before)} removed` : `const ${JSON.stringify(after)} added`, after !== undefined);
  }
  if ((base.uniqueItems === true) !== (revision.uniqueItems === true)) {
    add('uniqueItems', revision.uniqueItems === true ? 'uniqueItems added' : 'uniqueItems removed', revision.uniqueItems === true);
  }
  return changes;
}

/**
 * Compares the validation keywords, string format and default of two values and reports them by
 * direction: a tighter rule refuses requests that were accepted, a looser one surprises readers.
 */
export function compareConstraints(context: DiffContext, place: Place, baseType: TypeRef, revisionType: TypeRef): void {
  const base = effectiveSchema(context.base.api.document, place.basePointer);
  const revision = effectiveSchema(context.revision.api.document, place.revisionPointer);
  const changes = keywordChanges(base.schema, revision.schema, revision.pointers);
  const request = place.direction === 'request';
  for (const tightened of [true, false]) {
    const group = changes.filter((change) => change.tightened === tightened);
    if (group.length === 0) continue;
    const rule = request
      ? tightened ? 'request-constraint-tightened' : 'request-constraint-loosened'
      : tightened ? 'response-constraint-tightened' : 'response-constraint-loosened';
    context.report(rule, {
      subject: place.subject,
      message: `${place.label}: ${group.map((change) => change.text).join(', ')}`,
      at: { side: 'revision', pointer: group[0]?.pointer ?? place.revisionPointer },
      subjects: place.subjects,
      direction: place.direction,
    });
  }
  const before = constOf(base.schema);
  const after = constOf(revision.schema);
  if (before !== undefined && after !== undefined && JSON.stringify(before) !== JSON.stringify(after)) {
    context.report(request ? 'request-const-changed' : 'response-const-changed', {
      subject: place.subject,
      message: `${place.label} is fixed to ${JSON.stringify(after)}, no longer ${JSON.stringify(before)}`,
      at: { side: 'revision', pointer: revision.pointers.get('const') ?? revision.pointers.get('enum') ?? place.revisionPointer },
      subjects: place.subjects,
      direction: place.direction,
    });
  }
  const plain = (type: TypeRef): boolean => type.kind === 'scalar' && (['string'] as ScalarKind[]).includes(type.scalar);
  const format = (schema: Schema): string | undefined => (typeof schema.format === 'string' && !typedFormats.has(schema.format) ? schema.format : undefined);
  if (plain(baseType) && plain(revisionType) && format(base.schema) !== format(revision.schema)) {
    // The server checks formats (email, uuid, ...) on what clients send: a new or other format
    // refuses values it took, a removed one accepts more.
    const rule = !request ? 'string-format-changed' : format(revision.schema) === undefined ? 'request-constraint-loosened' : 'request-constraint-tightened';
    context.report(rule, {
      subject: place.subject,
      message: `the format of ${place.label} changes from ${format(base.schema) ?? 'none'} to ${format(revision.schema) ?? 'none'}`,
      at: { side: 'revision', pointer: revision.pointers.get('format') ?? place.revisionPointer },
      subjects: place.subjects,
      direction: place.direction,
    });
  }
  if (request && JSON.stringify(base.schema.default) !== JSON.stringify(revision.schema.default)) {
    const show = (value: unknown): string => (value === undefined ? 'none' : JSON.stringify(value));
    context.report('default-changed', {
      subject: place.subject,
      message: `the default of ${place.label} changes from ${show(base.schema.default)} to ${show(revision.schema.default)}`,
      at: { side: 'revision', pointer: revision.pointers.get('default') ?? place.revisionPointer },
      subjects: place.subjects,
      direction: place.direction,
    });
  }
}

/** The one value a schema allows: its `const`, or the single value of its `enum`. */
function constOf(schema: Schema): unknown {
  if (Object.hasOwn(schema, 'const')) return schema.const;
  return Array.isArray(schema.enum) && schema.enum.length === 1 ? schema.enum[0] : undefined;
}

function isRecord(value: unknown): value is Schema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
