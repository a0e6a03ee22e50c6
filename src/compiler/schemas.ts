import { diagnostic, type Diagnostic, type Location } from './diagnostics.ts';
import type { EnumType, Field, NamedType, ObjectType, ScalarKind, TypeRef } from './ir.ts';
import { jsonFallback, LossLog, type Fallbacks } from './losses.ts';
import { constantCase, fallbackPascalCase, pascalCase, snakeCase } from './names.ts';
import { singular } from './singular.ts';
import { Namespace } from './namespace.ts';
import { enumValueNames, fieldNames, givenFieldNames, type GivenNames } from './schema-names.ts';
import { NameBook } from './chosen-names.ts';
import { appendPointer, fragmentToPointer, getAtPointer, resolveLocalRef } from './pointer.ts';
import { allOfParts, commonScalar, resolveSchema } from './schema-shapes.ts';

type Schema = Record<string, unknown>;

/** The type of a schema plus whether `null` is one of its values. */
export interface Typed {
  type: TypeRef;
  nullable: boolean;
}

/** How strictly names are checked; `lenient` is for documents Trident does not own. */
export interface ConverterOptions {
  /** Resolve name clashes and unusable names with warnings instead of failing. */
  lenient?: boolean;
  /** Where losses (constructs a target cannot carry exactly) are recorded. */
  losses?: LossLog;
  /** The names earlier runs chose where derived ones clashed (from the lock), and this run's. */
  book?: NameBook;
  /**
   * Every `$ref` of the document (see LoadedContract.refs). Apart from what sharedTypeOf converts,
   * only a schema a reference leads into other than a component's own
   * (`#/components/schemas/Pet/properties/owner`), or one inside it, can be reached twice at one
   * place; without the list every schema is remembered.
   */
  refs?: ReadonlySet<string>;
}

/** Names the compiler itself defines in GraphQL; a contract type may not take them. */
const reservedTypeNames: ReadonlySet<string> = new Set(['Query', 'Mutation', 'Subscription', 'DateTime', 'Long', 'JSON', 'Upload', 'Download', 'String', 'Int', 'Float', 'Boolean', 'ID']);

/** The name a foreign document's type asks for: its own, or with `Model` after a name GraphQL reserves; a later clash adds a number. */
export const typeNameBase = (name: string): string => (reservedTypeNames.has(name) ? `${name}Model` : name);

const json = (shape: 'object' | 'any'): TypeRef => ({ kind: 'json', shape });
const unionKeywords = ['oneOf', 'anyOf'] as const;


// Scalar types are shared by every field of that scalar (references to named types are not: a
// dangling one is changed in place, see dangling.ts).
const scalarRefs: Record<ScalarKind, TypeRef> = {
  string: { kind: 'scalar', scalar: 'string' },
  boolean: { kind: 'scalar', scalar: 'boolean' },
  int32: { kind: 'scalar', scalar: 'int32' },
  int64: { kind: 'scalar', scalar: 'int64' },
  float: { kind: 'scalar', scalar: 'float' },
  double: { kind: 'scalar', scalar: 'double' },
  datetime: { kind: 'scalar', scalar: 'datetime' },
  date: { kind: 'scalar', scalar: 'date' },
  bytes: { kind: 'scalar', scalar: 'bytes' },
};
const jsonFallbackText = 'a JSON scalar in GraphQL and google.protobuf.Value in proto';

// Deeper than this, a schema is typed as JSON rather than risk the stack on a pathological document.
const maxDepth = 64;
// A chain of components referring to the next (`S0` -> `S1` -> ...) is followed this far; the next
// one is referred to as JSON there (and converted on its own), so no type graph is deeper. Public
// descriptions stay below 16.
const maxChain = 128;

/**
 * Turns JSON Schemas of the bundled document into IR types. Component schemas that are objects,
 * enums or discriminated unions become named types; aliases of scalars and arrays are inlined;
 * inline objects and enums are named after where they appear (`Image` + `capture` -> `ImageCapture`).
 */
