import { diagnostic, type Diagnostic, type Location } from './diagnostics.ts';
import type { EnumType, Field, NamedType, ObjectType, TypeRef } from './ir.ts';
import { constantCase, graphqlFieldName, pascalCase, protoFieldName, singular } from './names.ts';
import { appendPointer, fragmentToPointer, getAtPointer } from './pointer.ts';

type Schema = Record<string, unknown>;

/** The type of a schema plus whether `null` is one of its values. */
export interface Typed {
  type: TypeRef;
  nullable: boolean;
}

/** Names the compiler itself defines in GraphQL; a contract type may not take them. */
const reservedTypeNames = new Set(['Query', 'Mutation', 'Subscription', 'DateTime', 'Long', 'JSON', 'Upload', 'String', 'Int', 'Float', 'Boolean', 'ID']);

const json = (shape: 'object' | 'any'): TypeRef => ({ kind: 'json', shape });

/**
 * Turns JSON Schemas of the bundled document into IR types. Component schemas that are objects,
 * enums or discriminated unions become named types; aliases of scalars and arrays are inlined;
 * inline objects and enums are named after where they appear (`Image` + `capture` -> `ImageCapture`).
 */
export class SchemaConverter {
  readonly types = new Map<string, NamedType>();
  private readonly origins = new Map<string, string>();
  private readonly components = new Map<string, Typed>();

  private readonly document: Record<string, unknown>;
  private readonly locate: (pointer: string) => Location;
  private readonly diagnostics: Diagnostic[];

  constructor(document: Record<string, unknown>, locate: (pointer: string) => Location, diagnostics: Diagnostic[]) {
    this.document = document;
    this.locate = locate;
    this.diagnostics = diagnostics;
  }

  /** Converts every component schema, so unused ones are emitted too. */
  convertComponents(): void {
    const schemas = getAtPointer(this.document, '/components/schemas');
    if (!isSchema(schemas)) return;
    for (const name of Object.keys(schemas)) this.component(name);
  }

  typeOf(schema: unknown, pointer: string, hint: string): Typed {
    if (!isSchema(schema)) return { type: json('any'), nullable: false };
    if (typeof schema.$ref === 'string') return this.reference(schema.$ref, pointer, hint);

    const nullable = schema.nullable === true || (Array.isArray(schema.type) && schema.type.includes('null'));
    const types = (Array.isArray(schema.type) ? schema.type : [schema.type]).filter(
      (type): type is string => typeof type === 'string' && type !== 'null',
    );

    for (const keyword of ['oneOf', 'anyOf'] as const) {
      const branches = schema[keyword];
      if (!Array.isArray(branches)) continue;
      const nonNull = branches.filter((branch) => !(isSchema(branch) && branch.type === 'null'));
      const branchNullable = nonNull.length < branches.length;
      if (nonNull.length === 1) {
        const inner = this.typeOf(nonNull[0], appendPointer(pointer, keyword, branches.indexOf(nonNull[0])), hint);
        return { type: inner.type, nullable: nullable || branchNullable || inner.nullable };
      }
      if (isSchema(schema.discriminator)) {
        const union = this.union(schema, keyword, pointer, hint);
        if (union) return { type: union, nullable: nullable || branchNullable };
      }
      this.fallback(pointer, `${keyword} without a discriminator`, 'a JSON scalar in GraphQL and google.protobuf.Value in proto');
      return { type: json('any'), nullable: nullable || branchNullable };
    }

    if (Array.isArray(schema.allOf)) return { type: this.allOf(schema, pointer, hint), nullable };

    const constant = schema.const ?? (Array.isArray(schema.enum) && schema.enum.length === 1 ? schema.enum[0] : undefined);
    if (typeof constant === 'string') return { type: { kind: 'scalar', scalar: 'string' }, nullable };
    if (Array.isArray(schema.enum) && schema.enum.every((value) => typeof value === 'string' || value === null)) {
      const enumNullable = nullable || schema.enum.includes(null);
      return { type: this.enumType(schema, pointer, hint), nullable: enumNullable };
    }

    if (types.length > 1) {
      this.fallback(pointer, `a value of several types (${types.join(', ')})`, 'a JSON scalar in GraphQL and google.protobuf.Value in proto');
      return { type: json('any'), nullable };
    }
    const [type] = types;
    if (type === 'object' || (type === undefined && isSchema(schema.properties))) {
      return { type: this.objectLike(schema, pointer, hint), nullable };
    }
    if (type === 'array') {
      const items = this.typeOf(schema.items, appendPointer(pointer, 'items'), singular(hint));
      if (items.type.kind === 'list') {
        this.fallback(pointer, 'a list of lists', 'google.protobuf.Value in proto; the GraphQL type stays a nested list');
      }
      return { type: { kind: 'list', of: items.type }, nullable };
    }
    if (type === 'string') return { type: { kind: 'scalar', scalar: stringScalar(schema) }, nullable };
    if (type === 'integer') return { type: { kind: 'scalar', scalar: integerScalar(schema) }, nullable };
    if (type === 'number') return { type: { kind: 'scalar', scalar: schema.format === 'float' ? 'float' : 'double' }, nullable };
    if (type === 'boolean') return { type: { kind: 'scalar', scalar: 'boolean' }, nullable };
    if (type === undefined && !nullable) return { type: json('any'), nullable: true };
    this.fallback(pointer, 'a schema that only allows null', 'a JSON scalar in GraphQL and google.protobuf.Value in proto');
    return { type: json('any'), nullable: true };
  }

