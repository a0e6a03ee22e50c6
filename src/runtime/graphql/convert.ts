import type { Api, Field, NamedType, TypeRef } from '../../compiler/ir.ts';
import { camelCase, enumValueName, fieldGraphqlName } from '../../compiler/names.ts';

interface ConvertedField {
  json: string;
  graphql: string;
  type: TypeRef;
}

/**
 * Converts between GraphQL values and the contract's JSON, guided by the IR: field and argument
 * names, enum spellings (`IN_REVIEW` <-> `in_review`), int64 (`Long` strings <-> JSON numbers) and
 * union members (`@oneOf` inputs in, `__typename` out).
 */
export class GraphqlShapes {
  private readonly types: ReadonlyMap<string, NamedType>;
  /** By enum: GraphQL name -> JSON value, and JSON value -> GraphQL name. */
  private readonly enumValues = new Map<string, Map<string, string>>();
  private readonly enumNames = new Map<string, Map<string, string>>();
  /**
   * By object type: each property's JSON name, GraphQL name and type, worked out once rather than
   * on every value converted (output leaves write-only properties out).
   */
  private readonly inputFields = new Map<string, readonly ConvertedField[]>();
  private readonly outputFields = new Map<string, readonly ConvertedField[]>();

  constructor(api: Api) {
    this.types = new Map(api.types.map((type) => [type.name, type]));
    for (const type of api.types) {
      if (type.kind === 'object') {
        const converted = (field: Field): ConvertedField => ({ json: field.name, graphql: fieldGraphqlName(field), type: field.type });
        this.inputFields.set(type.name, type.fields.map(converted));
        this.outputFields.set(type.name, type.fields.filter((field) => !field.writeOnly).map(converted));
      }
      if (type.kind !== 'enum') continue;
      this.enumValues.set(type.name, new Map(type.values.map((value) => [enumValueName(value), value.value])));
      this.enumNames.set(type.name, new Map(type.values.map((value) => [value.value, enumValueName(value)])));
    }
  }

  /** A GraphQL argument or input value as contract JSON. */
  toJson(value: unknown, type: TypeRef): unknown {
    if (value === null || value === undefined) return value;
    switch (type.kind) {
      case 'list':
        return Array.isArray(value) ? value.map((item) => this.toJson(item, type.of)) : value;
      case 'map':
      case 'json':
        return value;
      case 'scalar':
        return type.scalar === 'int64' && typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
      case 'named':
        return this.namedToJson(value, type.name);
    }
  }

  /** Contract JSON as the GraphQL value of `type`. */
  fromJson(value: unknown, type: TypeRef): unknown {
    if (value === null || value === undefined) return value;
    switch (type.kind) {
      case 'list':
        return Array.isArray(value) ? value.map((item) => this.fromJson(item, type.of)) : value;
      case 'map':
      case 'json':
        return value;
      case 'scalar':
        return type.scalar === 'int64' && typeof value === 'number' ? String(value) : value;
      case 'named':
        return this.namedFromJson(value, type.name);
    }
  }

  private namedToJson(value: unknown, name: string): unknown {
    const type = this.types.get(name);
    if (type?.kind === 'enum') return typeof value === 'string' ? (this.enumValues.get(name)?.get(value) ?? value) : value;
    if (type === undefined || typeof value !== 'object') return value;
    const record = value as Record<string, unknown>;
    if (type.kind === 'union') {
      // A @oneOf input holds exactly one member, keyed by the camelCased tag.
      const variant = type.variants.find((candidate) => record[camelCase(candidate.tag)] !== undefined && record[camelCase(candidate.tag)] !== null);
      if (!variant) return value;
      const member = this.namedToJson(record[camelCase(variant.tag)], variant.type) as Record<string, unknown>;
      return { ...member, [type.discriminator]: variant.tag };
    }
    const out: Record<string, unknown> = {};
    for (const field of this.inputFields.get(name) ?? []) {
      const item = record[field.graphql];
      if (item !== undefined) out[field.json] = this.toJson(item, field.type);
    }
    return out;
  }

  private namedFromJson(value: unknown, name: string): unknown {
    const type = this.types.get(name);
    if (type?.kind === 'enum') return typeof value === 'string' ? (this.enumNames.get(name)?.get(value) ?? value) : value;
    if (type === undefined || typeof value !== 'object') return value;
    const record = value as Record<string, unknown>;
    if (type.kind === 'union') {
      const tag = record[type.discriminator];
      const variant = type.variants.find((candidate) => candidate.tag === tag) ?? type.variants[0];
      return variant ? this.namedFromJson(value, variant.type) : value;
    }
    const out: Record<string, unknown> = { __typename: type.name };
    for (const field of this.outputFields.get(name) ?? []) {
      const item = record[field.json];
      if (item !== undefined) out[field.graphql] = this.fromJson(item, field.type);
    }
    return out;
  }
}
