import { fragmentToPointer, getAtPointer } from '../compiler/pointer.ts';

type Schema = Record<string, unknown>;

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** A declared property: its schema as written, and whether it is write-only (never sent back). */
interface Declared {
  schema: unknown;
  writeOnly: boolean;
}

/**
 * Keeps of `value` only what `schema` declares, recursively: undeclared and write-only properties
 * never leave the server, whatever the handler returned. Unions keep the properties of every
 * branch (the discriminated branch alone when there is a discriminator).
 */
export function projectToSchema(value: unknown, schema: unknown, document: unknown, depth = 0): unknown {
  const resolved = resolve(schema, document);
  if (!isRecord(resolved) || depth > 64 || value === null || typeof value !== 'object') return value;
  // A value that already fits is returned as it is: handlers usually return exactly the declared
  // shape, and a copy per response is only work for the garbage collector.
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let index = 0; index < value.length; index += 1) {
      const item: unknown = value[index];
      const kept = projectToSchema(item, resolved.items, document, depth + 1);
      if (out === undefined && kept !== item) out = value.slice(0, index);
      if (out !== undefined) out.push(kept);
    }
    return out ?? value;
  }
  const properties = propertiesOf(resolved, value as Record<string, unknown>, document);
  const extra = resolved.additionalProperties;
  // Free-form (no properties and no schema for others): nothing to cut. A map's values are cut by theirs.
  if (properties === undefined && !isRecord(extra)) return value;
  const record = value as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    const item = record[key];
    const declared = properties?.get(key);
    const keep = declared !== undefined ? !declared.writeOnly : isRecord(extra);
    const kept = keep ? projectToSchema(item, declared !== undefined ? declared.schema : extra, document, depth + 1) : undefined;
    if (out === undefined) {
      if (keep && kept === item) continue;
      out = copyUntil(record, key);
    }
    if (keep) out[key] = kept;
  }
  return out ?? value;
}

// The own properties of `record` that come before `stop`, which were all kept as they were.
function copyUntil(record: Record<string, unknown>, stop: string): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const key in record) {
    if (key === stop) break;
    if (Object.hasOwn(record, key)) copy[key] = record[key];
  }
  return copy;
}

// Every result walks the same few schemas again, so what is found is kept per document and
// schema object: a reference is followed once, and the properties of a schema whose shape does
// not depend on the value (no discriminator) are collected once.
interface DocumentCache {
  resolved: WeakMap<object, Schema | null>;
  properties: WeakMap<Schema, Map<string, Declared> | null>;
}
const caches = new WeakMap<object, DocumentCache>();
const uncached = (): DocumentCache => ({ resolved: new WeakMap(), properties: new WeakMap() });

function cacheOf(document: unknown): DocumentCache {
  if (document === null || typeof document !== 'object') return uncached();
  let cache = caches.get(document);
  if (!cache) {
    cache = uncached();
    caches.set(document, cache);
  }
  return cache;
}

function resolve(schema: unknown, document: unknown): Schema | undefined {
  if (!isRecord(schema)) return undefined;
  const cache = cacheOf(document).resolved;
  const known = cache.get(schema);
  if (known !== undefined) return known ?? undefined;
  let current: unknown = schema;
  for (let hops = 0; hops < 16 && isRecord(current) && typeof current.$ref === 'string'; hops += 1) {
    current = getAtPointer(document, fragmentToPointer(current.$ref.slice(current.$ref.indexOf('#'))));
  }
  const result = isRecord(current) ? current : undefined;
  cache.set(schema, result ?? null);
  return result;
}

function propertiesOf(schema: Schema, value: Record<string, unknown>, document: unknown): Map<string, Declared> | undefined {
  const cache = cacheOf(document).properties;
  const known = cache.get(schema);
  if (known !== undefined) return known ?? undefined;
  const { properties, dependsOnValue } = collectProperties(schema, value, document);
  if (!dependsOnValue) cache.set(schema, properties ?? null);
  return properties;
}

// The declared properties of an object schema, through allOf/oneOf/anyOf; undefined for free-form.
function collectProperties(schema: Schema, value: Record<string, unknown>, document: unknown): { properties: Map<string, Declared> | undefined; dependsOnValue: boolean } {
  const found = new Map<string, Declared>();
  let declared = false;
  let dependsOnValue = false;
  const visit = (part: unknown, depth: number): void => {
    const resolvedPart = resolve(part, document);
    if (!resolvedPart || depth > 16) return;
    if (isRecord(resolvedPart.properties)) {
      declared = true;
      for (const [key, property] of Object.entries(resolvedPart.properties)) {
        if (!found.has(key)) found.set(key, { schema: property, writeOnly: isRecord(property) && resolve(property, document)?.writeOnly === true });
      }
    }
    if (Array.isArray(resolvedPart.allOf)) for (const item of resolvedPart.allOf) visit(item, depth + 1);
    const branches = [resolvedPart.oneOf, resolvedPart.anyOf].find(Array.isArray) as unknown[] | undefined;
    if (!branches) return;
    const discriminator = isRecord(resolvedPart.discriminator) ? resolvedPart.discriminator : undefined;
    if (discriminator !== undefined) dependsOnValue = true;
    const tag = typeof discriminator?.propertyName === 'string' ? value[discriminator.propertyName] : undefined;
    const mapping = isRecord(discriminator?.mapping) ? discriminator.mapping : {};
    const chosen = typeof tag === 'string' && typeof mapping[tag] === 'string' ? [{ $ref: mapping[tag] }] : branches;
    for (const branch of chosen) visit(branch, depth + 1);
  };
  visit(schema, 0);
  if (!declared) return { properties: resolve(schema, document)?.additionalProperties === false ? found : undefined, dependsOnValue };
  return { properties: found, dependsOnValue };
}
