import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { CodeGeneratorRequestSchema, CodeGeneratorResponseSchema } from '@bufbuild/protobuf/wkt';
import { afterAll, describe, expect, it } from 'vitest';
import { toFileDescriptorSet } from '../../src/compiler/emit/proto/descriptor.ts';
import { readProtoFile } from '../../src/compiler/emit/proto/parse.ts';
import * as committed from '../../generated/ts/grpc/trident/study/v2/study.ts';

const repoRoot = join(import.meta.dirname, '..', '..');
// Inside the repository, so the generated files resolve @bufbuild/protobuf and @grpc/grpc-js.
const outDir = join(repoRoot, '.tmp', `ts-proto-plugin-${process.pid}`);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe('ts-proto behind a bounded plugin', () => {
  it('writes a file over the format limit unformatted, with the same messages and service as the formatted one', async () => {
    const proto = readFileSync(join(repoRoot, 'generated/proto/trident/study/v2/study.proto'), 'utf8');
    const files = toFileDescriptorSet([readProtoFile('trident/study/v2/study.proto', proto)]);
    const parameter = 'outputServices=grpc-js,env=node,esModuleInterop=true,forceLong=string,useDate=string,importSuffix=.ts,enumsAsLiterals=true,stringEnums=true,useOptionals=messages';
    const request = toBinary(CodeGeneratorRequestSchema, create(CodeGeneratorRequestSchema, { fileToGenerate: files.map((file) => file.name), parameter, protoFile: files }));
    const output = execFileSync(process.execPath, [join(repoRoot, 'tools/generate/ts-proto-plugin.ts'), '--format-limit', '0'], { input: request });
    const response = fromBinary(CodeGeneratorResponseSchema, output);
    expect(response.error).toBe('');
    for (const file of response.file) {
      mkdirSync(dirname(join(outDir, file.name)), { recursive: true });
      writeFileSync(join(outDir, file.name), file.content);
    }
    const plain = readFileSync(join(outDir, 'trident/study/v2/study.ts'), 'utf8');
    expect(plain).not.toBe(readFileSync(join(repoRoot, 'generated/ts/grpc/trident/study/v2/study.ts'), 'utf8'));
    const unformatted = (await import(join(outDir, 'trident/study/v2/study.ts'))) as typeof committed;
    expect(Object.keys(unformatted).sort()).toEqual(Object.keys(committed).sort());
    const sample = { pageSize: 20, pageToken: 'next', status: 'STUDY_STATUS_AVAILABLE', modality: 'MR', startedAfter: '2026-01-02T03:04:05.000Z' } as const;
    const bytes = committed.ListStudiesRequest.encode(committed.ListStudiesRequest.fromPartial(sample)).finish();
    expect(unformatted.ListStudiesRequest.encode(unformatted.ListStudiesRequest.fromPartial(sample)).finish()).toEqual(bytes);
    expect(unformatted.ListStudiesRequest.toJSON(unformatted.ListStudiesRequest.decode(bytes))).toEqual(committed.ListStudiesRequest.toJSON(committed.ListStudiesRequest.decode(bytes)));
    expect(Object.values(unformatted.StudyServiceService).map((method) => method.path)).toEqual(Object.values(committed.StudyServiceService).map((method) => method.path));
  }, 30_000);
});
