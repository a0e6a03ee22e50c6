import { createRequire } from 'node:module';
import { create, fromJson, type MessageInitShape } from '@bufbuild/protobuf';
import {
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as Type,
  FileDescriptorProtoSchema,
  FileOptionsSchema,
  type DescriptorProtoSchema,
  type EnumDescriptorProtoSchema,
  type FieldDescriptorProtoSchema,
  type FileDescriptorProto,
  type ServiceDescriptorProtoSchema,
} from '@bufbuild/protobuf/wkt';
import type * as Protobuf from 'protobufjs';
import { mapEntry } from '../../compiler/emit/proto/descriptor.ts';
import { jsonName, mapEntryName } from '../../compiler/emit/proto/protoc-names.ts';

// The protobufjs that @grpc/proto-loader (and so @grpc/reflection) parses with.
const protobuf = createRequire(createRequire(import.meta.url).resolve('@grpc/proto-loader'))('protobufjs') as typeof Protobuf;

type MessageInit = MessageInitShape<typeof DescriptorProtoSchema>;
type FieldInit = MessageInitShape<typeof FieldDescriptorProtoSchema>;

/**
 * The descriptor of a self-contained proto3 file (one package, no imports), parsed by protobufjs
 * and described as protoc would: named by its import path, type names fully qualified, JSON names
 * set, map fields with `<Field>Entry` messages. protobufjs's own `toDescriptor` names files after
 * packages, writes relative type names and renames map entries, which reflection clients reject.
 * No source info: reflection clients do not need it.
 */
export function protobufjsFileDescriptor(source: string, path: string, pkg: string): FileDescriptorProto {
  const root = new protobuf.Root();
  root.loadSync(source, { keepCase: true });
  root.resolveAll();
  if (root.files.length !== 1) throw new Error(`${path} imports other files`);
  const namespace = root.lookup(pkg);
  if (!(namespace instanceof protobuf.Namespace)) throw new Error(`${path} has no package ${pkg}`);
  const items = namespace.nestedArray;
  return create(FileDescriptorProtoSchema, {
    name: path,
    package: pkg,
    messageType: items.filter((item) => item instanceof protobuf.Type).map(toMessage),
    enumType: items.filter((item) => item instanceof protobuf.Enum).map(toEnum),
    service: items.filter((item) => item instanceof protobuf.Service).map(toService),
    // protobufjs keeps a file's options on its package.
    ...(namespace.options ? { options: fromJson(FileOptionsSchema, namespace.options, { ignoreUnknownFields: true }) } : {}),
    syntax: 'proto3',
  });
}

function toMessage(type: Protobuf.Type): MessageInit {
  const entries: MessageInit[] = [];
  const fields = type.fieldsArray.map((field): FieldInit => {
    const init: FieldInit = { name: field.name, number: field.id, label: field.repeated ? Label.REPEATED : Label.OPTIONAL, jsonName: jsonName(field.name) };
    if (field instanceof protobuf.MapField) {
      const entry = mapEntryName(field.name);
      entries.push(mapEntry(entry, typeOf(field), scalar(field.keyType)));
      Object.assign(init, { label: Label.REPEATED, type: Type.MESSAGE, typeName: `${type.fullName}.${entry}` });
    } else {
      Object.assign(init, typeOf(field));
    }
    if (field.partOf) init.oneofIndex = type.oneofsArray.indexOf(field.partOf);
    if (field.options?.proto3_optional === true) init.proto3Optional = true;
    if (field.options?.deprecated === true) init.options = { deprecated: true };
    return init;
  });
  const nested = type.nestedArray;
  return {
    name: type.name,
    field: fields,
    nestedType: [...nested.filter((item) => item instanceof protobuf.Type).map(toMessage), ...entries],
    enumType: nested.filter((item) => item instanceof protobuf.Enum).map(toEnum),
    oneofDecl: type.oneofsArray.map((oneof) => ({ name: oneof.name })),
    // protobufjs ranges include their end; a message's do not.
    reservedRange: (type.reserved ?? []).filter((item) => Array.isArray(item)).map(([start = 0, end = 0]) => ({ start, end: end + 1 })),
    reservedName: (type.reserved ?? []).filter((item) => typeof item === 'string'),
  };
}

function typeOf(field: Protobuf.Field): Pick<FieldInit, 'type' | 'typeName'> {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return { type: Type.MESSAGE, typeName: resolved.fullName };
  if (resolved instanceof protobuf.Enum) return { type: Type.ENUM, typeName: resolved.fullName };
  return { type: scalar(field.type) };
}

function scalar(name: string): Type {
  const type = Type[name.toUpperCase() as keyof typeof Type];
  if (type === undefined || type === Type.GROUP || type === Type.MESSAGE || type === Type.ENUM) throw new Error(`unknown scalar type '${name}'`);
  return type;
}

function toEnum(protoEnum: Protobuf.Enum): MessageInitShape<typeof EnumDescriptorProtoSchema> {
  return { name: protoEnum.name, value: Object.entries(protoEnum.values).map(([name, number]) => ({ name, number })) };
}

function toService(service: Protobuf.Service): MessageInitShape<typeof ServiceDescriptorProtoSchema> {
  return {
    name: service.name,
    method: service.methodsArray.map((method) => ({
      name: method.name,
      inputType: method.resolvedRequestType?.fullName ?? '',
      outputType: method.resolvedResponseType?.fullName ?? '',
      ...(method.requestStream ? { clientStreaming: true } : {}),
      ...(method.responseStream ? { serverStreaming: true } : {}),
    })),
  };
}
