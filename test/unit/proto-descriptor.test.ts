import { toJson } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { describe, expect, it } from 'vitest';
import { protoEnumValue, protoField, type ProtoField, type ProtoFile, type ProtoMessage } from '../../src/compiler/emit/proto/ast.ts';
import { toFileDescriptor, toFileDescriptorSet } from '../../src/compiler/emit/proto/descriptor.ts';
import { jsonName, mapEntryName } from '../../src/compiler/emit/proto/protoc-names.ts';
import { writeProtoFile } from '../../src/compiler/emit/proto/print.ts';

const field = (name: string, type: string, number: number, extra: { label?: ProtoField['label']; map?: boolean; jsonName?: string; deprecated?: boolean; comment?: string } = {}): ProtoField =>
  protoField(name, type, extra.label, extra.map ?? false, extra.jsonName, extra.deprecated ?? false, extra.comment, undefined, undefined, number);

const message = (name: string, fields: ProtoField[], extra: Partial<ProtoMessage> = {}): ProtoMessage => ({
  name,
  deprecated: false,
  fields,
  oneofs: [],
  reserved: { numbers: [], names: [] },
  ...extra,
});

const file = (parts: Partial<ProtoFile>): ProtoFile => ({ path: 'trident/x/v1/x.proto', package: 'trident.x.v1', imports: [], services: [], messages: [], enums: [], ...parts });

// The descriptor as protojson, the form the want column is written in.
const emitted = (parts: Partial<ProtoFile>): Record<string, unknown> => toJson(FileDescriptorProtoSchema, toFileDescriptor(file(parts))) as Record<string, unknown>;

