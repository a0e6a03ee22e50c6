import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSchema, parse, validate, validateSchema } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { bufBinary } from '../../tools/generate.ts';
import { nodeAppOptions, repoRoot, typecheckAsApp, viteAppOptions } from '../generated/consumer-apps.ts';
import { listCases, readCase } from './fixtures.ts';

// Every golden output, the hard cases of foreign documents included, must be accepted by the
// tools of its protocol: graphql-js for the SDL, buf and Debian's protoc for the proto.
const outputs = listCases().flatMap((name) => [...readCase(name)].map(([path, text]) => ({ name, path, text })));

describe('golden outputs are valid', () => {
  for (const { name, text } of outputs.filter(({ path }) => path.endsWith('.graphql'))) {
    it(`graphql-js builds and validates ${name}`, () => {
      expect(validateSchema(buildSchema(text)).map((error) => error.message)).toEqual([]);
    });
  }

  // The GraphQL client's documents travel as JSON literals; each carries its text in loc.source.body.
  for (const { name, text } of outputs.filter(({ path }) => path.endsWith('/graphql.ts'))) {
    it(`graphql-js validates every client document of ${name} against its SDL`, () => {
      const sdl = outputs.find((output) => output.name === name && output.path.endsWith('.graphql'));
      expect(sdl).toBeDefined();
      const schema = buildSchema(sdl!.text);
      const documents = [...text.matchAll(/^export const (\w+)Document = (\{.*\}) as unknown as /gm)];
      // One document per root field; a schema without operations has only the placeholder `_empty`.
      const rootFields = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]
        .flatMap((root) => Object.keys(root?.getFields() ?? {}))
        .filter((field) => field !== '_empty');
      expect(documents.map(([, field]) => field).sort()).toEqual(rootFields.sort());
      for (const [, field, literal] of documents) {
        const document = JSON.parse(literal ?? '{}') as { loc: { source: { body: string } } };
        const errors = validate(schema, parse(document.loc.source.body)).map((error) => `${field}: ${error.message}`);
        expect(errors).toEqual([]);
      }
    });
  }

  // Each case in its own folder, laid out as generated/ts/<api>/v<n>/ is, for the clients' `../types.ts`.
  const scratchTs = join(repoRoot, '.tmp', `golden-ts-${process.pid}`);
  afterAll(() => rmSync(scratchTs, { recursive: true, force: true }));
  const writeTs = (select: (path: string) => string | undefined): string[] => {
    const files: string[] = [];
    for (const { name, path, text } of outputs) {
      // openapi-typescript types a property that refers to a property of another schema by
      // that path, which TypeScript rejects as circular: this case's types.ts does not compile.
      if (name === 'foreign-json-refs') continue;
      const target = select(path);
      if (target === undefined) continue;
      mkdirSync(join(scratchTs, name, 'clients'), { recursive: true });
      writeFileSync(join(scratchTs, name, target), text);
      files.push(join(scratchTs, name, target));
    }
    return files;
  };

  it('the types and the REST and GraphQL clients of every case compile in a fresh Vite app', () => {
    const files = writeTs((path) => (path === 'output/types.ts' ? 'types.ts' : path === 'output/rest.ts' || path === 'output/graphql.ts' ? `clients/${path.slice('output/'.length)}` : undefined));
    expect(files.length).toBeGreaterThan(60);
    expect(typecheckAsApp('golden-vite-app', viteAppOptions, files)).toEqual([]);
  }, 120_000);

  it("the server interface of every case compiles under that app's Node options", () => {
    writeTs((path) => (path === 'output/types.ts' ? 'types.ts' : undefined));
    const files = writeTs((path) => (path === 'output/server.ts' ? 'server.ts' : undefined));
    expect(files.length).toBeGreaterThan(15);
    expect(typecheckAsApp('golden-node-app', nodeAppOptions, files)).toEqual([]);
  }, 120_000);

  const protos = outputs.filter(({ path }) => path.endsWith('.proto'));
  // Each case in its own package folder, as buf and protoc want (one package per directory).
  const scratch = mkdtempSync(join(tmpdir(), 'trident-golden-proto-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const files = protos.map(({ name, text }) => {
    const path = `${name}/${name.replaceAll('-', '_')}.proto`;
    mkdirSync(join(scratch, name), { recursive: true });
    // Packages must differ between cases; the file's own package is kept apart with the case name.
    const pkg = /^package ([\w.]+);$/m.exec(text)?.[1] ?? '';
    const own = `${pkg}.${name.replaceAll('-', '_')}`;
    writeFileSync(join(scratch, path), text.replace(`package ${pkg};`, `package ${own};`).replaceAll(`.${pkg}.`, `.${own}.`));
    return path;
  });

  it('finds proto files among the outputs', () => expect(files.length).toBeGreaterThan(20));

  it("Debian's protoc compiles every golden proto file", () => {
    execFileSync('protoc', ['-I', scratch, '-I', '/usr/include', '--descriptor_set_out=/dev/null', ...files], { cwd: scratch, stdio: ['ignore', 'pipe', 'pipe'] });
  });

  it('buf build compiles every golden proto file', () => {
    writeFileSync(join(scratch, 'buf.yaml'), 'version: v2\n');
    execFileSync(bufBinary(), ['build', scratch, '-o', '/dev/null'], { cwd: scratch, stdio: ['ignore', 'pipe', 'pipe'] });
  });
});
