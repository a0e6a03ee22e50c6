/**
 * Probes: small pieces of TypeScript that a client's code could contain, written against the
 * base's generated types and checked against the revision's. Each probe stands for one place the
 * diff compared (a property, a parameter, a body, an enum value, a union variant, a renamed
 * schema) in one direction; it fails to compile exactly when code written for the base no longer
 * compiles against the revision there.
 *
 * The types are those the REST client's TypeScript gives (openapi-typescript's mapping): every
 * number is `number`, every string format `string`, a nullable value `T | null`, an optional
 * property `?`, an enum a union of string literals, a union with a discriminator the union of its
 * variants with the tag as a literal, read-only properties left out of what clients send and
 * write-only ones out of what they read.
 *
 * Probes are shallow: a named type inside a compared value is one opaque type on both sides, since
 * its own properties are probed where the diff compares them. Only a renamed schema is compared
 * whole, which is how an inline schema moved into a component is seen to keep its shape.
 */
import type { EnumType, NamedType, ObjectType, ScalarKind, TypeRef, UnionType } from '../../compiler/ir.ts';
import type { Side } from '../model.ts';
import type { Direction } from '../diff/reach.ts';

/** One probe: the TypeScript that must compile, and the place it stands for. */
export interface TypeProbe {
  /** The subject of the findings at this place (`Item.color`, `listItems(page)`, `Shape.circle`). */
  subject: string;
  direction: Direction;
  /** Where a failure no finding covers is reported. */
  at: { side: Side; pointer: string };
  /** How a sentence names the place: "property 'color' of Item". */
  label: string;
  /** Statements; any error inside them means code written for the base stops compiling. */
  code: string;
}

/** A value at a place: its type, whether it may be left out, whether it may be null. */
export interface Member {
  name: string;
  type: TypeRef;
  optional: boolean;
  nullable: boolean;
}

/** The named types of the two sides, by name. */
export interface TypeLookup {
  base: ReadonlyMap<string, NamedType>;
  revision: ReadonlyMap<string, NamedType>;
}

const scalarTypes: Record<ScalarKind, string> = {
  string: 'string',
  boolean: 'boolean',
  int32: 'number',
  int64: 'number',
  float: 'number',
  double: 'number',
  datetime: 'string',
  date: 'string',
  bytes: 'string',
};

/**
 * Writes probes for one diff. Opaque types and the whole types of renamed schemas are collected
 * as probes are written, and `prelude()` declares them.
 */
export class ProbeWriter {
  private readonly types: TypeLookup;
  private readonly opaque = new Set<string>();
  private readonly identifiers = new Map<string, string>();
  private readonly takenIdentifiers = new Set<string>();
  private readonly whole: Record<Side, Map<string, string>> = { base: new Map(), revision: new Map() };
  private count = 0;

  constructor(types: TypeLookup) {
    this.types = types;
  }

  /**
   * A property, parameter or body present on one side or both. A request probe builds the base's
   * value and hands it to the revision (a value built as before must still fit, and a literal
   * naming the property must still be allowed); a response probe reads the revision's value where
   * the base's was expected (and still finds the property).
   */
  member(direction: Direction, base: Member | undefined, revision: Member | undefined): string {
    const id = this.next();
    const [baseType, revisionType] = base && revision ? this.pair(base.type, revision.type) : [base ? this.single(base.type, 'base', true) : '', revision ? this.single(revision.type, 'revision', true) : ''];
    const key = JSON.stringify((base ?? revision)!.name);
    const value = (member: Member | undefined, type: string): string => (member?.nullable ? `${type} | null` : type);
    const object = (member: Member | undefined, type: string, optional = member?.optional ?? false): string =>
      member ? `{ ${key}${optional ? '?' : ''}: ${value(member, type)} }` : '{}';
    if (direction === 'response') {
      const name = (base ?? revision)!.name;
      const read = base ? ` void r${id}${/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? `.${name}` : `[${key}]`};` : '';
      return `declare const r${id}: ${object(revision, revisionType)};${read} const b${id}: ${object(base, baseType)} = r${id};`;
    }
    // A weak type (only optional properties) refuses an object literal that shares none of them.
    const literalTarget = revision ? `{ ${key}?: ${value(revision, revisionType)}; __probe?: never }` : '{ __probe?: never }';
    const literal = base ? ` const l${id}: ${literalTarget} = { ${key}: null as unknown as ${value(base, baseType)} };` : '';
    return `declare const b${id}: ${object(base, baseType)}; const r${id}: ${object(revision, revisionType)} = b${id};${literal}`;
  }