export class SchemaConverter {
  readonly types = new Map<string, NamedType>();
  readonly losses: LossLog;
  readonly lenient: boolean;
  readonly book: NameBook;
  private readonly typeNames = new Namespace();
  private readonly components = new Map<string, Typed>();
  /** Foreign documents: the type name each component was given before any conversion. */
  private readonly componentNames = new Map<string, string>();
  private readonly inProgress = new Set<string>();
  private readonly converted = new Map<string, Typed>();
  /** The schemas references lead into, other than components (see ConverterOptions.refs); undefined: every schema may be. */
  private readonly refTargets: ReadonlySet<object> | undefined;
  /**
   * How many schemas that may be reached again at their pointer (see refTargets, sharedTypeOf) are
   * being converted, one inside the other: inside one, each schema is remembered.
   */
  private remembering = 0;
  /** The component schema each `$ref` names, or null when it names something else. */
  private readonly componentOfRef = new Map<string, string | null>();
  private depth = 0;
  /** Components being converted, one inside the other. */
  private chain = 0;

  private readonly document: Record<string, unknown>;
  private readonly locate: (pointer: string) => Location;
  private readonly diagnostics: Diagnostic[];

  constructor(document: Record<string, unknown>, locate: (pointer: string) => Location, diagnostics: Diagnostic[], options: ConverterOptions = {}) {
    this.document = document;
    this.locate = locate;
    this.diagnostics = diagnostics;
    this.lenient = options.lenient === true;
    this.losses = options.losses ?? new LossLog();
    this.book = options.book ?? new NameBook();
    this.refTargets = options.refs ? refTargets(document, options.refs) : undefined;
  }

  /** Converts every component schema, so unused ones are emitted too. */
  convertComponents(): void {
    const schemas = getAtPointer(this.document, '/components/schemas');
    if (!isSchema(schemas)) return;
    // A component's own name outranks a name derived for an inline schema, whatever the order.
    if (this.lenient) {
      for (const [name, schema] of Object.entries(schemas)) {
        if (isObjectLike(schema) || isStringEnum(schema)) {
          const pointer = appendPointer('/components/schemas', name);
          const hint = this.pascal(name);
          const claimed = this.claimTypeName(hint, pointer);
          // A clash is reported where the name is claimed; a name only spelled otherwise (`pet_store`, `58d8`) here.
          if (claimed === hint && hint !== name) this.losses.add(pointer, 'renamed', `the type '${name}'`, { graphql: `'${hint}'`, proto: `'${hint}'` });
          this.componentNames.set(name, claimed);
        }
      }
    }
    for (const name of Object.keys(schemas)) this.component(name);
  }

  typeOf(schema: unknown, pointer: string, hint: string): Typed {
    // One schema is one type, however often it is reached (a `$ref` into a component's property
    // is reached from everywhere that uses it); converting it again would multiply the types.
    // Elsewhere a schema is met once, and is not looked up by its (long) pointer.
    const target = this.refTargets !== undefined && schema !== null && typeof schema === 'object' && this.refTargets.has(schema);
    const remembered = this.refTargets === undefined || this.remembering > 0 || target;
    const converted = remembered ? this.converted.get(pointer) : undefined;
    if (converted) return converted;
    if (this.depth >= maxDepth) {
      this.fallback(pointer, 'a schema nested more than 64 levels deep', jsonFallbackText, jsonFallback);
      return { type: json('any'), nullable: true };
    }
    this.depth += 1;
    if (target) this.remembering += 1;
    try {
      const typed = this.convert(schema, pointer, hint);
      if (remembered) this.converted.set(pointer, typed);
      return typed;
    } finally {
      this.depth -= 1;
      if (target) this.remembering -= 1;
    }
  }

  /**
   * typeOf for a schema converted from several places at one pointer (a parameter of a path item,
   * once for each of its operations): it, and everything in it, is remembered by its pointer, so
   * the first conversion is the one all of them get.
   */
  sharedTypeOf(schema: unknown, pointer: string, hint: string): Typed {
    this.remembering += 1;
    try {
      return this.typeOf(schema, pointer, hint);
    } finally {
      this.remembering -= 1;
    }
  }

