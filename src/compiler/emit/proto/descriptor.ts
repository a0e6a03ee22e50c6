import { create, type MessageInitShape } from '@bufbuild/protobuf';
import {
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as Type,
  FileDescriptorProtoSchema,
  type DescriptorProtoSchema,
  type EnumDescriptorProtoSchema,
  type FieldDescriptorProtoSchema,
  type FileDescriptorProto,
  type ServiceDescriptorProtoSchema,
} from '@bufbuild/protobuf/wkt';
import type { ProtoEnum, ProtoField, ProtoFile, ProtoMessage, ProtoService } from './ast.ts';
import { jsonName, mapEntryName, typeResolver, type TypeResolver } from './protoc-names.ts';
import { fieldText, reservedLines, SourceLayout } from './source-layout.ts';
import { wellKnownFile } from './well-known.ts';

type MessageInit = MessageInitShape<typeof DescriptorProtoSchema>;
type FieldInit = MessageInitShape<typeof FieldDescriptorProtoSchema>;
type ServiceInit = MessageInitShape<typeof ServiceDescriptorProtoSchema>;
type EnumInit = MessageInitShape<typeof EnumDescriptorProtoSchema>;

/**
 * The `google.protobuf.FileDescriptorProto` of a proto file, as protoc and buf compile the text
 * `writeProtoFile` prints for it: fully qualified type names, JSON names, map fields as nested
 * `<Field>Entry` messages, `optional` fields as proto3 optional in synthetic oneofs after the real
 * ones. Its SourceCodeInfo holds the locations that carry comments (what code generators and
 * reflection clients read), each with the span the element has in the printed text.
 */
export function toFileDescriptor(file: ProtoFile): FileDescriptorProto {
  const imported = file.imports.map((path) => {
    const found = wellKnownFile(path);
    if (!found) throw new Error(`${file.path}: no descriptor for the import '${path}'`);
    return found;
  });
  const resolve = typeResolver(file, imported);
  const layout = new SourceLayout(file);
  const syntax = layout.syntax();
  const services = file.services.map((service, index) => toService(service, [6, index], file.package, resolve, layout));
  const messages = file.messages.map((message, index) => toMessage(message, [4, index], file.package, resolve, layout));
  const enums = file.enums.map((protoEnum, index) => toEnum(protoEnum, [5, index], layout));
  return create(FileDescriptorProtoSchema, {
    name: file.path,
    package: file.package,
    dependency: file.imports,
    messageType: messages,
    enumType: enums,
    service: services,
    sourceCodeInfo: { location: [syntax, ...layout.locations] },
    syntax: 'proto3',
  });
}

/**
 * The descriptors of some proto files and of every file they import, each once and after what it
 * imports: the order a `CodeGeneratorRequest` and a reflection index want.
 */
export function toFileDescriptorSet(files: readonly ProtoFile[]): FileDescriptorProto[] {
  const ordered = new Map<string, FileDescriptorProto>();
  const add = (descriptor: FileDescriptorProto): void => {
    if (ordered.has(descriptor.name)) return;
    for (const dependency of descriptor.dependency) {
      const found = wellKnownFile(dependency);
      if (!found) throw new Error(`${descriptor.name}: no descriptor for the import '${dependency}'`);
      add(found);
    }
    ordered.set(descriptor.name, descriptor);
  };
  for (const file of files) add(toFileDescriptor(file));
  return [...ordered.values()];
}

function toService(service: ProtoService, path: number[], pkg: string, resolve: TypeResolver, layout: SourceLayout): ServiceInit {
  const scope = `${pkg}.${service.name}`;
  const location = layout.open(path, service.comment);
  const methods = service.methods.map((method, index) => {
    if (index > 0) layout.blankLine();
    const input = `${method.clientStreaming ? 'stream ' : ''}${method.input}`;
    const output = `${method.serverStreaming ? 'stream ' : ''}${method.output}`;
    // A deprecated method takes three lines: its option goes in a body.
    if (method.deprecated) layout.block([...path, 2, index], method.comment, 2, 3, '  }'.length);
    else layout.line([...path, 2, index], method.comment, 2, `  rpc ${method.name}(${input}) returns (${output});`);
    return {
      name: method.name,
      inputType: resolveMessage(resolve, method.input, scope),
      outputType: resolveMessage(resolve, method.output, scope),
      ...(method.deprecated ? { options: { deprecated: true } } : {}),
      ...(method.clientStreaming ? { clientStreaming: true } : {}),
      ...(method.serverStreaming ? { serverStreaming: true } : {}),
    };
  });
  layout.close(location);
  return { name: service.name, method: methods };
}

