import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import type { PackageDefinition } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';

const require = createRequire(import.meta.url);

/**
 * The file descriptors server reflection hands out, compiled by buf from the same proto files
 * the server loads, plus the health and reflection services. protobufjs's own descriptors are
 * not usable for this: they name files after packages, write relative type names and rename map
 * entries, which reflection clients such as `buf curl` and grpcurl reject.
 */
export function reflectionDefinition(protoDir: string): PackageDefinition {
  const reflectionProto = join(dirname(require.resolve('@grpc/reflection/package.json')), 'build', 'proto', 'grpc', 'reflection', 'v1', 'reflection.proto');
  for (const [source, target] of [[healthProtoPath, 'grpc/health/v1/health.proto'], [reflectionProto, 'grpc/reflection/v1/reflection.proto']] as const) {
    mkdirSync(dirname(join(protoDir, target)), { recursive: true });
    copyFileSync(source, join(protoDir, target));
  }
  const output = join(protoDir, 'descriptors.binpb');
  const buf = join(dirname(require.resolve('@bufbuild/buf/package.json')), 'bin', 'buf');
  execFileSync(buf, ['build', protoDir, '-o', output], { stdio: ['ignore', 'pipe', 'pipe'] });
  const set = fromBinary(FileDescriptorSetSchema, readFileSync(output));
  const fileDescriptorProtos = set.file.map((file) => Buffer.from(toBinary(FileDescriptorProtoSchema, file)));
  // ReflectionService reads only `fileDescriptorProtos` from the definition's entries.
  return { descriptors: { fileDescriptorProtos } } as unknown as PackageDefinition;
}
