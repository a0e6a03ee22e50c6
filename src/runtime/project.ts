import { fragmentToPointer, getAtPointer } from '../compiler/pointer.ts';

type Schema = Record<string, unknown>;

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Keeps of `value` only what `schema` declares, recursively: undeclared and write-only properties
 * never leave the server, whatever the handler returned. Unions keep the properties of every
 * branch (the discriminated branch alone when there is a discriminator).
 */
export function projectToSchema(value: unknown, schema: unknown, document: unknown, depth = 0): unknown {
  const resolved = resolve(schema, document);
  if (!isRecord(resolved) || depth > 64 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => projectToSchema(item, resolved.items, document, depth + 1));
  const properties = collectProperties(resolved, value as Record<string, unknown>, document);
  if (properties === undefined) return value;
  const extra = resolved.additionalProperties;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const propertySchema = properties.get(key);
    if (propertySchema !== undefined) {
      if (isRecord(propertySchema) && resolve(propertySchema, document)?.writeOnly === true) continue;
      out[key] = projectToSchema(item, propertySchema, document, depth + 1);
    } else if (isRecord(extra)) {
      out[key] = projectToSchema(item, extra, document, depth + 1);
    }
  }
  return out;
}

function resolve(schema: unknown, document: unknown): Schema | undefined {
  let current = schema;
  for (let hops = 0; hops < 16 && isRecord(current) && typeof current.$ref === 'string'; hops += 1) {
    current = getAtPointer(document, fragmentToPointer(current.$ref.slice(current.$ref.indexOf('#'))));
  }
  return isRecord(current) ? current : undefined;
}

// The declared properties of an object schema, through allOf/oneOf/anyOf; undefined for free-form.
function collectProperties(schema: Schema, value: Record<string, unknown>, document: unknown): Map<string, unknown> | undefined {
  const found = new Map<string, unknown>();
  let declared = false;
  const visit = (part: unknown, depth: number): void => {
    const resolved = resolve(part, document);
    if (!resolved || depth > 16) return;
    if (isRecord(resolved.properties)) {
      declared = true;
      for (const [key, property] of Object.entries(resolved.properties)) if (!found.has(key)) found.set(key, property);
    }
    if (Array.isArray(resolved.allOf)) for (const item of resolved.allOf) visit(item, depth + 1);
    const branches = [resolved.oneOf, resolved.anyOf].find(Array.isArray) as unknown[] | undefined;
    if (!branches) return;
    const discriminator = isRecord(resolved.discriminator) ? resolved.discriminator : undefined;
    const tag = typeof discriminator?.propertyName === 'string' ? value[discriminator.propertyName] : undefined;
    const mapping = isRecord(discriminator?.mapping) ? discriminator.mapping : {};
    const chosen = typeof tag === 'string' && typeof mapping[tag] === 'string' ? [{ $ref: mapping[tag] }] : branches;
    for (const branch of chosen) visit(branch, depth + 1);
  };
  visit(schema, 0);
  if (!declared) return resolve(schema, document)?.additionalProperties === false ? found : undefined;
  return found;
}
