import fc from 'fast-check';
import type { Api, Operation } from '../compiler/ir.ts';
import { escapeToken, getAtPointer, parsePointer } from '../compiler/pointer.ts';
import type { OperationInput } from '../runtime/handler.ts';
import { inputSchema } from '../runtime/validate.ts';
import { skip } from './model.ts';

type Schema = Record<string, unknown>;
const isSchema = (value: unknown): value is Schema => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The kinds of invalid input generated from the contract's schemas. */
export type MutationKind = 'wrong_type' | 'missing_required' | 'out_of_range' | 'too_long' | 'too_short' | 'bad_pattern' | 'unknown_enum' | 'bad_format' | 'too_many_items';

/** Kinds GraphQL and proto can carry as well, so all three protocols must reject them the same way. */
export const portableKinds: ReadonlySet<MutationKind> = new Set(['out_of_range', 'too_long', 'too_short', 'bad_pattern', 'too_many_items']);

/** One change that makes a valid input invalid: at a JSON pointer into `{path, query, header, body}`. */
export interface Mutation {
  kind: MutationKind;
  pointer: string;
  /** Absent for `missing_required`: the property is removed. */
  value?: unknown;
}

/** A place in the input a mutation can hit, and the schema there. */
interface Site {
  pointer: string;
  schema: Schema;
  required: boolean;
  /** A path, query or header parameter: REST carries it as text, so only text-shaped faults fit. */
  parameter: boolean;
  /** The valid value there, when the base input has one. */
  sample?: unknown;
}

/** Follows `$ref`s into the contract and merges `allOf`, bounded. */
export function resolveSchema(api: Api, schema: unknown, depth = 0): Schema {
  let current = schema;
  for (let hops = 0; hops < 16 && isSchema(current) && typeof current.$ref === 'string'; hops += 1) {
    const ref = current.$ref;
    current = getAtPointer(api.document, ref.slice(ref.indexOf('#') + 1));
  }
  if (!isSchema(current)) return {};
  if (Array.isArray(current.allOf) && depth < 8) {
    const merged: Schema = { ...current, allOf: undefined };
    for (const part of current.allOf) {
      const resolved = resolveSchema(api, part, depth + 1);
      merged.properties = { ...(merged.properties as Schema | undefined), ...(resolved.properties as Schema | undefined) };
      merged.required = [...((merged.required as string[] | undefined) ?? []), ...((resolved.required as string[] | undefined) ?? [])];
      if (merged.type === undefined && resolved.type !== undefined) merged.type = resolved.type;
    }
    return merged;
  }
  return current;
}

const primaryType = (schema: Schema): string | undefined => {
  const type = schema.type;
  if (Array.isArray(type)) return type.find((item) => item !== 'null') as string | undefined;
  return typeof type === 'string' ? type : schema.properties ? 'object' : schema.enum ? 'string' : undefined;
};

/** The places of an operation's input, following the valid `base` input where it has values. */
function sitesOf(api: Api, operation: Operation, base: OperationInput): Site[] {
  const sites: Site[] = [];
  const visit = (schema: unknown, value: unknown, pointer: string, required: boolean, parameter: boolean, depth: number): void => {
    if (depth > 8 || sites.length > 400) return;
    const resolved = resolveSchema(api, schema);
    sites.push({ pointer, schema: resolved, required, parameter, sample: value });
    const type = primaryType(resolved);
    if (type === 'object' && isSchema(value) && isSchema(resolved.properties)) {
      const needed = new Set((resolved.required as string[] | undefined) ?? []);
      for (const [name, property] of Object.entries(resolved.properties)) {
        if (name in value || needed.has(name)) visit(property, value[name], `${pointer}/${escapeToken(name)}`, needed.has(name), parameter, depth + 1);
      }
    }
    if (type === 'array' && Array.isArray(value) && value.length > 0) visit(resolved.items, value[0], `${pointer}/0`, false, parameter, depth + 1);
  };
  const whole = inputSchema(api, operation) as { properties: Record<string, Schema> };
  for (const group of ['path', 'query', 'header'] as const) {
    const groupSchema = whole.properties[group];
    if (!groupSchema) continue;
    const values = base[group] ?? {};
    const required = new Set((groupSchema.required as string[] | undefined) ?? []);
    for (const [name, schema] of Object.entries((groupSchema.properties as Schema | undefined) ?? {})) {
      // A missing path parameter is a different URL, not an invalid request.
      if (group === 'path' && !(name in values)) continue;
      if (name in values || required.has(name)) sites.push({ pointer: `/${group}/${escapeToken(name)}`, schema: resolveSchema(api, schema), required: required.has(name) && group !== 'path', parameter: true });
    }
  }
  if (whole.properties.body && operation.body?.kind === 'json' && base.body !== undefined) {
    const bodySchema = whole.properties.body;
    const resolved = resolveSchema(api, bodySchema);
    if (isSchema(resolved.properties) && isSchema(base.body)) {
      const needed = new Set((resolved.required as string[] | undefined) ?? []);
      for (const [name, property] of Object.entries(resolved.properties)) {
        if (name in base.body || needed.has(name)) visit(property, (base.body as Schema)[name], `/body/${escapeToken(name)}`, needed.has(name), false, 1);
      }
    }
  }
  return sites;
}

