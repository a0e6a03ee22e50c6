import { create, type MessageInitShape } from '@bufbuild/protobuf';
import { FieldDescriptorProto_Label as Label, FieldDescriptorProto_Type as Type, FileDescriptorProtoSchema, type DescriptorProtoSchema, type FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import { mapEntry } from '../../compiler/emit/proto/descriptor.ts';
import { jsonName } from '../../compiler/emit/proto/protoc-names.ts';

type MessageInit = MessageInitShape<typeof DescriptorProtoSchema>;

/** A field: its name and number, a scalar type or a message's full name, and whether it repeats. */
type FieldSpec = [name: string, number: number, type: Type | `.${string}`, repeated?: 'repeated'];

function message(name: string, fields: FieldSpec[], nested: MessageInit[] = []): MessageInit {
  return {
    name,
    field: fields.map(([field, number, type, repeated]) => ({
      name: field,
      number,
      label: repeated ? Label.REPEATED : Label.OPTIONAL,
      jsonName: jsonName(field),
      ...(typeof type === 'string' ? { type: Type.MESSAGE, typeName: type } : { type }),
    })),
    nestedType: nested,
  };
}

const text = Type.STRING;

/**
 * `google/rpc/status.proto` and `google/rpc/error_details.proto` as protoc describes them (the
 * messages and field numbers of the googleapis files), so that reflection clients can decode the
 * `grpc-status-details-bin` every error carries (an ErrorInfo, a BadRequest) instead of showing
 * bytes. The server imports neither file, so without these reflection would not know the types.
 */
export function errorDetailsFiles(): FileDescriptorProto[] {
  const status = create(FileDescriptorProtoSchema, {
    name: 'google/rpc/status.proto',
    package: 'google.rpc',
    dependency: ['google/protobuf/any.proto'],
    messageType: [message('Status', [['code', 1, Type.INT32], ['message', 2, text], ['details', 3, '.google.protobuf.Any', 'repeated']])],
    options: { goPackage: 'google.golang.org/genproto/googleapis/rpc/status;status', javaPackage: 'com.google.rpc', javaMultipleFiles: true, objcClassPrefix: 'RPC' },
    syntax: 'proto3',
  });
  const violation = (fields: FieldSpec[]) => message('Violation', fields);
  const details = create(FileDescriptorProtoSchema, {
    name: 'google/rpc/error_details.proto',
    package: 'google.rpc',
    dependency: ['google/protobuf/duration.proto'],
    messageType: [
      message('ErrorInfo', [['reason', 1, text], ['domain', 2, text], ['metadata', 3, '.google.rpc.ErrorInfo.MetadataEntry', 'repeated']], [mapEntry('MetadataEntry', { type: text })]),
      message('RetryInfo', [['retry_delay', 1, '.google.protobuf.Duration']]),
      message('DebugInfo', [['stack_entries', 1, text, 'repeated'], ['detail', 2, text]]),
      message('QuotaFailure', [['violations', 1, '.google.rpc.QuotaFailure.Violation', 'repeated']], [violation([['subject', 1, text], ['description', 2, text]])]),
      message('PreconditionFailure', [['violations', 1, '.google.rpc.PreconditionFailure.Violation', 'repeated']], [violation([['type', 1, text], ['subject', 2, text], ['description', 3, text]])]),
      message('BadRequest', [['field_violations', 1, '.google.rpc.BadRequest.FieldViolation', 'repeated']], [
        message('FieldViolation', [['field', 1, text], ['description', 2, text], ['reason', 3, text], ['localized_message', 4, '.google.rpc.LocalizedMessage']]),
      ]),
      message('RequestInfo', [['request_id', 1, text], ['serving_data', 2, text]]),
      message('ResourceInfo', [['resource_type', 1, text], ['resource_name', 2, text], ['owner', 3, text], ['description', 4, text]]),
      message('Help', [['links', 1, '.google.rpc.Help.Link', 'repeated']], [message('Link', [['description', 1, text], ['url', 2, text]])]),
      message('LocalizedMessage', [['locale', 1, text], ['message', 2, text]]),
    ],
    options: { goPackage: 'google.golang.org/genproto/googleapis/rpc/errdetails;errdetails', javaPackage: 'com.google.rpc', javaMultipleFiles: true, objcClassPrefix: 'RPC' },
    syntax: 'proto3',
  });
  return [status, details];
}