  private convert(schema: unknown, pointer: string, hint: string): Typed {
    if (!isSchema(schema)) return { type: json('any'), nullable: false };
    if (typeof schema.$ref === 'string') return this.reference(schema.$ref, pointer, hint);

    const declared = schema.type;
    const nullable = schema.nullable === true || declared === 'null' || (Array.isArray(declared) && declared.includes('null'));
    const types: string[] = typeof declared === 'string'
      ? declared === 'null' ? [] : [declared]
      : Array.isArray(declared) ? declared.filter((type): type is string => typeof type === 'string' && type !== 'null') : [];

    for (const keyword of schema.oneOf === undefined && schema.anyOf === undefined ? [] : unionKeywords) {
      const branches = schema[keyword];
      if (!Array.isArray(branches)) continue;
      const nonNull = branches.filter((branch) => !(isSchema(branch) && branch.type === 'null'));
      const branchNullable = nonNull.length < branches.length;
      if (nonNull.length === 1) {
        const inner = this.typeOf(nonNull[0], appendPointer(pointer, keyword, branches.indexOf(nonNull[0])), hint);
        return { type: inner.type, nullable: nullable || branchNullable || inner.nullable };
      }
      if (isSchema(schema.discriminator) && nonNull.length > 0) {
        const union = this.union(schema, keyword, pointer, hint);
        if (union) return { type: union, nullable: nullable || branchNullable };
      }
      // Branches that are all one scalar (an open enum: a string or one of a few) are that scalar.
      const scalar = nonNull.length > 0 ? commonScalar(this.document, nonNull) : undefined;
      if (scalar !== undefined) return { type: { kind: 'scalar', scalar }, nullable: nullable || branchNullable };
      const what = isSchema(schema.discriminator) ? `${keyword} with a discriminator over variants that are not all named objects` : `${keyword} without a discriminator`;
      this.fallback(pointer, what, jsonFallbackText, jsonFallback);
      return { type: json('any'), nullable: nullable || branchNullable };
    }

    if (Array.isArray(schema.allOf)) return this.allOf(schema, pointer, hint, nullable);

    const constant = schema.const ?? (Array.isArray(schema.enum) && schema.enum.length === 1 ? schema.enum[0] : undefined);
    if (typeof constant === 'string') return { type: { kind: 'scalar', scalar: 'string' }, nullable };
    if (isStringEnum(schema)) {
      const enumNullable = nullable || (schema.enum as unknown[]).includes(null);
      return { type: this.enumType(schema, pointer, hint), nullable: enumNullable };
    }
    if (Array.isArray(schema.enum) && schema.enum.some((value) => typeof value !== 'string' && value !== null)) {
      this.losses.add(pointer, 'fallback', 'an enum of values that are not strings', { graphql: 'its base type, values unchecked', proto: 'its base type, values unchecked' });
    }

    if (types.length > 1) {
      this.fallback(pointer, `a value of several types (${types.join(', ')})`, jsonFallbackText, jsonFallback);
      return { type: json('any'), nullable };
    }
    const [type = inferredType(schema)] = types;
    if (type === 'object') return { type: this.objectLike(schema, pointer, hint), nullable };
    if (type === 'array') {
      const items = this.typeOf(schema.items, appendPointer(pointer, 'items'), singular(hint));
      if (items.type.kind === 'list') {
        this.fallback(pointer, 'a list of lists', 'google.protobuf.Value in proto; the GraphQL type stays a nested list', { proto: 'repeated google.protobuf.Value' });
      }
      return { type: { kind: 'list', of: items.type }, nullable };
    }
    if (type === 'string') {
      const scalar = stringScalar(schema);
      const looser = looserString(schema, scalar);
      if (looser) this.losses.add(pointer, 'fallback', looser.construct, looser.fallbacks);
      return { type: scalarRefs[scalar], nullable };
    }
    if (type === 'integer') return { type: scalarRefs[integerScalar(schema)], nullable };
    if (type === 'number') return { type: scalarRefs[schema.format === 'float' ? 'float' : 'double'], nullable };
    if (type === 'boolean') return { type: scalarRefs.boolean, nullable };
    if (type === undefined && !nullable) return { type: json('any'), nullable: true };
    this.fallback(pointer, 'a schema that only allows null', jsonFallbackText, jsonFallback);
    return { type: json('any'), nullable: true };
  }