/** The mutations possible at one site, as arbitraries. */
function mutationsAt(site: Site): Array<{ kind: MutationKind; arbitrary: fc.Arbitrary<Mutation> }> {
  const { schema, pointer, parameter } = site;
  const type = primaryType(schema);
  const out: Array<{ kind: MutationKind; arbitrary: fc.Arbitrary<Mutation> }> = [];
  const at = (kind: MutationKind, value: fc.Arbitrary<unknown>) => out.push({ kind, arbitrary: value.map((item): Mutation => ({ kind, pointer, value: item })) });
  const missing = (): void => void out.push({ kind: 'missing_required', arbitrary: fc.constant<Mutation>({ kind: 'missing_required', pointer }) });
  if (site.required && (!parameter || pointer.startsWith('/header/'))) missing();
  if (Array.isArray(schema.enum)) {
    const allowed = new Set(schema.enum.map(String));
    at('unknown_enum', fc.stringMatching(/^[a-z][a-z_]{0,12}$/).filter((text) => !allowed.has(text)));
  }
  if (type === 'string') {
    const max = typeof schema.maxLength === 'number' ? schema.maxLength : undefined;
    const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
    if (max !== undefined && max < 5000) at('too_long', fc.integer({ min: max + 1, max: max + 8 }).map((length) => 'x'.repeat(length)));
    if (min > 0) at('too_short', fc.constant('x'.repeat(min - 1)));
    // A date or date-time travels as a typed scalar in GraphQL and proto, which cannot carry text
    // that is no date at all: its faults are the bad formats below, not portable broken patterns.
    if (typeof schema.pattern === 'string' && schema.format !== 'date-time' && schema.format !== 'date') {
      const pattern = new RegExp(schema.pattern, 'u');
      const low = Math.max(min, 1);
      const high = Math.max(low, Math.min(max ?? 24, 24));
      // Within the length limits, so only the pattern is broken.
      const breaking = satisfying(fc.string({ minLength: low, maxLength: high, unit: 'grapheme-ascii' }), (text) => !pattern.test(text) && text.trim() === text && text.length > 0 && !/^\.+$/.test(text), seedOf(schema.pattern));
      if (breaking) at('bad_pattern', breaking);
    }
    if (schema.format === 'date-time' || schema.format === 'date') at('bad_format', fc.constantFrom('yesterday', '2026-13-45', '31/12/2026'));
    if (!parameter) at('wrong_type', fc.oneof(fc.integer(), fc.boolean(), fc.constant({}), fc.constant([1])));
  }
  if (type === 'integer' || type === 'number') {
    if (typeof schema.maximum === 'number') at('out_of_range', fc.integer({ min: 1, max: 1000 }).map((delta) => (schema.maximum as number) + delta));
    if (typeof schema.minimum === 'number') at('out_of_range', fc.integer({ min: 1, max: 1000 }).map((delta) => (schema.minimum as number) - delta));
    if (type === 'integer' && parameter) at('wrong_type', fc.constantFrom('abc', '1.5', 'x1'));
    if (!parameter) at('wrong_type', fc.oneof(fc.constant('abc'), fc.boolean(), fc.constant({})));
  }
  if (type === 'boolean' && !parameter) at('wrong_type', fc.oneof(fc.constant('yes'), fc.integer(), fc.constant({})));
  if (type === 'array' && !parameter) {
    if (typeof schema.maxItems === 'number' && schema.maxItems < 1000) {
      const items = Array.isArray(site.sample) && site.sample.length > 0 ? site.sample[0] : resolveSchemaless(schema.items);
      // Copies of one valid item (distinct copies would need a generator per item schema); the count is what breaks.
      if (items !== undefined && schema.uniqueItems !== true) at('too_many_items', fc.constant(Array.from({ length: (schema.maxItems as number) + 1 }, () => items)));
    }
    at('wrong_type', fc.oneof(fc.constant('x'), fc.integer(), fc.constant({})));
  }
  if (type === 'object' && !parameter) at('wrong_type', fc.oneof(fc.constant('x'), fc.integer(), fc.constant([])));
  return out;
}

