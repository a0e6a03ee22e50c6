import type { Api, Field, NamedType, TypeRef } from '../../compiler/ir.ts';
import { fieldProtoName, protoEnumValueName, snakeCase } from '../../compiler/names.ts';

type Message = Record<string, unknown>;

interface ConvertedField {
  json: string;
  proto: string;
  field: Field;
}

/**
 * Converts between messages as `@grpc/proto-loader` decodes them (snake_case fields, enums as
 * names, int64 as strings, oneof names set) and the contract's JSON, guided by the IR.
 * Absent proto3 scalars of required fields take their proto defaults, as on the wire.
 */
export class ProtoShapes {
  private readonly types: ReadonlyMap<string, NamedType>;
  private readonly toEnumName = new Map<string, Map<string, string>>();
  private readonly fromEnumName = new Map<string, Map<string, string>>();
  /** By object type: each property's JSON and proto names, worked out once rather than per message. */
  private readonly fields = new Map<string, readonly ConvertedField[]>();

  constructor(api: Api) {
    this.types = new Map(api.types.map((type) => [type.name, type]));
    for (const type of api.types) {
      if (type.kind === 'object') this.fields.set(type.name, type.fields.map((field) => ({ json: field.name, proto: fieldProtoName(field), field })));
      if (type.kind !== 'enum') continue;
      const pairs = type.values.map((value) => [value.value, protoEnumValueName(type.name, value)] as const);
      this.toEnumName.set(type.name, new Map(pairs));
      this.fromEnumName.set(type.name, new Map(pairs.map(([json, proto]) => [proto, json])));
    }
  }

  /** A decoded proto value as contract JSON. */
  toJson(value: unknown, type: TypeRef): unknown {
    if (value === null || value === undefined) return undefined;
    switch (type.kind) {
      case 'list':
        return Array.isArray(value) ? value.map((item) => this.toJson(item, type.of)) : value;
      case 'map':
        return Object.fromEntries(Object.entries(value as Message).map(([key, item]) => [key, this.toJson(item, type.of)]));
      case 'json':
        return type.shape === 'object' ? structToJson(value as Message) : valueToJson(value as Message);
      case 'scalar':
        switch (type.scalar) {
          case 'int64':
            return typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
          case 'datetime':
            return timestampToJson(value as { seconds?: string | number; nanos?: number });
          case 'bytes':
            return Buffer.isBuffer(value) ? value.toString('base64') : value;
          default:
            return value;
        }
      case 'named':
        return this.namedToJson(value, type.name);
    }
  }

  /** Contract JSON as a proto value for `@grpc/proto-loader` to encode. */
  fromJson(value: unknown, type: TypeRef): unknown {
    if (value === null || value === undefined) return undefined;
    switch (type.kind) {
      case 'list':
        return Array.isArray(value) ? value.map((item) => this.fromJson(item, type.of)) : value;
      case 'map':
        return Object.fromEntries(Object.entries(value as Message).map(([key, item]) => [key, this.fromJson(item, type.of)]));
      case 'json':
        return type.shape === 'object' ? jsonToStruct(value as Message) : jsonToValue(value);
      case 'scalar':
        switch (type.scalar) {
          case 'int64':
            return typeof value === 'number' ? String(Math.trunc(value)) : value;
          case 'datetime':
            return typeof value === 'string' ? jsonToTimestamp(value) : value;
          case 'bytes':
            return typeof value === 'string' ? Buffer.from(value, 'base64') : value;
          default:
            return value;
        }
      case 'named':
        return this.namedFromJson(value, type.name);
    }
  }