  /** The component schema `name`, converted once. */
  component(name: string): Typed {
    const cached = this.components.get(name);
    if (cached) return cached;
    const pointer = appendPointer('/components/schemas', name);
    const schema = getAtPointer(this.document, pointer);
    const typeName = pascalCase(name);
    // A named object may refer to itself; register the name before converting its fields.
    if (isObjectLike(schema)) this.components.set(name, { type: { kind: 'named', name: typeName }, nullable: false });
    const typed = this.typeOf(schema, pointer, typeName);
    this.components.set(name, typed);
    return typed;
  }

  private reference(ref: string, pointer: string, hint: string): Typed {
    const target = fragmentToPointer(ref.slice(ref.indexOf('#')));
    const match = /^\/components\/schemas\/([^/]+)$/.exec(target);
    if (match?.[1] !== undefined) return this.component(match[1].replaceAll('~1', '/').replaceAll('~0', '~'));
    if (target === pointer) return { type: json('any'), nullable: true };
    return this.typeOf(getAtPointer(this.document, target), target, hint);
  }

  private register(type: NamedType): void {
    const previous = this.origins.get(type.name);
    if (previous !== undefined && previous !== type.pointer) {
      this.report('name-collision', `'${type.name}' names both #${previous} and this schema`, type.pointer);
      return;
    }
    if (reservedTypeNames.has(type.name)) {
      this.report('name-collision', `'${type.name}' is a name the generated GraphQL schema defines itself`, type.pointer, `rename the schema '${type.name}'`);
      return;
    }
    this.origins.set(type.name, type.pointer);
    this.types.set(type.name, type);
  }

  private objectLike(schema: Schema, pointer: string, hint: string): TypeRef {
    const properties = isSchema(schema.properties) ? schema.properties : undefined;
    if (!properties || Object.keys(properties).length === 0) {
      const extra = schema.additionalProperties;
      if (isSchema(extra) && Object.keys(extra).length > 0) {
        const value = this.typeOf(extra, appendPointer(pointer, 'additionalProperties'), `${hint}Value`);
        if (value.type.kind === 'list' || value.type.kind === 'map') {
          this.fallback(pointer, 'a map whose values are lists or maps', 'google.protobuf.Struct in proto and a JSON scalar in GraphQL');
          return json('object');
        }
        return { kind: 'map', of: value.type };
      }
      return json('object');
    }
    const required = new Set(Array.isArray(schema.required) ? schema.required.filter((key) => typeof key === 'string') : []);
    const object: ObjectType = { kind: 'object', name: hint, fields: [], ...documentation(schema, pointer) };
    this.register(object);
    object.fields = this.fields(properties, required, appendPointer(pointer, 'properties'), hint);
    return { kind: 'named', name: hint };
  }

