import { nextFieldNumber } from '../../lock.ts';
import { describeApi, describeOperation, type Api, type Field, type NamedType, type Operation, type TypeRef } from '../../ir.ts';
import { constantCase, fieldProtoName, parameterFieldName, parameterProtoName, pascalCase, protoDefaultJsonName, protoEnumValueName, protoFieldName, snakeCase } from '../../names.ts';
import { protoEnumValue, protoField, type ProtoEnum, type ProtoField, type ProtoFile, type ProtoMessage, type ProtoMethod, type ProtoOneof } from './ast.ts';

const timestamp = 'google/protobuf/timestamp.proto';
const struct = 'google/protobuf/struct.proto';

/** The proto package of an API version: `trident.study.v1` (the prefix is configurable). */
export function protoPackage(api: Pick<Api, 'name' | 'version' | 'protoPackage'>): string {
  return `${api.protoPackage ?? 'trident'}.${snakeCase(api.name)}.v${api.version}`;
}

/** The gRPC service of an API version: `StudyService`. */
export function protoServiceName(api: Pick<Api, 'name'>): string {
  return `${pascalCase(api.name)}Service`;
}

/**
 * Maps the IR to a proto file model. Fields and enum values are numbered in order, as a first run
 * of the lock would number them; the lock (`applyLock`) decides. Explicit `x-proto-number`s are
 * carried so the lock can let them win.
 */
export function toProtoFile(api: Api): ProtoFile {
  const imports = new Set<string>();
  const enumNames = new Set(api.types.filter((type) => type.kind === 'enum').map((type) => type.name));
  const typeName = (type: TypeRef): string => {
    switch (type.kind) {
      case 'scalar':
        if (type.scalar === 'datetime') imports.add(timestamp);
        return scalarTypes[type.scalar];
      case 'named':
        return type.name;
      case 'json':
        imports.add(struct);
        return type.shape === 'object' ? 'google.protobuf.Struct' : 'google.protobuf.Value';
      case 'list':
      case 'map':
        // Proto cannot nest repeated or map directly; the IR has already warned.
        imports.add(struct);
        return 'google.protobuf.Value';
    }
  };
  const field = (name: string, type: TypeRef, optional: boolean, extra: FieldExtra = {}): ProtoField => {
    const protoName = extra.name ?? protoFieldName(name);
    const jsonName = protoDefaultJsonName(protoName) === name ? undefined : name;
    let label: ProtoField['label'];
    let map = false;
    let printed: string;
    if (type.kind === 'list') {
      printed = typeName(type.of);
      label = 'repeated';
    } else if (type.kind === 'map') {
      printed = typeName(type.of);
      map = true;
    } else {
      printed = typeName(type);
      const hasPresence = (type.kind === 'scalar' && type.scalar !== 'datetime') || (type.kind === 'named' && enumNames.has(type.name));
      if (optional && hasPresence) label = 'optional';
    }
    return protoField(protoName, printed, label, map, jsonName, extra.deprecated ?? false, extra.comment, extra.explicitNumber, extra.pointer);
  };
  const fromField = (source: Field): ProtoField =>
    field(source.name, source.type, !source.required || source.nullable, {
      name: fieldProtoName(source),
      deprecated: source.deprecated,
      comment: describe(source.description, source),
      // Number problems point at the `x-proto-number` line when there is one.
      explicitNumber: source.protoNumber,
      pointer: source.protoNumber !== undefined ? `${source.pointer}/x-proto-number` : source.pointer,
    });

  const messages: ProtoMessage[] = [];
  const enums: ProtoEnum[] = [];
  const methods: ProtoMethod[] = [];
  for (const operation of api.operations) {
    const { request, response, method } = operationMessages(operation, field);
    messages.push(request, response);
    methods.push(method);
  }
  for (const type of api.types) {
    if (type.kind === 'enum') enums.push(toProtoEnum(type));
    else messages.push(toProtoMessage(type, fromField));
  }
  return {
    path: `${protoPackage(api).replaceAll('.', '/')}/${snakeCase(api.name)}.proto`,
    package: protoPackage(api),
    comment: describeApi(api),
    imports: [...imports].sort(),
    services: [{ name: protoServiceName(api), comment: api.title, methods: qualifyShadowedTypes(methods, protoPackage(api)) }],
    messages: messages.map((message) => qualifyWellKnownTypes(numberFieldsInOrder(message))),
    enums: enums.map(numberValuesInOrder),
  };
}