  /** The component schema `name`, converted once. */
  component(name: string): Typed {
    const cached = this.components.get(name);
    if (cached) return cached;
    const pointer = appendPointer('/components/schemas', name);
    // An alias or array that leads back to itself has no name to stand for it.
    if (this.inProgress.has(pointer)) {
      this.fallback(pointer, 'a schema that contains itself with no object in between', jsonFallbackText, jsonFallback);
      return { type: json('any'), nullable: true };
    }
    if (this.chain >= maxChain) {
      this.fallback(pointer, `a reference past a chain of ${maxChain} component schemas, each referring to the next,`, jsonFallbackText, jsonFallback);
      return { type: json('any'), nullable: true };
    }
    const schema = getAtPointer(this.document, pointer);
    const typeName = this.componentNames.get(name) ?? pascalCase(name);
    // A named object may refer to itself; register the name before converting its fields.
    if (isObjectLike(schema)) this.components.set(name, { type: { kind: 'named', name: typeName }, nullable: false });
    this.inProgress.add(pointer);
    // The depth guard is for one schema's inline nesting; a chain of components starts afresh.
    const depth = this.depth;
    this.depth = 0;
    this.chain += 1;
    try {
      const typed = this.typeOf(schema, pointer, typeName);
      this.components.set(name, typed);
      return typed;
    } finally {
      this.chain -= 1;
      this.depth = depth;
      this.inProgress.delete(pointer);
    }
  }

  private reference(ref: string, pointer: string, hint: string): Typed {
    if (!ref.startsWith('#')) return { type: json('any'), nullable: true };
    let component = this.componentOfRef.get(ref);
    if (component === undefined) {
      const match = /^\/components\/schemas\/([^/]+)$/.exec(fragmentToPointer(ref));
      component = match?.[1] !== undefined ? match[1].replaceAll('~1', '/').replaceAll('~0', '~') : null;
      this.componentOfRef.set(ref, component);
    }
    if (component !== null) return this.component(component);
    const target = fragmentToPointer(ref);
    if (target === pointer || this.inProgress.has(target)) {
      this.fallback(pointer, 'a schema that contains itself with no object in between', jsonFallbackText, jsonFallback);
      return { type: json('any'), nullable: true };
    }
    this.inProgress.add(target);
    try {
      return this.typeOf(getAtPointer(this.document, target), target, hint);
    } finally {
      this.inProgress.delete(target);
    }
  }

  // PascalCase for type names; a foreign document's name with no usable characters still gets one.
  private pascal(name: string): string {
    return this.lenient ? fallbackPascalCase(name) : pascalCase(name);
  }

  /**
   * The name a new type gets. Contracts must not clash (an error names both places); a foreign
   * document's later type gets a suffix (`Pet2`), and a name GraphQL reserves gets `Model`.
   */
  private claimTypeName(hint: string, pointer: string): string {
    const name = hint === '' ? 'Schema' : hint;
    if (!this.lenient) {
      const previous = this.typeNames.owner(name);
      if (previous !== undefined && previous !== pointer) {
        this.report('name-collision', `'${name}' names both #${previous} and this schema`, pointer);
      } else if (reservedTypeNames.has(name)) {
        this.report('name-collision', `'${name}' is a name the generated GraphQL schema defines itself`, pointer, `rename the schema '${name}'`);
      } else {
        this.typeNames.claim(name, pointer);
      }
      return name;
    }
    const base = typeNameBase(name);
    const claimed = this.typeNames.unique(base, pointer, (stem, n) => `${stem}${n}`);
    if (claimed !== hint) {
      const why = reservedTypeNames.has(name) ? 'a name GraphQL reserves' : hint === '' ? 'a name with no usable characters' : `taken by #${this.typeNames.owner(name) ?? ''}`;
      this.rename(pointer, `the type '${hint}'`, claimed, why);
    }
    return claimed;
  }

  private register(type: NamedType): void {
    // Strict mode reports a clash and leaves the type out; the error stops the compilation anyway.
    if (!this.lenient && this.typeNames.owner(type.name) !== type.pointer) return;
    this.types.set(type.name, type);
  }

