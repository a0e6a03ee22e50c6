import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { clone, fromBinary, toJson } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, FileDescriptorSetSchema, type FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { afterAll, describe, expect, it } from 'vitest';
import { reflectionDefinition } from '../../src/runtime/grpc/descriptors.ts';
import { protobufjsFileDescriptor } from '../../src/runtime/grpc/protobufjs-descriptor.ts';
import { bufBinary } from '../../tools/generate.ts';

const require = createRequire(import.meta.url);
const reflectionProto = join(dirname(require.resolve('@grpc/reflection/package.json')), 'build', 'proto', 'grpc', 'reflection', 'v1', 'reflection.proto');
const studyProto = readFileSync(join(import.meta.dirname, '..', '..', 'generated', 'proto', 'trident', 'study', 'v2', 'study.proto'), 'utf8');

const scratch = mkdtempSync(join(tmpdir(), 'trident-reflection-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// buf compiles the two services' files as reflection clients expect them.
function bufBuilt(): Map<string, FileDescriptorProto> {
  for (const [source, target] of [[healthProtoPath, 'grpc/health/v1/health.proto'], [reflectionProto, 'grpc/reflection/v1/reflection.proto']] as const) {
    mkdirSync(dirname(join(scratch, 'module', target)), { recursive: true });
    copyFileSync(source, join(scratch, 'module', target));
  }
  writeFileSync(join(scratch, 'module', 'buf.yaml'), 'version: v2\n');
  execFileSync(bufBinary(), ['build', join(scratch, 'module'), '-o', join(scratch, 'image.binpb')], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Map(fromBinary(FileDescriptorSetSchema, readFileSync(join(scratch, 'image.binpb'))).file.map((file) => [file.name, file]));
}

function structure(file: FileDescriptorProto): unknown {
  const copy = clone(FileDescriptorProtoSchema, file);
  copy.sourceCodeInfo = undefined;
  return toJson(FileDescriptorProtoSchema, copy);
}

describe('descriptors for server reflection', () => {
  it('describes the health and reflection services as buf compiles their files', () => {
    const built = bufBuilt();
    const health = protobufjsFileDescriptor(healthProtoPath, 'grpc/health/v1/health.proto', 'grpc.health.v1');
    const reflection = protobufjsFileDescriptor(reflectionProto, 'grpc/reflection/v1/reflection.proto', 'grpc.reflection.v1');
    expect(structure(health)).toEqual(structure(built.get('grpc/health/v1/health.proto')!));
    expect(structure(reflection)).toEqual(structure(built.get('grpc/reflection/v1/reflection.proto')!));
    // The map field and its entry, which protobufjs alone names `Statuses` with a relative type.
    expect(toJson(FileDescriptorProtoSchema, health)).toMatchObject({
      messageType: expect.arrayContaining([
        expect.objectContaining({
          name: 'HealthListResponse',
          field: [expect.objectContaining({ name: 'statuses', label: 'LABEL_REPEATED', typeName: '.grpc.health.v1.HealthListResponse.StatusesEntry' })],
          nestedType: [expect.objectContaining({ name: 'StatusesEntry', options: { mapEntry: true } })],
        }),
      ]),
    });
  });

  it('hands out the google.rpc error files and each API file after the files they import, then the health and reflection files', () => {
    const definition = reflectionDefinition([{ protos: new Map([['trident/study/v2/study.proto', studyProto]]) }]) as unknown as Record<string, { fileDescriptorProtos: Buffer[] }>;
    const files = Object.values(definition).flatMap((entry) => entry.fileDescriptorProtos).map((bytes) => fromBinary(FileDescriptorProtoSchema, bytes));
    expect(files.map((file) => file.name)).toEqual([
      'google/protobuf/any.proto',
      'google/protobuf/duration.proto',
      'google/rpc/status.proto',
      'google/rpc/error_details.proto',
      'google/protobuf/timestamp.proto',
      'trident/study/v2/study.proto',
      'grpc/health/v1/health.proto',
      'grpc/reflection/v1/reflection.proto',
    ]);
    const study = files.find((file) => file.name === 'trident/study/v2/study.proto')!;
    expect(study.dependency).toEqual(['google/protobuf/timestamp.proto']);
    expect(study.service.map((service) => service.name)).toEqual(['StudyService']);
    expect(study.service[0]?.method.find((method) => method.name === 'GetStudy')).toMatchObject({ inputType: '.trident.study.v2.GetStudyRequest', outputType: '.trident.study.v2.GetStudyResponse' });
    // The comments reach reflection clients, each location with the span they require.
    const service = study.sourceCodeInfo?.location.find((location) => location.path.join('.') === '6.0');
    expect(service?.leadingComments).toBe(' Study API\n');
    expect(study.sourceCodeInfo?.location.every((location) => location.span.length === 3 || location.span.length === 4)).toBe(true);
  });
});