  /** A value of the base's enum that the revision no longer has (removed, or respelled). */
  enumValue(direction: Direction, value: string, revision: EnumType): string {
    const id = this.next();
    const literal = JSON.stringify(value);
    if (direction === 'request') return `const e${id}: ${this.literals(revision)} = ${literal};`;
    return `declare const e${id}: ${this.literals(revision)}; if (e${id} === ${literal}) { }`;
  }

  /** A tag of the base's union that the revision no longer has (a variant removed, or retagged). */
  variant(direction: Direction, base: UnionType, tag: string, revision: UnionType): string {
    const id = this.next();
    const variant = base.variants.find((entry) => entry.tag === tag);
    if (direction === 'request') {
      const sent = `${this.opaqueOf(variant?.type ?? tag)} & { ${JSON.stringify(base.discriminator)}: ${JSON.stringify(tag)} }`;
      return `declare const v${id}: ${sent}; const u${id}: ${this.shallowUnion(revision)} = v${id};`;
    }
    return `declare const u${id}: ${this.shallowUnion(revision)}; if (u${id}[${JSON.stringify(base.discriminator)}] === ${JSON.stringify(tag)}) { }`;
  }

  /** A schema replaced by another of another name: the two compared whole. */
  renamed(direction: Direction, baseName: string, revisionName: string): string {
    const id = this.next();
    const view = direction === 'request' ? 'W' : 'R';
    const baseType = `Base.${this.wholeName('base', baseName, view)}`;
    const revisionType = `Rev.${this.wholeName('revision', revisionName, view)}`;
    if (direction === 'request') return `declare const b${id}: ${baseType}; const r${id}: ${revisionType} = b${id};`;
    return `declare const r${id}: ${revisionType}; const b${id}: ${baseType} = r${id};`;
  }

  /** The declarations every probe written so far refers to. */
  prelude(): string {
    const lines = [...this.opaque].sort().map((name) => `interface ${name} { readonly ${JSON.stringify(`__${name}`)}: true }`);
    for (const side of ['base', 'revision'] as const) {
      if (this.whole[side].size === 0) continue;
      lines.push(`declare namespace ${side === 'base' ? 'Base' : 'Rev'} {`, ...[...this.whole[side].values()].map((line) => `  ${line}`), '}');
    }
    return lines.join('\n');
  }

  private next(): number {
    this.count += 1;
    return this.count;
  }

  // Both sides of a compared value, with the named types they share made one opaque type.
  private pair(base: TypeRef, revision: TypeRef): [string, string] {
    if (base.kind === 'named' && revision.kind === 'named') {
      const before = this.types.base.get(base.name);
      const after = this.types.revision.get(revision.name);
      if (before && after && before.kind === after.kind) {
        const shared = this.opaqueOf(base.name);
        return [shared, shared];
      }
    }
    if ((base.kind === 'list' && revision.kind === 'list') || (base.kind === 'map' && revision.kind === 'map')) {
      const [before, after] = this.pair(base.of, (revision as typeof base).of);
      return base.kind === 'list' ? [`(${before})[]`, `(${after})[]`] : [`{ [key: string]: ${before} }`, `{ [key: string]: ${after} }`];
    }
    return [this.single(base, 'base'), this.single(revision, 'revision')];
  }

