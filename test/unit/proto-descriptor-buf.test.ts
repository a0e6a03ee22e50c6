import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { clone, fromBinary, toJson } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, FileDescriptorSetSchema, SourceCodeInfo_LocationSchema, type FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import { afterAll, describe, expect, it } from 'vitest';
import { toFileDescriptor } from '../../src/compiler/emit/proto/descriptor.ts';
import { readProtoFile } from '../../src/compiler/emit/proto/parse.ts';
import { wellKnownFile } from '../../src/compiler/emit/proto/well-known.ts';
import { bufBinary } from '../../tools/generate.ts';
import { listCases, readCase, recording } from '../golden/fixtures.ts';

// buf is the reference: it compiles the printed files, and the emitter must give the same
// descriptors from their model, the comments at the same paths and spans included.
const repoRoot = join(import.meta.dirname, '..', '..');
const generatedProto = join(repoRoot, 'generated', 'proto');
const wellKnownCommentsFile = join(repoRoot, 'src', 'compiler', 'emit', 'proto', 'well-known-comments.ts');

function listProtos(directory: string): string[] {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.proto'))
    .map((entry) => relative(directory, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

// Every file under generated/proto as is; every golden case's in a folder of its own, its package
// suffixed with the case name, so that one buf build compiles them all.
const generated = listProtos(generatedProto).map((path) => ({ path, text: readFileSync(join(generatedProto, path), 'utf8') }));
const golden = listCases().flatMap((name) =>
  [...readCase(name)].filter(([path]) => path.endsWith('.proto')).map(([path, text]) => {
    const pkg = /^package ([\w.]+);$/m.exec(text)?.[1] ?? '';
    const own = `${pkg}.${name.replaceAll('-', '_')}`;
    return { path: `golden/${name}/${path.split('/').at(-1) ?? path}`, text: text.replace(`package ${pkg};`, `package ${own};`).replaceAll(`.${pkg}.`, `.${own}.`) };
  }),
);

const scratch = mkdtempSync(join(tmpdir(), 'trident-descriptor-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const built = ((): Map<string, FileDescriptorProto> => {
  const module = join(scratch, 'module');
  for (const { path, text } of [...generated, ...golden]) {
    mkdirSync(dirname(join(module, path)), { recursive: true });
    writeFileSync(join(module, path), text);
  }
  writeFileSync(join(module, 'buf.yaml'), 'version: v2\n');
  // The well-known types whose comments are kept, whether or not a file here imports them.
  writeFileSync(join(module, 'well_known.proto'), 'syntax = "proto3";\npackage well_known;\nimport "google/protobuf/struct.proto";\nimport "google/protobuf/timestamp.proto";\nmessage Uses {\n  google.protobuf.Struct a = 1;\n  google.protobuf.Timestamp b = 2;\n}\n');
  const output = join(scratch, 'image.binpb');
  execFileSync(bufBinary(), ['build', module, '-o', output], { cwd: module, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Map(fromBinary(FileDescriptorSetSchema, readFileSync(output)).file.map((file) => [file.name, file]));
})();

/** The descriptor without its source info, as JSON (buf's own extension fields are unknown here and left out). */
function structure(file: FileDescriptorProto): unknown {
  const copy = clone(FileDescriptorProtoSchema, file);
  copy.sourceCodeInfo = undefined;
  return toJson(FileDescriptorProtoSchema, copy);
}

/** The source locations that carry a comment, with their spans. */
function comments(file: FileDescriptorProto): unknown[] {
  return (file.sourceCodeInfo?.location ?? [])
    .filter((location) => location.leadingComments !== '' || location.trailingComments !== '' || location.leadingDetachedComments.length > 0)
    .map((location) => toJson(SourceCodeInfo_LocationSchema, location));
}

describe('descriptors equal those buf compiles from the printed text', () => {
  it('finds the generated and golden proto files', () => {
    expect(generated.length).toBeGreaterThanOrEqual(4);
    expect(golden.length).toBeGreaterThan(20);
  });

  for (const { path, text } of [...generated, ...golden]) {
    it(path, () => {
      const reference = built.get(path);
      expect(reference).toBeDefined();
      const emitted = toFileDescriptor(readProtoFile(path, text));
      expect(structure(emitted)).toEqual(structure(reference!));
      expect(comments(emitted)).toEqual(comments(reference!));
    });
  }

  for (const path of ['google/protobuf/timestamp.proto', 'google/protobuf/struct.proto']) {
    it(`${path} has its comments (TRIDENT_RECORD=1 re-records them from buf)`, () => {
      const reference = built.get(path);
      expect(reference).toBeDefined();
      if (recording) {
        recordWellKnownComments();
        return;
      }
      expect(structure(wellKnownFile(path)!)).toEqual(structure(reference!));
      expect(comments(wellKnownFile(path)!)).toEqual(comments(reference!));
      expect(comments(reference!).length).toBeGreaterThan(2);
    });
  }
});

function recordWellKnownComments(): void {
  const files = Object.fromEntries(['google/protobuf/struct.proto', 'google/protobuf/timestamp.proto'].map((path) => [path, comments(built.get(path)!)]));
  const text = [
    "// Code generated from buf's copies of the well-known types' proto files. DO NOT EDIT.",
    '// Re-recorded by `TRIDENT_RECORD=1 npx vitest run test/unit/proto-descriptor-buf.test.ts`.',
    '//',
    "// The comments are those of Google's proto files (Copyright 2008 Google Inc., BSD-3-Clause); each",
    "// file's notice is its first entry.",
    '',
    '/** The source locations that carry a comment in the files of the well-known types, by file. */',
    `export const wellKnownComments: Record<string, Array<{ path: number[]; span: number[]; leadingComments?: string; trailingComments?: string; leadingDetachedComments?: string[] }>> = ${JSON.stringify(files, null, 2)};`,
    '',
  ].join('\n');
  writeFileSync(wellKnownCommentsFile, text);
}