// An item for a too-long array without a valid sample: a simple enum value or string.
function resolveSchemaless(items: unknown): unknown {
  if (!isSchema(items)) return undefined;
  if (Array.isArray(items.enum) && items.enum.length > 0) return items.enum[0];
  if (items.type === 'string' && items.pattern === undefined && items.format === undefined) return 'x';
  return undefined;
}

/** Applies a mutation to a copy of `input`. */
export function applyMutation(input: OperationInput, mutation: Mutation): OperationInput {
  return replaceAt(input, mutation.pointer, mutation.kind === 'missing_required' ? undefined : { value: mutation.value });
}

/** A copy of `input` with the value at `pointer` replaced (removed when `replacement` is undefined). */
export function replaceAt(input: OperationInput, pointer: string, replacement: { value: unknown } | undefined): OperationInput {
  const copy = structuredClone(input) as Record<string, unknown>;
  const tokens = parsePointer(pointer);
  let node: unknown = copy;
  for (const token of tokens.slice(0, -1)) {
    const container = node as Record<string, unknown>;
    container[token] ??= {};
    node = container[token];
  }
  const last = tokens[tokens.length - 1] ?? '';
  if (node === null || typeof node !== 'object') return copy;
  if (replacement === undefined) delete (node as Record<string, unknown>)[last];
  else (node as Record<string, unknown>)[last] = replacement.value;
  return copy;
}

/**
 * Every invalid input one mutation away from `base`, as a fast-check arbitrary (empty when the
 * operation takes nothing that can be wrong). `only` restricts the kinds.
 */
export function invalidInputs(api: Api, operation: Operation, base: OperationInput, only?: ReadonlySet<MutationKind>): fc.Arbitrary<{ mutation: Mutation; input: OperationInput }> | undefined {
  const candidates = sitesOf(api, operation, base)
    .flatMap(mutationsAt)
    .filter((candidate) => !only || only.has(candidate.kind));
  if (candidates.length === 0) return undefined;
  return fc.oneof(...candidates.map((candidate) => candidate.arbitrary)).map((mutation) => ({ mutation, input: applyMutation(base, mutation) }));
}

/**
 * `arbitrary` kept to the values that satisfy `predicate`. fast-check's own `filter` draws again until
 * a value passes, without end and synchronously, so a predicate that (almost) never holds would
 * stall the whole run where no time limit can stop it. Here the satisfying values are looked for
 * among `tries` samples (drawn with `seed`); undefined when there are none, and a drawn value that
 * fails is replaced by one of those found.
 */
export function satisfying<T>(arbitrary: fc.Arbitrary<T>, predicate: (value: T) => boolean, seed: number, tries = 200): fc.Arbitrary<T> | undefined {
  const found = fc.sample(arbitrary, { numRuns: tries, seed }).filter(predicate);
  if (found.length === 0) return undefined;
  return fc.tuple(arbitrary, fc.nat(found.length - 1)).map(([value, index]) => (predicate(value) ? value : found[index]!));
}