  // A value on one side alone: an enum as its literals, another named type opaque to that side
  // (or opaque by its name alone, where the other side has no value to confuse it with).
  private single(type: TypeRef, side: Side, alone = false): string {
    switch (type.kind) {
      case 'scalar':
        return scalarTypes[type.scalar];
      case 'json':
        return type.shape === 'object' ? '{ [key: string]: unknown }' : 'unknown';
      case 'list':
        return `(${this.single(type.of, side, alone)})[]`;
      case 'map':
        return `{ [key: string]: ${this.single(type.of, side, alone)} }`;
      case 'named': {
        const named = this.types[side].get(type.name);
        if (named?.kind === 'enum') return this.literals(named);
        return this.opaqueOf(alone ? type.name : `${side === 'base' ? 'Base' : 'Rev'}_${type.name}`);
      }
    }
  }

  private literals(type: EnumType): string {
    return type.values.length === 0 ? 'never' : type.values.map((entry) => JSON.stringify(entry.value)).join(' | ');
  }

  private shallowUnion(type: UnionType): string {
    if (type.variants.length === 0) return 'never';
    return type.variants.map((variant) => `(${this.opaqueOf(variant.type)} & { ${JSON.stringify(type.discriminator)}: ${JSON.stringify(variant.tag)} })`).join(' | ');
  }

  private opaqueOf(name: string): string {
    const identifier = `Opaque_${this.identifier(name)}`;
    this.opaque.add(identifier);
    return identifier;
  }

  // A TypeScript identifier for a type name, distinct for distinct names.
  private identifier(name: string): string {
    const known = this.identifiers.get(name);
    if (known !== undefined) return known;
    const base = name.replace(/[^A-Za-z0-9_]/g, '_');
    let candidate = base;
    for (let suffix = 2; this.takenIdentifiers.has(candidate); suffix += 1) candidate = `${base}_${suffix}`;
    this.identifiers.set(name, candidate);
    this.takenIdentifiers.add(candidate);
    return candidate;
  }

  // The whole type of a named type as one side's generated TypeScript reads it, in one view
  // (W: what clients send, R: what they read), declared with everything it refers to.
  private wholeName(side: Side, name: string, view: 'R' | 'W'): string {
    const alias = `${view}_${this.identifier(name)}`;
    const declared = this.whole[side];
    if (declared.has(alias)) return alias;
    declared.set(alias, '');
    const type = this.types[side].get(name);
    declared.set(alias, `type ${alias} = ${type ? this.wholeBody(side, type, view) : 'unknown'};`);
    return alias;
  }

  private wholeBody(side: Side, type: NamedType, view: 'R' | 'W'): string {
    if (type.kind === 'enum') return this.literals(type);
    if (type.kind === 'union') {
      if (type.variants.length === 0) return 'never';
      return type.variants
        .map((variant) => `(${this.wholeName(side, variant.type, view)} & { ${JSON.stringify(type.discriminator)}: ${JSON.stringify(variant.tag)} })`)
        .join(' | ');
    }
    return this.wholeObject(side, type, view);
  }

  private wholeObject(side: Side, type: ObjectType, view: 'R' | 'W'): string {
    const fields = type.fields.filter((field) => (view === 'W' ? !field.readOnly : !field.writeOnly));
    if (fields.length === 0) return '{ [key: string]: unknown }';
    const members = fields.map((field) => `${JSON.stringify(field.name)}${field.required ? '' : '?'}: ${this.wholeValue(side, field.type, view)}${field.nullable ? ' | null' : ''}`);
    return `{ ${members.join('; ')} }`;
  }

  private wholeValue(side: Side, type: TypeRef, view: 'R' | 'W'): string {
    switch (type.kind) {
      case 'named':
        return this.wholeName(side, type.name, view);
      case 'list':
        return `(${this.wholeValue(side, type.of, view)})[]`;
      case 'map':
        return `{ [key: string]: ${this.wholeValue(side, type.of, view)} }`;
      default:
        return this.single(type, side);
    }
  }
}