  private fields(properties: Schema, required: ReadonlySet<unknown>, pointer: string, owner: string): Field[] {
    const fields: Field[] = [];
    const graphqlNames = new Map<string, string>();
    const protoNames = new Map<string, string>();
    for (const [name, propertySchema] of Object.entries(properties)) {
      const fieldPointer = appendPointer(pointer, name);
      for (const [derived, seen, target] of [
        [graphqlFieldName(name), graphqlNames, 'GraphQL'],
        [protoFieldName(name), protoNames, 'proto'],
      ] as const) {
        const other = seen.get(derived);
        if (other !== undefined) this.report('name-collision', `properties '${other}' and '${name}' are both '${derived}' in ${target}`, fieldPointer);
        seen.set(derived, name);
      }
      if (protoFieldName(name) === '') this.report('name-invalid', `property '${name}' has no letters or digits to name a field`, fieldPointer);
      const typed = this.typeOf(propertySchema, fieldPointer, owner + pascalCase(name));
      const annotations = this.annotations(propertySchema, fieldPointer);
      const field: Field = {
        name,
        type: typed.type,
        required: required.has(name),
        nullable: typed.nullable,
        ...annotations,
      };
      fields.push(field);
    }
    return fields;
  }

  // readOnly, description and the like may sit on the property or on the schema it references.
  private annotations(schema: unknown, pointer: string): Omit<Field, 'name' | 'type' | 'required' | 'nullable'> {
    const chain: Schema[] = [];
    let current: unknown = schema;
    while (isSchema(current) && chain.length < 8) {
      chain.push(current);
      if (typeof current.$ref !== 'string') break;
      current = getAtPointer(this.document, fragmentToPointer(current.$ref.slice(current.$ref.indexOf('#'))));
    }
    const pick = (key: string): unknown => chain.find((entry) => entry[key] !== undefined)?.[key];
    const sensitive = pick('x-sensitive');
    if (sensitive !== undefined && typeof sensitive !== 'boolean') {
      this.report('extension-invalid', "'x-sensitive' must be true or false", appendPointer(pointer, 'x-sensitive'));
    }
    const protoNumber = isSchema(schema) ? schema['x-proto-number'] : undefined;
    if (protoNumber !== undefined && !Number.isInteger(protoNumber)) {
      this.report('extension-invalid', "'x-proto-number' must be an integer", appendPointer(pointer, 'x-proto-number'));
    }
    // The description is the property's own (a 3.1 sibling of $ref included), not its type's.
    const description = isSchema(schema) ? schema.description : undefined;
    return {
      ...(typeof description === 'string' ? { description } : {}),
      deprecated: pick('deprecated') === true,
      readOnly: pick('readOnly') === true,
      writeOnly: pick('writeOnly') === true,
      sensitive: sensitive === true,
      ...(Number.isInteger(protoNumber) ? { protoNumber: protoNumber as number } : {}),
      pointer,
    };
  }

  private enumType(schema: Schema, pointer: string, hint: string): TypeRef {
    const values = (schema.enum as unknown[]).filter((value): value is string => typeof value === 'string');
    const explicit = schema['x-proto-numbers'];
    if (explicit !== undefined && !isSchema(explicit)) {
      this.report('extension-invalid', "'x-proto-numbers' must map enum values to integers", appendPointer(pointer, 'x-proto-numbers'));
    }
    const constants = new Map<string, string>();
    for (const value of values) {
      const constant = constantCase(value);
      if (constant === 'UNSPECIFIED') {
        this.report('name-collision', `enum value '${value}' would be the proto zero value '<ENUM>_UNSPECIFIED'`, pointer);
      }
      const other = constants.get(constant);
      if (other !== undefined || constant === '') {
        this.report('name-collision', `enum values '${other ?? ''}' and '${value}' are both '${constant}' in GraphQL and proto`, pointer);
      }
      constants.set(constant, value);
    }
    const enumType: EnumType = {
      kind: 'enum',
      name: hint,
      values: values.map((value) => {
        const number = isSchema(explicit) ? explicit[value] : undefined;
        return Number.isInteger(number) ? { value, protoNumber: number as number } : { value };
      }),
      ...documentation(schema, pointer),
    };
    this.register(enumType);
    return { kind: 'named', name: hint };
  }