  private namedToJson(value: unknown, name: string): unknown {
    const type = this.types.get(name);
    if (type?.kind === 'enum') return typeof value === 'string' ? this.fromEnumName.get(name)?.get(value) : value;
    if (type === undefined || typeof value !== 'object') return value;
    const message = value as Message;
    if (type.kind === 'union') {
      const set = type.variants.find((variant) => message[snakeCase(variant.tag)] !== undefined && message[snakeCase(variant.tag)] !== null);
      if (!set) return undefined;
      return { ...(this.namedToJson(message[snakeCase(set.tag)], set.type) as Message), [type.discriminator]: set.tag };
    }
    const out: Message = {};
    for (const { json, proto, field } of this.fields.get(name) ?? []) {
      const item = this.toJson(message[proto], field.type);
      if (item !== undefined) out[json] = item;
      else if (field.required) {
        const filled = missingRequiredValue(field);
        if (filled !== undefined) out[json] = filled;
      }
    }
    return out;
  }

  private namedFromJson(value: unknown, name: string): unknown {
    const type = this.types.get(name);
    if (type?.kind === 'enum') return typeof value === 'string' ? this.toEnumName.get(name)?.get(value) : value;
    if (type === undefined || typeof value !== 'object') return value;
    const record = value as Message;
    if (type.kind === 'union') {
      const variant = type.variants.find((candidate) => candidate.tag === record[type.discriminator]);
      return variant ? { [snakeCase(variant.tag)]: this.namedFromJson(value, variant.type) } : {};
    }
    const out: Message = {};
    for (const { json, proto, field } of this.fields.get(name) ?? []) {
      const item = this.fromJson(record[json], field.type);
      if (item !== undefined) out[proto] = item;
    }
    return out;
  }
}

/**
 * What a required property of a message the client left unset becomes in the contract's JSON:
 * null when it may be null, else the proto default of a scalar (`""`, `0`, `false`) or an empty
 * list; undefined (left missing) for a message, an enum and a date-time.
 */
export function missingRequiredValue(field: Pick<Field, 'type' | 'nullable'>): unknown {
  if (field.nullable) return null;
  if (field.type.kind === 'scalar') return protoDefault(field.type.scalar);
  return field.type.kind === 'list' ? [] : undefined;
}

function protoDefault(scalar: string): unknown {
  if (scalar === 'boolean') return false;
  if (['int32', 'int64', 'float', 'double'].includes(scalar)) return 0;
  return scalar === 'datetime' ? undefined : '';
}

function timestampToJson(value: { seconds?: string | number; nanos?: number }): string {
  const millis = Number(value.seconds ?? 0) * 1000 + Math.floor((value.nanos ?? 0) / 1e6);
  return new Date(millis).toISOString();
}

function jsonToTimestamp(value: string): unknown {
  const millis = Date.parse(value);
  if (Number.isNaN(millis)) return undefined;
  return { seconds: String(Math.floor(millis / 1000)), nanos: (((millis % 1000) + 1000) % 1000) * 1e6 };
}

// google.protobuf.Value and Struct, as proto-loader decodes them with `oneofs: true`.
function valueToJson(value: Message): unknown {
  switch (value.kind) {
    case 'nullValue':
      return null;
    case 'numberValue':
    case 'stringValue':
    case 'boolValue':
      return value[value.kind];
    case 'structValue':
      return structToJson(value.structValue as Message);
    case 'listValue':
      return ((value.listValue as { values?: Message[] }).values ?? []).map(valueToJson);
    default:
      return null;
  }
}

function structToJson(struct: Message): Message {
  const fields = (struct.fields ?? {}) as Record<string, Message>;
  return Object.fromEntries(Object.entries(fields).map(([key, item]) => [key, valueToJson(item)]));
}

function jsonToValue(value: unknown): Message {
  if (value === null || value === undefined) return { nullValue: 'NULL_VALUE' };
  if (typeof value === 'number') return { numberValue: value };
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (Array.isArray(value)) return { listValue: { values: value.map(jsonToValue) } };
  return { structValue: jsonToStruct(value as Message) };
}

function jsonToStruct(value: Message): Message {
  return { fields: Object.fromEntries(Object.entries(value).map(([key, item]) => [key, jsonToValue(item)])) };
}