  private objectLike(schema: Schema, pointer: string, hint: string): TypeRef {
    const properties = isSchema(schema.properties) ? schema.properties : undefined;
    const extra = schema.additionalProperties;
    if (!properties || Object.keys(properties).length === 0) {
      if (isSchema(extra) && Object.keys(extra).length > 0) {
        const value = this.typeOf(extra, appendPointer(pointer, 'additionalProperties'), `${hint}Value`);
        if (value.type.kind === 'list' || value.type.kind === 'map') {
          this.fallback(pointer, 'a map whose values are lists or maps', 'google.protobuf.Struct in proto and a JSON scalar in GraphQL', { graphql: 'JSON scalar', proto: 'google.protobuf.Struct' });
          return json('object');
        }
        this.losses.add(pointer, 'fallback', 'a map (additionalProperties)', { graphql: 'JSON scalar' });
        return { kind: 'map', of: value.type };
      }
      return json('object');
    }
    if (extra !== undefined && extra !== false) {
      this.losses.add(pointer, 'omitted', 'additional properties beside the declared ones', { graphql: 'declared fields only', proto: 'declared fields only' });
    }
    const required = new Set(Array.isArray(schema.required) ? schema.required.filter((key) => typeof key === 'string') : []);
    const name = this.claimTypeName(hint, pointer);
    const object: ObjectType = { kind: 'object', name, fields: [], ...documentation(schema, pointer) };
    this.register(object);
    object.fields = this.fields(properties, required, appendPointer(pointer, 'properties'), name);
    return { kind: 'named', name };
  }

  private fields(properties: Schema, required: ReadonlySet<unknown>, pointer: string, owner: string): Field[] {
    const fields: Field[] = [];
    const names = Object.keys(properties);
    const given = new Map<string, GivenNames>();
    for (const name of names) {
      const named = givenFieldNames(this, properties[name], appendPointer(pointer, name));
      if (named) given.set(name, named);
    }
    const spelledNames = fieldNames(this, owner, names, given, pointer);
    for (const name of names) {
      const propertySchema = properties[name];
      const fieldPointer = appendPointer(pointer, name);
      const spelled = spelledNames?.get(name);
      const typed = this.typeOf(propertySchema, fieldPointer, owner + this.pascal(name));
      fields.push(this.field(name, typed, required.has(name), propertySchema, fieldPointer, spelled));
    }
    return fields;
  }

  // readOnly, deprecated and the like may sit on the property or on the schema it references; the
  // description is the property's own (a 3.1 sibling of $ref included), not its type's. Every field
  // has all its properties, in one order: a large document has a hundred thousand of them.
  private field(name: string, typed: Typed, required: boolean, schema: unknown, pointer: string, spelled: Pick<Field, 'graphqlName' | 'protoName'> | undefined): Field {
    let deprecated: unknown;
    let readOnly: unknown;
    let writeOnly: unknown;
    let sensitive: unknown;
    let current: unknown = schema;
    for (let steps = 0; steps < 8 && isSchema(current); steps += 1) {
      if (deprecated === undefined) deprecated = current.deprecated;
      if (readOnly === undefined) readOnly = current.readOnly;
      if (writeOnly === undefined) writeOnly = current.writeOnly;
      if (sensitive === undefined) sensitive = current['x-sensitive'];
      const ref = current.$ref;
      if (typeof ref !== 'string' || !ref.startsWith('#')) break;
      current = resolveLocalRef(this.document, ref);
    }
    if (sensitive !== undefined && typeof sensitive !== 'boolean') {
      this.report('extension-invalid', "'x-sensitive' must be true or false", appendPointer(pointer, 'x-sensitive'));
    }
    const protoNumber = isSchema(schema) ? schema['x-proto-number'] : undefined;
    if (protoNumber !== undefined && !Number.isInteger(protoNumber)) {
      this.report('extension-invalid', "'x-proto-number' must be an integer", appendPointer(pointer, 'x-proto-number'));
    }
    const description = isSchema(schema) ? schema.description : undefined;
    return {
      name,
      type: typed.type,
      required,
      nullable: typed.nullable,
      description: typeof description === 'string' ? description : undefined,
      deprecated: deprecated === true,
      readOnly: readOnly === true,
      writeOnly: writeOnly === true,
      sensitive: sensitive === true,
      protoNumber: Number.isInteger(protoNumber) ? (protoNumber as number) : undefined,
      pointer,
      graphqlName: spelled?.graphqlName,
      protoName: spelled?.protoName,
    };
  }

