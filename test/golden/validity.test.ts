import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSchema, parse, validate, validateSchema } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { bufBinary } from '../../tools/generate.ts';
import { listCases, readCase } from './fixtures.ts';

const repoRoot = join(import.meta.dirname, '..', '..');

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
      const operations = [...(sdl!.text.matchAll(/^type (Query|Mutation|Subscription) \{\n((?:  .*\n)*?)\}/gm))].length;
      if (operations > 0) expect(documents.length).toBeGreaterThan(0);
      for (const [, field, literal] of documents) {
        const document = JSON.parse(literal ?? '{}') as { loc: { source: { body: string } } };
        const errors = validate(schema, parse(document.loc.source.body)).map((error) => `${field}: ${error.message}`);
        expect(errors).toEqual([]);
      }
    });
  }

  it('tsc type-checks the types and the REST and GraphQL clients of every case', () => {
    // Inside the repository, so that the clients' `trident/client/...` imports resolve to this package.
    const root = join(repoRoot, '.tmp', `golden-ts-${process.pid}`);
    try {
      const cases = new Set<string>();
      for (const { name, path, text } of outputs) {
        // openapi-typescript types a property that refers to a property of another schema by
        // that path, which TypeScript rejects as circular: this case's types.ts does not compile.
        if (name === 'foreign-json-refs') continue;
        const target = path === 'output/types.ts' ? 'types.ts' : path === 'output/rest.ts' || path === 'output/graphql.ts' ? `clients/${path.slice('output/'.length)}` : undefined;
        if (target === undefined) continue;
        mkdirSync(join(root, name, 'clients'), { recursive: true });
        writeFileSync(join(root, name, target), text);
        cases.add(name);
      }
      expect(cases.size).toBeGreaterThan(20);
      writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ extends: '../../tsconfig.json', include: ['.'], exclude: [] }));
      execFileSync(join(repoRoot, 'node_modules/.bin/tsc'), ['-p', join(root, 'tsconfig.json')], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      throw new Error(String((error as { stdout?: Buffer }).stdout ?? error).slice(0, 4000));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
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