  private union(schema: Schema, keyword: 'oneOf' | 'anyOf', pointer: string, hint: string): TypeRef | undefined {
    const discriminator = schema.discriminator as Schema;
    const propertyName = discriminator.propertyName;
    if (typeof propertyName !== 'string') return undefined;
    const mapping = isSchema(discriminator.mapping) ? discriminator.mapping : {};
    const tagOf = new Map<string, string>();
    for (const [tag, ref] of Object.entries(mapping)) if (typeof ref === 'string') tagOf.set(ref, tag);
    const variants: Array<{ tag: string; type: string }> = [];
    for (const branch of schema[keyword] as unknown[]) {
      if (!isSchema(branch) || typeof branch.$ref !== 'string') return undefined;
      const name = /^#\/components\/schemas\/([^/]+)$/.exec(branch.$ref)?.[1];
      if (name === undefined) return undefined;
      const typed = this.component(name);
      if (typed.type.kind !== 'named' || this.types.get(typed.type.name)?.kind !== 'object') return undefined;
      variants.push({ tag: tagOf.get(branch.$ref) ?? name, type: typed.type.name });
    }
    this.register({ kind: 'union', name: hint, discriminator: propertyName, variants, ...documentation(schema, pointer) });
    return { kind: 'named', name: hint };
  }

  // allOf merges object parts into one object; anything else has no clean mapping.
  private allOf(schema: Schema, pointer: string, hint: string): TypeRef {
    const parts = (schema.allOf as unknown[]).map((part) => this.resolve(part));
    if (parts.length === 1 && !isSchema(schema.properties)) {
      const [only] = schema.allOf as unknown[];
      return this.typeOf(only, appendPointer(pointer, 'allOf', 0), hint).type;
    }
    if (!parts.every((part) => isSchema(part) && (part.type === 'object' || isSchema(part.properties)))) {
      this.fallback(pointer, 'an allOf whose parts are not all objects', 'a JSON scalar in GraphQL and google.protobuf.Value in proto');
      return json('any');
    }
    const merged: Schema = { type: 'object', properties: {}, required: [] };
    for (const part of [...parts, schema] as Schema[]) {
      Object.assign(merged.properties as Schema, isSchema(part.properties) ? part.properties : {});
      if (Array.isArray(part.required)) (merged.required as unknown[]).push(...part.required);
    }
    // A referenced part describes itself, not the composition: only inline parts lend a description.
    const inline = (schema.allOf as unknown[]).filter((part) => isSchema(part) && typeof part.$ref !== 'string') as Schema[];
    const described = [schema, ...inline].find((part) => typeof part.description === 'string');
    if (described) merged.description = described.description;
    return this.objectLike(merged, pointer, hint);
  }

  private resolve(schema: unknown): unknown {
    let current = schema;
    for (let depth = 0; depth < 16 && isSchema(current) && typeof current.$ref === 'string'; depth += 1) {
      current = getAtPointer(this.document, fragmentToPointer(current.$ref.slice(current.$ref.indexOf('#'))));
    }
    return current;
  }

  private fallback(pointer: string, what: string, fallback: string): void {
    this.report('no-clean-mapping', `${what} has no clean mapping; using ${fallback}`, pointer);
  }

  private report(code: Parameters<typeof diagnostic>[0], message: string, pointer: string, hint?: string): void {
    this.diagnostics.push(diagnostic(code, message, this.locate(pointer), hint));
  }
}

export function isSchema(value: unknown): value is Schema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isObjectLike(schema: unknown): boolean {
  if (!isSchema(schema)) return false;
  return schema.type === 'object' || isSchema(schema.properties) || Array.isArray(schema.allOf) || isSchema(schema.discriminator);
}

function documentation(schema: Schema, pointer: string): { description?: string; deprecated: boolean; pointer: string } {
  return {
    ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
    deprecated: schema.deprecated === true,
    pointer,
  };
}

function stringScalar(schema: Schema): 'string' | 'datetime' | 'date' | 'bytes' {
  if (schema.format === 'date-time') return 'datetime';
  if (schema.format === 'date') return 'date';
  if (schema.format === 'binary' || schema.format === 'byte' || schema.contentEncoding === 'base64') return 'bytes';
  if (typeof schema.contentMediaType === 'string' && schema.contentMediaType !== 'application/json') return 'bytes';
  return 'string';
}

// Without a format, an integer is int32 only when its declared range fits; otherwise int64.
function integerScalar(schema: Schema): 'int32' | 'int64' {
  if (schema.format === 'int32') return 'int32';
  if (schema.format === 'int64') return 'int64';
  const fits = (bound: unknown, limit: number): boolean => typeof bound === 'number' && Math.abs(bound) <= limit;
  return fits(schema.minimum, 2 ** 31) && fits(schema.maximum, 2 ** 31 - 1) ? 'int32' : 'int64';
}

