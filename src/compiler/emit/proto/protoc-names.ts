import { FieldDescriptorProto_Type as Type, type FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import type { ProtoFile } from './ast.ts';

// The names protoc derives (JSON names, map entries) and how it resolves the type names of a file.

/** protoc's name of the entry message of a map field: `label_values` -> `LabelValuesEntry`. */
export function mapEntryName(fieldName: string): string {
  let name = '';
  let upper = true;
  for (const char of fieldName) {
    if (char === '_') upper = true;
    else {
      name += upper && char >= 'a' && char <= 'z' ? char.toUpperCase() : char;
      upper = false;
    }
  }
  return `${name}Entry`;
}

/** protoc's default JSON name of a field: each underscore dropped and the character after it upper-cased. */
export function jsonName(fieldName: string): string {
  let name = '';
  let upper = false;
  for (const char of fieldName) {
    if (char === '_') upper = true;
    else {
      name += upper ? char.toUpperCase() : char;
      upper = false;
    }
  }
  return name;
}

const scalars: Record<string, Type> = {
  double: Type.DOUBLE,
  float: Type.FLOAT,
  int64: Type.INT64,
  uint64: Type.UINT64,
  int32: Type.INT32,
  fixed64: Type.FIXED64,
  fixed32: Type.FIXED32,
  bool: Type.BOOL,
  string: Type.STRING,
  bytes: Type.BYTES,
  uint32: Type.UINT32,
  sfixed32: Type.SFIXED32,
  sfixed64: Type.SFIXED64,
  sint32: Type.SINT32,
  sint64: Type.SINT64,
};

/** A field's `type` and, for a message or an enum, its fully qualified `type_name`. */
export interface Resolved {
  type: Type;
  typeName?: string;
}

/** Resolves a type name written in a file, inside a scope (`pkg.Message`, `pkg.Service`). */
export type TypeResolver = (name: string, scope: string) => Resolved;

/**
 * Resolves a type name as protoc does: a leading dot is absolute; otherwise the first part of the
 * name is looked up from the innermost scope outwards (a field named `google` does not hide the
 * package, a message of that name would), and the rest is looked up inside what it found.
 */
export function typeResolver(file: ProtoFile, imported: readonly FileDescriptorProto[]): TypeResolver {
  const symbols = new Map<string, 'package' | 'message' | 'enum'>();
  const addPackage = (pkg: string): void => {
    const parts = pkg.split('.');
    for (let length = 1; length <= parts.length; length += 1) symbols.set(parts.slice(0, length).join('.'), 'package');
  };
  addPackage(file.package);
  for (const message of file.messages) {
    symbols.set(`${file.package}.${message.name}`, 'message');
    for (const field of message.fields) if (field.map) symbols.set(`${file.package}.${message.name}.${mapEntryName(field.name)}`, 'message');
  }
  for (const protoEnum of file.enums) symbols.set(`${file.package}.${protoEnum.name}`, 'enum');
  for (const descriptor of imported) {
    addPackage(descriptor.package);
    const addMessages = (scope: string, messages: FileDescriptorProto['messageType']): void => {
      for (const message of messages) {
        symbols.set(`${scope}.${message.name}`, 'message');
        for (const nested of message.enumType) symbols.set(`${scope}.${message.name}.${nested.name}`, 'enum');
        addMessages(`${scope}.${message.name}`, message.nestedType);
      }
    };
    addMessages(descriptor.package, descriptor.messageType);
    for (const protoEnum of descriptor.enumType) symbols.set(`${descriptor.package}.${protoEnum.name}`, 'enum');
  }
  const found = (fullName: string, written: string): Resolved => {
    const kind = symbols.get(fullName);
    if (kind !== 'message' && kind !== 'enum') throw new Error(`${file.path}: unknown type '${written}'`);
    return { type: kind === 'message' ? Type.MESSAGE : Type.ENUM, typeName: `.${fullName}` };
  };
  return (name, scope) => {
    const scalar = scalars[name];
    if (scalar !== undefined) return { type: scalar };
    if (name.startsWith('.')) return found(name.slice(1), name);
    const [first = '', ...rest] = name.split('.');
    for (let outer: string | undefined = scope; outer !== undefined; outer = outer === '' ? undefined : outer.slice(0, Math.max(outer.lastIndexOf('.'), 0))) {
      const candidate = outer === '' ? first : `${outer}.${first}`;
      const kind = symbols.get(candidate);
      if (kind === undefined) continue;
      if (rest.length > 0) return found(`${candidate}.${rest.join('.')}`, name);
      if (kind !== 'package') return found(candidate, name);
    }
    throw new Error(`${file.path}: unknown type '${name}'`);
  };
}