// Numbers in order, as a first run of the lock gives them (see `applyLock`); the fields and values
// were made here, so they are numbered in place.
function numberFieldsInOrder(message: ProtoMessage): ProtoMessage {
  let number = 0;
  for (const field of message.fields) field.number = number = nextFieldNumber(number);
  for (const oneof of message.oneofs) for (const field of oneof.fields) field.number = number = nextFieldNumber(number);
  return message;
}

function numberValuesInOrder(protoEnum: ProtoEnum): ProtoEnum {
  protoEnum.values.forEach((value, index) => {
    value.number = index;
  });
  return protoEnum;
}

const scalarTypes = {
  string: 'string',
  boolean: 'bool',
  int32: 'int32',
  int64: 'int64',
  float: 'float',
  double: 'double',
  datetime: 'google.protobuf.Timestamp',
  date: 'string',
  bytes: 'bytes',
} as const;

// Inside a service, a method shadows a message of the same name (rpc `GetPetResponse` beside the
// response of rpc `GetPet`), so such a message is spelled fully qualified in the signatures.
function qualifyShadowedTypes(methods: ProtoMethod[], pkg: string): ProtoMethod[] {
  const names = new Set(methods.map((method) => method.name));
  const qualify = (type: string): string => (names.has(type) ? `.${pkg}.${type}` : type);
  if (!methods.some((method) => names.has(method.input) || names.has(method.output))) return methods;
  return methods.map((method) => ({ ...method, input: qualify(method.input), output: qualify(method.output) }));
}

// A field named `google` shadows the package of the well-known types inside its message, so that
// message spells them fully qualified.
function qualifyWellKnownTypes(message: ProtoMessage): ProtoMessage {
  const named = (field: ProtoField): boolean => field.name === 'google';
  if (!message.fields.some(named) && !message.oneofs.some((oneof) => oneof.fields.some(named))) return message;
  const qualify = (field: ProtoField): ProtoField => (field.type.startsWith('google.') ? { ...field, type: `.${field.type}` } : field);
  return { ...message, fields: message.fields.map(qualify), oneofs: message.oneofs.map((oneof) => ({ ...oneof, fields: oneof.fields.map(qualify) })) };
}

function describe(description: string | undefined, source: { sensitive?: boolean; readOnly?: boolean; writeOnly?: boolean }): string | undefined {
  let text = description?.trim() ?? '';
  if (source.readOnly) text += `${text === '' ? '' : '\n'}Output only: set by the server.`;
  if (source.writeOnly) text += `${text === '' ? '' : '\n'}Input only: never returned.`;
  if (source.sensitive) text += `${text === '' ? '' : '\n'}Sensitive: personal data; keep out of logs.`;
  return text === '' ? undefined : text;
}

/** What a field takes beside its name, type and presence. */
interface FieldExtra {
  name?: string;
  deprecated?: boolean;
  comment?: string | undefined;
  explicitNumber?: number | undefined;
  pointer?: string | undefined;
}

type FieldFactory = (name: string, type: TypeRef, optional: boolean, extra?: FieldExtra) => ProtoField;