/** A seed from a text, so what is drawn for one schema is the same on every run. */
export function seedOf(text: string): number {
  let hash = 0;
  for (let index = 0; index < text.length; index += 1) hash = (Math.imul(hash, 31) + text.charCodeAt(index)) | 0;
  return hash;
}

/**
 * A value that satisfies `schema`, for operations the fixtures do not know. A check that needs one
 * is skipped, with the reason, when the schema admits no value the generator can find.
 */
export function validValue(api: Api, schema: unknown, seed: number): unknown {
  return fc.sample(valueArbitrary(api, schema, 0), { numRuns: 1, seed })[0];
}

/**
 * Any value the schema admits, read as JSON Schema 2020-12 reads it: a `pattern` is what a string
 * must match, a `format` only an annotation (a date-time without a pattern may be any text, as
 * every conforming validator lets it through). The schema's own examples are drawn too.
 */
export function schemaValues(api: Api, schema: unknown): fc.Arbitrary<unknown> {
  return valueArbitrary(api, schema, 0, true);
}

// `varied`: every value the schema admits, examples and optional properties included; otherwise
// one plain, predictable value of each kind, which is what seeding data wants.
function valueArbitrary(api: Api, schema: unknown, depth: number, varied = false): fc.Arbitrary<unknown> {
  const resolved = resolveSchema(api, schema);
  if ('const' in resolved) return fc.constant(resolved.const);
  if (varied) {
    const examples = examplesOf(resolved);
    const generated = variedArbitrary(api, resolved, depth);
    return examples.length > 0 ? fc.oneof(fc.constantFrom(...examples), generated) : generated;
  }
  if (Array.isArray(resolved.enum)) return fc.constantFrom(...(resolved.enum as unknown[]).filter((item) => item !== null));
  if (Array.isArray(resolved.oneOf) && resolved.oneOf.length > 0) return valueArbitrary(api, resolved.oneOf[0], depth + 1);
  const type = primaryType(resolved);
  switch (type) {
    case 'string': {
      if (resolved.format === 'date-time') return fc.constant(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)).toISOString());
      if (resolved.format === 'date') return fc.constant('2000-01-02');
      if (resolved.format === 'uri') return fc.constant('https://example.org/conformance');
      if (typeof resolved.pattern === 'string') {
        // Only the declared lengths bound a pattern's strings: an identifier like `^stu_[0-9A-Za-z]{16,32}$` is longer than any default.
        const min = typeof resolved.minLength === 'number' ? resolved.minLength : 0;
        const max = typeof resolved.maxLength === 'number' ? resolved.maxLength : Number.POSITIVE_INFINITY;
        const matching = satisfying(fc.stringMatching(new RegExp(resolved.pattern)), (text) => text.length >= min && text.length <= max, seedOf(resolved.pattern));
        return matching ?? skip(`no valid input: no string matching ${resolved.pattern} of ${min} to ${max} characters could be generated`);
      }
      const min = typeof resolved.minLength === 'number' ? resolved.minLength : 1;
      const max = typeof resolved.maxLength === 'number' ? resolved.maxLength : Math.max(min, 12);
      return fc.string({ minLength: min, maxLength: Math.min(max, min + 12), unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789') });
    }
    case 'integer':
    case 'number': {
      const min = typeof resolved.minimum === 'number' ? resolved.minimum : typeof resolved.maximum === 'number' ? Math.min(0, resolved.maximum) : 0;
      const max = typeof resolved.maximum === 'number' ? resolved.maximum : min + 100;
      return type === 'integer' ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) }) : fc.double({ min, max, noNaN: true });
    }
    case 'boolean':
      return fc.boolean();
    case 'array':
      return depth > 5 ? fc.constant([]) : fc.array(valueArbitrary(api, resolved.items, depth + 1), { minLength: typeof resolved.minItems === 'number' ? resolved.minItems : 0, maxLength: 2 });
    case 'object': {
      const required = new Set((resolved.required as string[] | undefined) ?? []);
      const properties = isSchema(resolved.properties) ? resolved.properties : {};
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, property] of Object.entries(properties)) {
        if (required.has(name) && depth < 6 && !resolveSchema(api, property).readOnly) record[name] = valueArbitrary(api, property, depth + 1);
      }
      return fc.record(record);
    }
    default:
      return fc.constant('conformance');
  }
}