  /** The names `x-enum-varnames` gives the values, in the order of `enum`, by value. */
  private givenEnumNames(schema: Schema, pointer: string): Map<string, string> {
    const given = new Map<string, string>();
    const names = schema['x-enum-varnames'];
    if (names === undefined) return given;
    const values = schema.enum as unknown[];
    const where = appendPointer(pointer, 'x-enum-varnames');
    if (!Array.isArray(names) || names.length !== values.length) {
      this.report('extension-invalid', `'x-enum-varnames' must list one name for each of the ${values.length} values of \`enum\`, in its order`, where);
      return given;
    }
    names.forEach((name, index) => {
      const value = values[index];
      if (typeof name !== 'string' || constantCase(name) === '' || !/^[A-Za-z_][0-9A-Za-z_]*$/.test(name)) {
        this.report('extension-invalid', `'x-enum-varnames' gives ${JSON.stringify(name)}, which is not a name (letters, digits, underscores)`, appendPointer(where, index));
      } else if (typeof value === 'string' && !given.has(value)) {
        given.set(value, name);
      }
    });
    return given;
  }

  private enumType(schema: Schema, pointer: string, hint: string): TypeRef {
    const values = [...new Set((schema.enum as unknown[]).filter((value): value is string => typeof value === 'string'))];
    const explicit = schema['x-proto-numbers'];
    if (explicit !== undefined && !isSchema(explicit)) {
      this.report('extension-invalid', "'x-proto-numbers' must map enum values to integers", appendPointer(pointer, 'x-proto-numbers'));
    }
    const name = this.claimTypeName(hint, pointer);
    const names = enumValueNames(this, name, values, this.givenEnumNames(schema, pointer), pointer);
    const enumType: EnumType = {
      kind: 'enum',
      name,
      values: values.map((value) => {
        const number = isSchema(explicit) ? explicit[value] : undefined;
        const constant = names.get(value);
        return {
          value,
          ...(Number.isInteger(number) ? { protoNumber: number as number } : {}),
          ...(constant !== undefined ? { name: constant } : {}),
        };
      }),
      ...documentation(schema, pointer),
    };
    this.register(enumType);
    return { kind: 'named', name };
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
    // Two variants whose tags read alike would be one field of the oneOf; that is no clean union.
    const tagNames = new Set(variants.map((variant) => snakeCase(variant.tag)));
    if (tagNames.size < variants.length || tagNames.has('')) return undefined;
    const name = this.claimTypeName(hint, pointer);
    this.register({ kind: 'union', name, discriminator: propertyName, variants, ...documentation(schema, pointer) });
    return { kind: 'named', name };
  }

  // allOf merges object parts into one object; parts that only annotate (a description,
  // `nullable: true`) are left out and nested allOfs are merged completely (see allOfParts). A cycle
  // or a part that is not an object has no clean mapping.
  private allOf(schema: Schema, pointer: string, hint: string, nullable: boolean): Typed {
    const { parts, nullable: partNullable, opaque, cycle } = allOfParts(this.document, schema);
    if (cycle !== undefined) {
      this.fallback(pointer, `an allOf that contains itself (through ${cycle})`, jsonFallbackText, jsonFallback);
      return { type: json('any'), nullable };
    }
    const ownProperties = isSchema(schema.properties);
    // One entry gives the whole shape (the others only annotate): it is that entry's type, so a
    // `$ref` keeps its component's name.
    const entries = new Set(parts.map((part) => part.index));
    if (entries.size === 1 && !ownProperties && !opaque) {
      const [index = 0] = entries;
      const entry = (schema.allOf as unknown[])[index];
      const inner = this.typeOf(entry, appendPointer(pointer, 'allOf', index), hint);
      return { type: inner.type, nullable: nullable || partNullable || inner.nullable };
    }
    if (opaque || !parts.every(({ schema: part }) => part.type === 'object' || isSchema(part.properties))) {
      this.fallback(pointer, 'an allOf whose parts are not all objects', jsonFallbackText, jsonFallback);
      return { type: json('any'), nullable };
    }
    const merged: Schema = { type: 'object', properties: {}, required: [] };
    for (const part of [...parts.map(({ schema: part }) => part), schema]) {
      Object.assign(merged.properties as Schema, isSchema(part.properties) ? part.properties : {});
      if (Array.isArray(part.required)) (merged.required as unknown[]).push(...part.required);
    }
    // A referenced part describes itself, not the composition: only inline parts lend a description.
    const inline = (schema.allOf as unknown[]).filter((part) => isSchema(part) && typeof part.$ref !== 'string') as Schema[];
    const described = [schema, ...inline].find((part) => typeof part.description === 'string');
    if (described) merged.description = described.description;
    return { type: this.objectLike(merged, pointer, hint), nullable: nullable || partNullable };
  }

