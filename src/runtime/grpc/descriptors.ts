import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { toBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, type FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import type { PackageDefinition } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { toFileDescriptorSet } from '../../compiler/emit/proto/descriptor.ts';
import { readProtoFile } from '../../compiler/emit/proto/parse.ts';
import { wellKnownFile } from '../../compiler/emit/proto/well-known.ts';
import type { LoadedApi } from '../load.ts';
import { errorDetailsFiles } from './error-details-descriptor.ts';
import { protobufjsFileDescriptor } from './protobufjs-descriptor.ts';

const require = createRequire(import.meta.url);

let serviceFiles: FileDescriptorProto[] | undefined;

/** The health and reflection services' own files, under the names their packages give them. */
function healthAndReflectionFiles(): FileDescriptorProto[] {
  const reflectionProto = join(dirname(require.resolve('@grpc/reflection/package.json')), 'build', 'proto', 'grpc', 'reflection', 'v1', 'reflection.proto');
  serviceFiles ??= [
    protobufjsFileDescriptor(healthProtoPath, 'grpc/health/v1/health.proto', 'grpc.health.v1'),
    protobufjsFileDescriptor(reflectionProto, 'grpc/reflection/v1/reflection.proto', 'grpc.reflection.v1'),
  ];
  return serviceFiles;
}

/**
 * The file descriptors server reflection hands out: those of the API versions' proto files, as
 * protoc compiles them (emitted from their model, with the well-known types they import and the
 * comments), the google.rpc files that describe the details of every error status (found by a
 * client that asks for the symbol of an Any's type URL), plus the health and reflection services.
 * protobufjs's own descriptors are not usable for this: they name files after packages, write
 * relative type names and rename map entries, which reflection clients such as `buf curl` and
 * grpcurl reject.
 */
export function reflectionDefinition(apis: ReadonlyArray<Pick<LoadedApi, 'protos'>>): PackageDefinition {
  const files = apis.flatMap((api) => [...api.protos].map(([path, text]) => readProtoFile(path, text)));
  const errorFiles = errorDetailsFiles();
  const served = toFileDescriptorSet(files);
  // Each file after the files it imports, each once.
  const imports = [...new Set(errorFiles.flatMap((file) => file.dependency))].map((path) => wellKnownFile(path)!);
  const descriptors = [...imports, ...errorFiles, ...served.filter((file) => !imports.includes(file)), ...healthAndReflectionFiles()];
  const fileDescriptorProtos = descriptors.map((file) => Buffer.from(toBinary(FileDescriptorProtoSchema, file)));
  // ReflectionService reads only `fileDescriptorProtos` from the definition's entries.
  return { descriptors: { fileDescriptorProtos } } as unknown as PackageDefinition;
}