function toMessage(message: ProtoMessage, path: number[], pkg: string, resolve: TypeResolver, layout: SourceLayout): MessageInit {
  const scope = `${pkg}.${message.name}`;
  const location = layout.open(path, message.comment);
  if (message.deprecated) layout.skip(1);
  layout.skip(reservedLines(message.reserved));
  const fields: FieldInit[] = [];
  const nested: MessageInit[] = [];
  const optional: FieldInit[] = [];
  const toField = (field: ProtoField, indent: string, oneofIndex: number | undefined): void => {
    layout.line([...path, 2, fields.length], field.comment, indent.length, `${indent}${fieldText(field)}`);
    const init: FieldInit = { name: field.name, number: field.number, label: Label.OPTIONAL, jsonName: field.jsonName ?? jsonName(field.name) };
    if (field.map) {
      const entry = mapEntryName(field.name);
      nested.push(mapEntry(entry, resolve(field.type, scope)));
      Object.assign(init, { label: Label.REPEATED, type: Type.MESSAGE, typeName: `.${scope}.${entry}` });
    } else {
      Object.assign(init, resolve(field.type, scope));
      if (field.label === 'repeated') init.label = Label.REPEATED;
    }
    if (oneofIndex !== undefined) init.oneofIndex = oneofIndex;
    if (field.deprecated) init.options = { deprecated: true };
    if (field.label === 'optional' && !field.map) {
      init.proto3Optional = true;
      optional.push(init);
    }
    fields.push(init);
  };
  for (const field of message.fields) toField(field, '  ', undefined);
  message.oneofs.forEach((oneof, index) => {
    layout.skip(1);
    for (const field of oneof.fields) toField(field, '    ', index);
    layout.skip(1);
  });
  if (layout.isEmpty(location)) layout.closeEmpty(location, `message ${message.name} {}`);
  else layout.close(location);
  return {
    name: message.name,
    field: fields,
    nestedType: nested,
    oneofDecl: [...message.oneofs.map((oneof) => ({ name: oneof.name })), ...syntheticOneofs(message, fields, nested, optional)],
    ...(message.deprecated ? { options: { deprecated: true } } : {}),
    reservedRange: message.reserved.numbers.map((number) => ({ start: number, end: number + 1 })),
    reservedName: message.reserved.names,
  };
}

// A proto3 `optional` field sits alone in a oneof named after it, after the real oneofs; the name
// is made unique against the message's other names as buf does (protoc's rule, plus nested types).
function syntheticOneofs(message: ProtoMessage, fields: FieldInit[], nested: MessageInit[], optional: FieldInit[]): Array<{ name: string }> {
  const taken = new Set<string>([...fields.map((field) => field.name ?? ''), ...message.oneofs.map((oneof) => oneof.name), ...nested.map((entry) => entry.name ?? '')]);
  return optional.map((field, index) => {
    let name = field.name ?? '';
    if (!name.startsWith('_')) name = `_${name}`;
    while (taken.has(name)) name = `X${name}`;
    taken.add(name);
    field.oneofIndex = message.oneofs.length + index;
    return { name };
  });
}

function toEnum(protoEnum: ProtoEnum, path: number[], layout: SourceLayout): EnumInit {
  const location = layout.open(path, protoEnum.comment);
  if (protoEnum.deprecated) layout.skip(1);
  layout.skip(reservedLines(protoEnum.reserved));
  const values = protoEnum.values.map((value, index) => {
    layout.line([...path, 2, index], value.comment, 2, `  ${value.name} = ${value.number};`);
    return { name: value.name, number: value.number };
  });
  layout.close(location);
  return {
    name: protoEnum.name,
    value: values,
    ...(protoEnum.deprecated ? { options: { deprecated: true } } : {}),
    // Enum ranges include their end, message ranges do not.
    reservedRange: protoEnum.reserved.numbers.map((number) => ({ start: number, end: number })),
    reservedName: protoEnum.reserved.names,
  };
}

/** The nested message protoc makes for a `map<string, V>` field: `key` and `value`, marked as a map entry. */
export function mapEntry(name: string, value: Pick<FieldInit, 'type' | 'typeName'>, keyType: Type = Type.STRING): MessageInit {
  return {
    name,
    field: [
      { name: 'key', number: 1, label: Label.OPTIONAL, type: keyType, jsonName: 'key' },
      { name: 'value', number: 2, label: Label.OPTIONAL, ...value, jsonName: 'value' },
    ],
    options: { mapEntry: true },
  };
}

function resolveMessage(resolve: TypeResolver, name: string, scope: string): string {
  const resolved = resolve(name, scope);
  if (resolved.type !== Type.MESSAGE || resolved.typeName === undefined) throw new Error(`${scope}: '${name}' is not a message`);
  return resolved.typeName;
}