  /** Follows `$ref`s to the schema they name. */
  resolve(schema: unknown): unknown {
    return resolveSchema(this.document, schema);
  }

  private fallback(pointer: string, what: string, fallback: string, targets: Fallbacks): void {
    this.report('no-clean-mapping', `${what} has no clean mapping; using ${fallback}`, pointer);
    this.losses.add(pointer, 'fallback', what, targets);
  }

  private rename(pointer: string, what: string, to: string, why: string): void {
    this.report('name-renamed', `${what} is '${to}' (${why})`, pointer);
    this.losses.add(pointer, 'renamed', what, { graphql: `'${to}'`, proto: `'${to}'` });
  }

  /** Reports a diagnostic at a pointer of the bundled document. */
  report(code: Parameters<typeof diagnostic>[0], message: string, pointer: string, hint?: string): void {
    this.diagnostics.push(diagnostic(code, message, this.locate(pointer), hint));
  }
}

// The schemas local references lead into, other than whole component schemas (which are
// converted once by name).
function refTargets(document: Record<string, unknown>, refs: ReadonlySet<string>): Set<object> {
  const targets = new Set<object>();
  for (const ref of refs) {
    if (!ref.startsWith('#')) continue;
    const pointer = fragmentToPointer(ref);
    if (/^\/components\/schemas\/[^/]+$/.test(pointer)) continue;
    const value = getAtPointer(document, pointer);
    if (value !== null && typeof value === 'object') targets.add(value);
  }
  return targets;
}

export function isSchema(value: unknown): value is Schema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isObjectLike(schema: unknown): boolean {
  if (!isSchema(schema)) return false;
  return schema.type === 'object' || isSchema(schema.properties) || Array.isArray(schema.allOf) || isSchema(schema.discriminator);
}

// An enum with at least one string value (nulls aside) becomes an enum type.
function isStringEnum(schema: unknown): boolean {
  if (!isSchema(schema) || !Array.isArray(schema.enum)) return false;
  const values = schema.enum.filter((value) => value !== null);
  // A single value or a `const` is a plain string.
  return values.length > 0 && values.every((value) => typeof value === 'string') && schema.enum.length > 1 && typeof schema.const !== 'string';
}

// A schema without `type` that has the keywords of one.
function inferredType(schema: Schema): string | undefined {
  if (isSchema(schema.properties) || schema.additionalProperties !== undefined) return 'object';
  if (schema.items !== undefined) return 'array';
  return undefined;
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

/**
 * A string a target types less precisely than the contract: a date is a plain string in both, and
 * bytes (a file in a form, content of a media type) are a `String` in GraphQL, which has no bytes.
 * Base64 text (`format: byte`) is the same text in a GraphQL `String`, so it is no loss.
 */
function looserString(schema: Schema, scalar: ScalarKind): { construct: string; fallbacks: Fallbacks } | undefined {
  if (scalar === 'date') return { construct: 'a date (format: date)', fallbacks: { graphql: 'String', proto: 'string' } };
  if (scalar !== 'bytes' || schema.format === 'byte' || schema.contentEncoding === 'base64') return undefined;
  const what = schema.format === 'binary' ? 'format: binary' : `contentMediaType: ${String(schema.contentMediaType)}`;
  return { construct: `bytes (${what})`, fallbacks: { graphql: 'String' } };
}

// Without a format, an integer is int32 only when its declared range fits; otherwise int64.
function integerScalar(schema: Schema): 'int32' | 'int64' {
  if (schema.format === 'int32') return 'int32';
  if (schema.format === 'int64') return 'int64';
  const fits = (bound: unknown, limit: number): boolean => typeof bound === 'number' && Math.abs(bound) <= limit;
  return fits(schema.minimum, 2 ** 31) && fits(schema.maximum, 2 ** 31 - 1) ? 'int32' : 'int64';
}