// Request: every parameter, then the body (`body`, or `chunk` for streamed bytes).
// Response: `body` (or `chunk`); streams and binary payloads stream, the rest is unary.
function operationMessages(operation: Operation, field: FieldFactory): { request: ProtoMessage; response: ProtoMessage; method: ProtoMethod } {
  const rpc = pascalCase(operation.id);
  // A header such as `If-Match` becomes `if_match`, with the default JSON name `ifMatch`.
  const requestFields = operation.parameters.map((parameter) =>
    // A parameter renamed apart from another keeps the JSON name of its new proto name, so no two
    // fields of the request share one.
    field(parameter.protoName === undefined ? parameterFieldName(parameter.name) : protoDefaultJsonName(parameter.protoName), parameter.type, !parameter.required, {
      name: parameterProtoName(parameter),
      comment: describe(parameter.description, {}),
      deprecated: parameter.deprecated,
      pointer: parameter.pointer,
    }),
  );
  const body = operation.body;
  if (body?.kind === 'json') requestFields.push(field('body', body.type, false, { comment: 'The request body.' }));
  if (body?.kind === 'binary') {
    requestFields.push(field('contentType', { kind: 'scalar', scalar: 'string' }, false, {
      comment: `The media type of the content (${body.mediaTypes.join(', ')}); read from the first message.`,
    }));
    requestFields.push(field('chunk', { kind: 'scalar', scalar: 'bytes' }, false, {
      comment: `The next piece of the content (${body.mediaTypes.join(', ')}); parameters are read from the first message.`,
    }));
  }
  const result = operation.result;
  const responseFields: ProtoField[] = [];
  if (result.kind === 'json') responseFields.push(field('body', result.type, false, { comment: 'The response body.' }));
  if (result.kind === 'stream') responseFields.push(field('body', result.item, false, { comment: 'One event of the stream.' }));
  if (result.kind === 'binary') {
    responseFields.push(field('contentType', { kind: 'scalar', scalar: 'string' }, false, { comment: 'The media type of the content; set on the first message.' }));
    responseFields.push(field('size', { kind: 'scalar', scalar: 'int64' }, false, { comment: 'The size of the whole content in bytes; set on the first message.' }));
    responseFields.push(field('chunk', { kind: 'scalar', scalar: 'bytes' }, false, { comment: `The next piece of the content (${result.mediaTypes.join(', ')}).` }));
  }
  const message = (name: string, fields: ProtoField[], role: 'request' | 'response'): ProtoMessage =>
    protoMessage(name, role, undefined, false, fields, [], operation.pointer);
  return {
    request: message(`${rpc}Request`, requestFields, 'request'),
    response: message(`${rpc}Response`, responseFields, 'response'),
    method: {
      name: rpc,
      comment: describeOperation(operation),
      input: `${rpc}Request`,
      output: `${rpc}Response`,
      clientStreaming: body?.kind === 'binary',
      serverStreaming: result.kind === 'stream' || result.kind === 'binary',
      deprecated: operation.deprecated,
    },
  };
}

// Messages, like fields, always carry every property in one order.
function protoMessage(name: string, role: ProtoMessage['role'], comment: string | undefined, deprecated: boolean, fields: ProtoField[], oneofs: ProtoOneof[], pointer: string | undefined): ProtoMessage {
  return { name, role, comment, deprecated, fields, oneofs, reserved: { numbers: [], names: [] }, pointer };
}

function toProtoMessage(type: Exclude<NamedType, { kind: 'enum' }>, fromField: (field: Field) => ProtoField): ProtoMessage {
  const comment = describe(type.description, {});
  if (type.kind === 'object') return protoMessage(type.name, undefined, comment, type.deprecated, type.fields.map(fromField), [], type.pointer);
  const variants = type.variants.map((variant) =>
    protoField(snakeCase(variant.tag), variant.type, undefined, false, undefined, false, `${type.discriminator} = "${variant.tag}"`, undefined, undefined),
  );
  return protoMessage(type.name, undefined, comment, type.deprecated, [], [{ name: 'variant', fields: variants }], type.pointer);
}

function toProtoEnum(type: Extract<NamedType, { kind: 'enum' }>): ProtoEnum {
  const prefix = constantCase(type.name);
  return {
    name: type.name,
    deprecated: type.deprecated,
    comment: describe(type.description, {}),
    pointer: type.pointer,
    reserved: { numbers: [], names: [] },
    values: [
      protoEnumValue(`${prefix}_UNSPECIFIED`, undefined, undefined),
      ...type.values.map((value) => protoEnumValue(protoEnumValueName(type.name, value), `"${value.value}"`, value.protoNumber)),
    ],
  };
}