describe('toFileDescriptor', () => {
  const cases: Array<{ name: string; given: Partial<ProtoFile>; want: Record<string, unknown> }> = [
    {
      name: 'a map field is a repeated entry message nested in its message',
      given: { messages: [message('Study', [field('label_values', 'int32', 1, { map: true })])] },
      want: {
        messageType: [{
          name: 'Study',
          field: [{ name: 'label_values', number: 1, label: 'LABEL_REPEATED', type: 'TYPE_MESSAGE', typeName: '.trident.x.v1.Study.LabelValuesEntry', jsonName: 'labelValues' }],
          nestedType: [{
            name: 'LabelValuesEntry',
            field: [
              { name: 'key', number: 1, label: 'LABEL_OPTIONAL', type: 'TYPE_STRING', jsonName: 'key' },
              { name: 'value', number: 2, label: 'LABEL_OPTIONAL', type: 'TYPE_INT32', jsonName: 'value' },
            ],
            options: { mapEntry: true },
          }],
        }],
      },
    },
    {
      name: 'an optional field is proto3 optional in a synthetic oneof after the real ones, its name kept apart',
      given: {
        messages: [message('Pet', [field('name', 'string', 1, { label: 'optional' }), field('_name', 'string', 2)], {
          oneofs: [{ name: 'variant', fields: [field('cat', 'string', 3)] }],
        })],
      },
      want: {
        messageType: [{
          name: 'Pet',
          field: [
            { name: 'name', number: 1, label: 'LABEL_OPTIONAL', type: 'TYPE_STRING', jsonName: 'name', oneofIndex: 1, proto3Optional: true },
            { name: '_name', number: 2, label: 'LABEL_OPTIONAL', type: 'TYPE_STRING', jsonName: 'Name' },
            { name: 'cat', number: 3, label: 'LABEL_OPTIONAL', type: 'TYPE_STRING', jsonName: 'cat', oneofIndex: 0 },
          ],
          oneofDecl: [{ name: 'variant' }, { name: 'X_name' }],
        }],
      },
    },
    {
      name: 'type names are fully qualified: own types, enums, well-known types, names already qualified',
      given: {
        imports: ['google/protobuf/timestamp.proto'],
        messages: [
          message('Study', [field('status', 'Status', 1), field('owner', 'Person', 2, { label: 'repeated' }), field('at', 'google.protobuf.Timestamp', 3)]),
          message('Person', [field('google', 'string', 1), field('born', '.google.protobuf.Timestamp', 2)]),
        ],
        enums: [{ name: 'Status', deprecated: false, reserved: { numbers: [], names: [] }, values: [protoEnumValue('STATUS_UNSPECIFIED', undefined, undefined, 0)] }],
        services: [{ name: 'XService', methods: [{ name: 'GetStudy', input: '.trident.x.v1.Study', output: 'Person', clientStreaming: false, serverStreaming: true, deprecated: true }] }],
      },
      want: {
        dependency: ['google/protobuf/timestamp.proto'],
        messageType: [
          {
            name: 'Study',
            field: [
              { name: 'status', number: 1, label: 'LABEL_OPTIONAL', type: 'TYPE_ENUM', typeName: '.trident.x.v1.Status', jsonName: 'status' },
              { name: 'owner', number: 2, label: 'LABEL_REPEATED', type: 'TYPE_MESSAGE', typeName: '.trident.x.v1.Person', jsonName: 'owner' },
              { name: 'at', number: 3, label: 'LABEL_OPTIONAL', type: 'TYPE_MESSAGE', typeName: '.google.protobuf.Timestamp', jsonName: 'at' },
            ],
          },
          {
            name: 'Person',
            field: [
              { name: 'google', number: 1, label: 'LABEL_OPTIONAL', type: 'TYPE_STRING', jsonName: 'google' },
              { name: 'born', number: 2, label: 'LABEL_OPTIONAL', type: 'TYPE_MESSAGE', typeName: '.google.protobuf.Timestamp', jsonName: 'born' },
            ],
          },
        ],
        enumType: [{ name: 'Status', value: [{ name: 'STATUS_UNSPECIFIED', number: 0 }] }],
        service: [{ name: 'XService', method: [{ name: 'GetStudy', inputType: '.trident.x.v1.Study', outputType: '.trident.x.v1.Person', options: { deprecated: true }, serverStreaming: true }] }],
      },
    },
    {
      name: 'reserved numbers are ranges (a message excludes the end, an enum includes it) and names stay names',
      given: {
        messages: [message('Gone', [], { deprecated: true, reserved: { numbers: [2, 5], names: ['old_name'] } })],
        enums: [{ name: 'Kind', deprecated: false, reserved: { numbers: [3], names: ['KIND_OLD'] }, values: [protoEnumValue('KIND_UNSPECIFIED', undefined, undefined, 0)] }],
      },
      want: {
        messageType: [{ name: 'Gone', options: { deprecated: true }, reservedRange: [{ start: 2, end: 3 }, { start: 5, end: 6 }], reservedName: ['old_name'] }],
        enumType: [{ name: 'Kind', value: [{ name: 'KIND_UNSPECIFIED', number: 0 }], reservedRange: [{ start: 3, end: 3 }], reservedName: ['KIND_OLD'] }],
      },
    },
    {
      name: 'a JSON name given in the file wins over the default one',
      given: { messages: [message('Study', [field('if_match', 'string', 1, { jsonName: 'If-Match', deprecated: true })])] },
      want: { messageType: [{ name: 'Study', field: [{ name: 'if_match', number: 1, label: 'LABEL_OPTIONAL', type: 'TYPE_STRING', jsonName: 'If-Match', options: { deprecated: true } }] }] },
    },
  ];
  for (const { name, given, want } of cases) {
    it(name, () => {
      const { sourceCodeInfo, ...descriptor } = emitted(given);
      expect(descriptor).toEqual({ name: 'trident/x/v1/x.proto', package: 'trident.x.v1', syntax: 'proto3', ...want });
      expect(sourceCodeInfo).toBeDefined();
    });
  }

  it('puts each comment at the path of its element, with the span of its printed lines', () => {
    const given = file({
      comment: 'The X API.',
      imports: ['google/protobuf/timestamp.proto'],
      services: [{ name: 'XService', comment: 'X API', methods: [
        { name: 'A', comment: 'First', input: 'Study', output: 'Study', clientStreaming: false, serverStreaming: false, deprecated: false },
        { name: 'B', comment: 'Second\n\nGET /b.', input: 'Study', output: 'Study', clientStreaming: true, serverStreaming: false, deprecated: true },
      ] }],
      messages: [message('Study', [field('id', 'string', 1, { comment: 'Output only.' })], { comment: 'A study.', oneofs: [{ name: 'variant', fields: [field('cat', 'string', 2, { comment: 'kind = "cat"' })] }] })],
      enums: [{ name: 'Status', comment: 'The status.', deprecated: false, reserved: { numbers: [], names: [] }, values: [protoEnumValue('STATUS_UNSPECIFIED', undefined, undefined, 0), protoEnumValue('STATUS_DONE', '"done"', undefined, 1)] }],
    });
    const lines = writeProtoFile(given).split('\n');
    const locations = toFileDescriptor(given).sourceCodeInfo?.location.map((location) => ({
      path: location.path.join('.'),
      comment: location.leadingComments || location.leadingDetachedComments.join('|'),
      firstLine: lines[location.span[0] ?? -1]?.slice(location.span[1]),
    }));
    expect(locations).toEqual([
      { path: '12', comment: ' Code generated by trident. DO NOT EDIT.\n| The X API.\n', firstLine: 'syntax = "proto3";' },
      { path: '6.0', comment: ' X API\n', firstLine: 'service XService {' },
      { path: '6.0.2.0', comment: ' First\n', firstLine: 'rpc A(Study) returns (Study);' },
      { path: '6.0.2.1', comment: ' Second\n\n GET /b.\n', firstLine: 'rpc B(stream Study) returns (Study) {' },
      { path: '4.0', comment: ' A study.\n', firstLine: 'message Study {' },
      { path: '4.0.2.0', comment: ' Output only.\n', firstLine: 'string id = 1;' },
      // A field of a oneof is numbered among all the message's fields.
      { path: '4.0.2.1', comment: ' kind = "cat"\n', firstLine: 'string cat = 2;' },
      { path: '5.0', comment: ' The status.\n', firstLine: 'enum Status {' },
      { path: '5.0.2.1', comment: ' "done"\n', firstLine: 'STATUS_DONE = 1;' },
    ]);
    const spans = Object.fromEntries(toFileDescriptor(given).sourceCodeInfo?.location.map((location) => [location.path.join('.'), location.span]) ?? []);
    // A block ends at its closing brace; a one-line element at the end of its line.
    expect(lines[spans['6.0']![2]!]).toBe('}');
    expect(spans['6.0.2.1']).toEqual([spans['6.0.2.1']![0], 2, spans['6.0.2.1']![0]! + 2, 3]);
    expect(spans['4.0.2.0']).toEqual([spans['4.0.2.0']![0], 2, '  string id = 1;'.length]);
  });

  it('names a type it cannot resolve, and an import it has no descriptor for', () => {
    expect(() => toFileDescriptor(file({ messages: [message('Study', [field('owner', 'Person', 1)])] }))).toThrow("trident/x/v1/x.proto: unknown type 'Person'");
    expect(() => toFileDescriptor(file({ imports: ['other/thing.proto'] }))).toThrow("trident/x/v1/x.proto: no descriptor for the import 'other/thing.proto'");
  });
});

describe('toFileDescriptorSet', () => {
  it('lists each imported well-known file once, before the files that import it', () => {
    const importing = (path: string): ProtoFile => file({ path, imports: ['google/protobuf/struct.proto', 'google/protobuf/timestamp.proto'] });
    expect(toFileDescriptorSet([importing('a/a.proto'), importing('b/b.proto')]).map((descriptor) => descriptor.name)).toEqual([
      'google/protobuf/struct.proto',
      'google/protobuf/timestamp.proto',
      'a/a.proto',
      'b/b.proto',
    ]);
  });
});

describe("protoc's derived names", () => {
  const cases: Array<[string, string, string]> = [
    // field name, JSON name, map entry name
    ['label_values', 'labelValues', 'LabelValuesEntry'],
    ['a__b_1', 'aB1', 'AB1Entry'],
    ['_private', 'Private', 'PrivateEntry'],
    ['trailing_', 'trailing', 'TrailingEntry'],
    ['Already', 'Already', 'AlreadyEntry'],
  ];
  for (const [name, json, entry] of cases) {
    it(`${name} -> ${json}, ${entry}`, () => {
      expect(jsonName(name)).toBe(json);
      expect(mapEntryName(name)).toBe(entry);
    });
  }
});
