/**
 * The target model of the proto emitter: just what a proto3 file of ours can contain. Fields and
 * enum values are made by the constructors below, which give every one all its properties in one
 * order: a large document has a hundred thousand of them, and objects of one shape are what the
 * later passes (clashes, lock, printer) read fastest.
 */

export interface ProtoFile {
  /** Path inside `generated/proto`, matching the package (buf's PACKAGE_DIRECTORY_MATCH). */
  path: string;
  package: string;
  comment?: string;
  imports: string[];
  services: ProtoService[];
  messages: ProtoMessage[];
  enums: ProtoEnum[];
}

export interface ProtoService {
  name: string;
  comment?: string;
  methods: ProtoMethod[];
}

export interface ProtoMethod {
  name: string;
  comment?: string;
  input: string;
  output: string;
  clientStreaming: boolean;
  serverStreaming: boolean;
  deprecated: boolean;
}

/** What the lock numbers: the JSON pointer of the contract node, for diagnostics. */
export interface Numbered {
  name: string;
  /**
   * Assigned by the lock. The emitter numbers in order, as a first run of the lock would, so the
   * lock copies only what it numbers differently.
   */
  number: number;
  /** An explicit number from the contract, which wins over the lock. */
  explicitNumber?: number;
  pointer?: string;
}

export interface ProtoField extends Numbered {
  type: string;
  label?: 'optional' | 'repeated';
  /** Set for `map<string, V>` fields; `type` is then the value type. */
  map?: boolean;
  jsonName?: string;
  deprecated: boolean;
  comment?: string;
}

export interface ProtoOneof {
  name: string;
  fields: ProtoField[];
}

export interface Reserved {
  numbers: number[];
  names: string[];
}

export interface ProtoMessage {
  name: string;
  /** Set on the messages generated for an rpc, as opposed to the contract's own types. */
  role?: 'request' | 'response';
  comment?: string;
  deprecated: boolean;
  fields: ProtoField[];
  oneofs: ProtoOneof[];
  reserved: Reserved;
  pointer?: string;
}

export interface ProtoEnumValue extends Numbered {
  comment?: string;
}

export interface ProtoEnum {
  name: string;
  comment?: string;
  deprecated: boolean;
  /** The `_UNSPECIFIED = 0` value comes first and is not locked. */
  values: ProtoEnumValue[];
  reserved: Reserved;
  pointer?: string;
}

export function protoField(
  name: string,
  type: string,
  label: ProtoField['label'],
  map: boolean,
  jsonName: string | undefined,
  deprecated: boolean,
  comment: string | undefined,
  explicitNumber: number | undefined,
  pointer: string | undefined,
  number = 0,
): ProtoField {
  return { name, number, type, label, map, jsonName, deprecated, comment, explicitNumber, pointer };
}

export function protoEnumValue(name: string, comment: string | undefined, explicitNumber: number | undefined, number = 0): ProtoEnumValue {
  return { name, number, explicitNumber, pointer: undefined, comment };
}

/** The field with that number: itself when it has it already, else a copy. */
export function numberedField(field: ProtoField, number: number): ProtoField {
  if (field.number === number) return field;
  return protoField(field.name, field.type, field.label, field.map ?? false, field.jsonName, field.deprecated, field.comment, field.explicitNumber, field.pointer, number);
}

/** The enum value with that number: itself when it has it already, else a copy. */
export function numberedEnumValue(value: ProtoEnumValue, number: number): ProtoEnumValue {
  if (value.number === number) return value;
  return { name: value.name, number, explicitNumber: value.explicitNumber, pointer: value.pointer, comment: value.comment };
}