/** The examples a schema gives of itself (`examples`, and the OpenAPI `example`). */
export function examplesOf(schema: Schema): unknown[] {
  return [...(Array.isArray(schema.examples) ? schema.examples : []), ...('example' in schema ? [schema.example] : [])];
}

// Strings drawn from what a string schema admits: its pattern (within its lengths), else any text
// of its lengths; a date-time or date without a pattern gets well-formed ones among them.
function variedString(schema: Schema): fc.Arbitrary<string> {
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : Number.POSITIVE_INFINITY;
  if (typeof schema.pattern === 'string') {
    const matching = satisfying(fc.stringMatching(new RegExp(schema.pattern, 'u')), (text) => text.length >= min && text.length <= max, seedOf(schema.pattern));
    return matching ?? skip(`no valid input: no string matching ${schema.pattern} of ${min} to ${max} characters could be generated`);
  }
  const text = fc.string({ minLength: min, maxLength: Math.min(max, min + 16), unit: 'grapheme-ascii' });
  const dates = fc.date({ min: new Date(Date.UTC(1000, 0, 1)), max: new Date(Date.UTC(9999, 11, 31)), noInvalidDate: true }).map((date) => date.toISOString());
  if (schema.format === 'date-time') return fc.oneof(dates, text);
  if (schema.format === 'date') return fc.oneof(dates.map((date) => date.slice(0, 10)), text);
  return text;
}

function variedArbitrary(api: Api, resolved: Schema, depth: number): fc.Arbitrary<unknown> {
  const type = primaryType(resolved);
  const nullable = Array.isArray(resolved.type) && resolved.type.includes('null');
  const value = (): fc.Arbitrary<unknown> => {
    if (Array.isArray(resolved.enum)) return fc.constantFrom(...(resolved.enum as unknown[]));
    const choices = Array.isArray(resolved.oneOf) ? resolved.oneOf : Array.isArray(resolved.anyOf) ? resolved.anyOf : undefined;
    if (choices && choices.length > 0 && depth < 6) return fc.oneof(...choices.map((choice) => valueArbitrary(api, choice, depth + 1, true)));
    switch (type) {
      case 'string':
        return variedString(resolved);
      case 'integer':
      case 'number': {
        const min = typeof resolved.minimum === 'number' ? resolved.minimum : -1_000_000;
        const max = typeof resolved.maximum === 'number' ? resolved.maximum : min + 2_000_000;
        return type === 'integer' ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) }) : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
      }
      case 'boolean':
        return fc.boolean();
      case 'array': {
        const minLength = typeof resolved.minItems === 'number' ? resolved.minItems : 0;
        const maxLength = Math.min(typeof resolved.maxItems === 'number' ? resolved.maxItems : 3, minLength + 3);
        if (depth > 5) return fc.constant([]);
        const item = valueArbitrary(api, resolved.items, depth + 1, true);
        return resolved.uniqueItems === true ? fc.uniqueArray(item, { minLength, maxLength, selector: (entry) => JSON.stringify(entry) }) : fc.array(item, { minLength, maxLength });
      }
      case 'object': {
        const required = (resolved.required as string[] | undefined) ?? [];
        const properties = isSchema(resolved.properties) ? resolved.properties : {};
        const record: Record<string, fc.Arbitrary<unknown>> = {};
        for (const [name, property] of Object.entries(properties)) {
          if (depth < 6 && !resolveSchema(api, property).readOnly) record[name] = valueArbitrary(api, property, depth + 1, true);
        }
        return fc.record(record, { requiredKeys: required.filter((name) => name in record) });
      }
      default:
        return fc.constant('conformance');
    }
  };
  return nullable ? fc.option(value(), { nil: null, freq: 6 }) : value();
}
