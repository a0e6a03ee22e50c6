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
  type SourceCodeInfo_LocationSchema,
} from '@bufbuild/protobuf/wkt';
import type { ProtoEnum, ProtoField, ProtoFile, ProtoMessage, ProtoService, Reserved } from './ast.ts';
import { wellKnownFile } from './well-known.ts';

type MessageInit = MessageInitShape<typeof DescriptorProtoSchema>;
type FieldInit = MessageInitShape<typeof FieldDescriptorProtoSchema>;
type ServiceInit = MessageInitShape<typeof ServiceDescriptorProtoSchema>;
type EnumInit = MessageInitShape<typeof EnumDescriptorProtoSchema>;
type Location = MessageInitShape<typeof SourceCodeInfo_LocationSchema> & { span: number[] };

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
  const layout = new Layout(file);
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

function toService(service: ProtoService, path: number[], pkg: string, resolve: TypeResolver, layout: Layout): ServiceInit {
  const scope = `${pkg}.${service.name}`;
  const location = layout.open(path, service.comment);
  const methods = service.methods.map((method, index) => {
    if (index > 0) layout.blankLine();
    const input = `${method.clientStreaming ? 'stream ' : ''}${method.input}`;
    const output = `${method.serverStreaming ? 'stream ' : ''}${method.output}`;
    const signature = `  rpc ${method.name}(${input}) returns (${output})`;
    if (method.deprecated) layout.block([...path, 2, index], method.comment, 2, 3, 3);
    else layout.line([...path, 2, index], method.comment, 2, `${signature};`);
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

function toMessage(message: ProtoMessage, path: number[], pkg: string, resolve: TypeResolver, layout: Layout): MessageInit {
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

function toEnum(protoEnum: ProtoEnum, path: number[], layout: Layout): EnumInit {
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
type Resolved = Pick<FieldInit, 'type' | 'typeName'>;
type TypeResolver = (name: string, scope: string) => Resolved;

function resolveMessage(resolve: TypeResolver, name: string, scope: string): string {
  const resolved = resolve(name, scope);
  if (resolved.type !== Type.MESSAGE || resolved.typeName === undefined) throw new Error(`'${name}' is not a message`);
  return resolved.typeName;
}

/**
 * Resolves a type name as protoc does: a leading dot is absolute; otherwise the first part of the
 * name is looked up from the innermost scope outwards (a field named `google` does not hide the
 * package, a message of that name would), and the rest is looked up inside what it found.
 */
function typeResolver(file: ProtoFile, imported: readonly FileDescriptorProto[]): TypeResolver {
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

// The text of a field's line after its indent, as the printer writes it.
function fieldText(field: ProtoField): string {
  const options: string[] = [];
  if (field.jsonName !== undefined) options.push(`json_name = ${protoString(field.jsonName)}`);
  if (field.deprecated) options.push('deprecated = true');
  const type = field.map ? `map<string, ${field.type}>` : field.label ? `${field.label} ${field.type}` : field.type;
  return `${type} ${field.name} = ${field.number}${options.length > 0 ? ` [${options.join(', ')}]` : ''};`;
}

function protoString(value: string): string {
  const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };
  const escaped = value.replace(/["\\\u0000-\u001f\u007f]/g, (char) => {
    if (char === '"' || char === '\\') return `\\${char}`;
    return named[char] ?? `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
  return `"${escaped}"`;
}

function reservedLines(reserved: Reserved): number {
  return (reserved.numbers.length > 0 ? 1 : 0) + (reserved.names.length > 0 ? 1 : 0);
}

/**
 * The lines the printer gives a comment, each without its `//`. protoc takes every such line, up
 * to and including its newline, as a line of the element's leading comment.
 */
function commentLines(text: string | undefined): string[] {
  const trimmed = text?.trim() ?? '';
  if (trimmed === '') return [];
  if (!trimmed.includes('\n')) return [` ${trimmed}`];
  return trimmed.split('\n').map((line) => (line.trim() === '' ? '' : ` ${line.trimEnd()}`));
}

const joinComment = (lines: readonly string[]): string => lines.map((line) => `${line}\n`).join('');

/**
 * Follows the lines of the printed file (see `writeProtoFile`) as the elements are emitted, so
 * each commented location gets the span protoc gives it: zero-based line and column of its first
 * token to the end of its last, columns in characters.
 */
class Layout {
  readonly locations: Location[] = [];
  private readonly file: ProtoFile;
  private current: number;

  constructor(file: ProtoFile) {
    this.file = file;
    const comment = commentLines(file.comment);
    // The notice and a blank line, then the file's comment and a blank line.
    this.current = 2 + (comment.length > 0 ? comment.length + 1 : 0);
  }

  /** The `syntax` statement, which carries the notice and the file's comment as detached comments. */
  syntax(): Location {
    const comment = commentLines(this.file.comment);
    const location: Location = {
      path: [12],
      span: [this.current, 0, 'syntax = "proto3";'.length],
      leadingDetachedComments: [' Code generated by trident. DO NOT EDIT.\n', ...(comment.length > 0 ? [joinComment(comment)] : [])],
    };
    // syntax, a blank line, package, then a blank line and the imports.
    this.current += 3 + (this.file.imports.length > 0 ? 1 + this.file.imports.length : 0);
    return location;
  }

  /** Starts a top-level block (after the blank line that separates blocks); its span ends at `close`. */
  open(path: number[], comment: string | undefined): Location {
    this.current += 1;
    const location = this.commented(path, comment);
    location.span = [this.current, 0];
    this.current += 1;
    return location;
  }

  close(location: Location): void {
    location.span.push(this.current, 1);
    this.current += 1;
  }

  isEmpty(location: Location): boolean {
    return location.span[0] === this.current - 1;
  }

  /** A block with nothing inside, printed on one line. */
  closeEmpty(location: Location, text: string): void {
    location.span.push(columns(text));
  }

  /** A one-line element (field, enum value, method) at the given indent. */
  line(path: number[], comment: string | undefined, indent: number, text: string): void {
    const location = this.commented(path, comment);
    location.span = [this.current, indent, columns(text)];
    this.current += 1;
  }

  /** An element of `lines` lines whose last line ends at column `endColumn`. */
  block(path: number[], comment: string | undefined, indent: number, lines: number, endColumn: number): void {
    const location = this.commented(path, comment);
    location.span = [this.current, indent, this.current + lines - 1, endColumn];
    this.current += lines;
  }

  blankLine(): void {
    this.current += 1;
  }

  skip(lines: number): void {
    this.current += lines;
  }

  // Steps over the comment's lines; a location is recorded only when there is a comment, but the
  // span is always set on the returned object so blocks can be closed alike.
  private commented(path: number[], comment: string | undefined): Location {
    const lines = commentLines(comment);
    this.current += lines.length;
    const location: Location = { path, span: [], leadingComments: joinComment(lines) };
    if (lines.length > 0) this.locations.push(location);
    return location;
  }
}

// Columns count characters (code points), as buf's compiler does.
function columns(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}
