import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { buildSchema, validateSchema } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { compileContract, type CompileOptions } from '../../src/compiler/compile.ts';
import { foreignIdentity } from '../../src/compiler/identity.ts';
import { stringify } from 'yaml';

// Any text, and any document shaped roughly like OpenAPI, gets diagnostics or output: never an
// exception (which compileContract would report as `compiler-failure`), and the output it gives is
// valid GraphQL and valid proto.
const foreign: CompileOptions = { lenient: true, validate: 'never', outputs: ['graphql', 'proto'] };

async function compileText(text: string, options: CompileOptions = foreign) {
  const compiled = await compileContract('doc.yaml', (path) => (path === 'doc.yaml' ? text : undefined), (document) => foreignIdentity('doc.yaml', document), options);
  expect(compiled.diagnostics.filter((entry) => entry.code === 'compiler-failure')).toEqual([]);
  for (const entry of compiled.diagnostics) {
    expect(entry.line).toBeGreaterThan(0);
    expect(entry.col).toBeGreaterThan(0);
  }
  return compiled;
}

const names = fc.oneof(
  fc.constantFrom('id', 'ID', '@id', '+1', '-1', 'foo-bar', 'fooBar', 'foo_bar', 'syntax', 'package', 'option', 'google', 'type', 'Query', 'String', 'true', '', '$', '名前', '__typename', '9lives', 'a/b', 'a~b', '%zz'),
  fc.string({ maxLength: 8 }),
);
const componentNames = fc.constantFrom('Pet', 'pet', 'Query', 'String', 'Pet-Owner', 'Node', 'GetPetRequest', 'JSON');

const schema = fc.letrec<{ schema: unknown }>((tie) => ({
  schema: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom({ type: 'string' }, { type: 'integer' }, { type: 'number', format: 'float' }, { type: 'boolean' }, { type: 'string', format: 'date-time' }, { type: 'null' }, {}, true, { type: 'object' }),
    componentNames.map((name) => ({ $ref: `#/components/schemas/${name}` })),
    fc.constantFrom({ $ref: '#/components/schemas/Missing' }, { $ref: 'other.yaml#/x' }, { $ref: '#/paths' }, { $ref: '#%zz' }),
    fc.record({ type: fc.constant('object'), properties: fc.dictionary(names, tie('schema'), { maxKeys: 4 }), required: fc.array(names, { maxLength: 2 }) }, { requiredKeys: ['properties'] }),
    fc.record({ type: fc.constant('array'), items: tie('schema') }),
    fc.record({ additionalProperties: fc.oneof(tie('schema'), fc.boolean()) }),
    fc.record({ enum: fc.array(fc.oneof(names, fc.integer(), fc.constant(null)), { maxLength: 6 }) }),
    fc.record({ allOf: fc.array(tie('schema'), { maxLength: 3 }) }),
    fc.record({ oneOf: fc.array(tie('schema'), { maxLength: 3 }), discriminator: fc.option(fc.record({ propertyName: names }), { nil: undefined }) }, { requiredKeys: ['oneOf'] }),
    fc.record({ anyOf: fc.array(tie('schema'), { maxLength: 3 }), nullable: fc.boolean() }),
    fc.record({ type: fc.array(fc.constantFrom('string', 'integer', 'null', 'object'), { maxLength: 3 }) }),
  ),
}));

const parameter = fc.record({ name: names, in: fc.constantFrom('path', 'query', 'header', 'cookie', 'body'), required: fc.boolean(), schema: schema.schema });
const operation = fc.record(
  {
    operationId: fc.oneof(fc.constant(undefined), names, fc.constantFrom('getPet', 'GetPet', 'get_pet', 'list')),
    parameters: fc.array(parameter, { maxLength: 3 }),
    requestBody: fc.record({ content: fc.dictionary(fc.constantFrom('application/json', 'application/xml', 'multipart/form-data', 'application/octet-stream'), fc.record({ schema: schema.schema }), { maxKeys: 2 }) }),
    responses: fc.dictionary(fc.constantFrom('200', '201', '204', '2XX', '404', 'default'), fc.record({ description: fc.constant('r'), content: fc.dictionary(fc.constantFrom('application/json', 'text/plain', 'text/event-stream', 'image/png'), fc.record({ schema: schema.schema }), { maxKeys: 2 }) }), { maxKeys: 2 }),
  },
  { requiredKeys: ['responses'] },
);
const document = fc.record({
  openapi: fc.constantFrom('3.0.3', '3.1.0'),
  info: fc.record({ title: fc.oneof(names, fc.constant('Fuzz')), version: fc.constantFrom('1.0.0', 'v2', '0.1', 'x') }),
  paths: fc.dictionary(fc.constantFrom('/pets', '/pets/{id}', '/pets/{petId}', '/', '/a/{b}/c', '/{x}:do'), fc.dictionary(fc.constantFrom('get', 'put', 'post', 'delete', 'patch', 'parameters'), operation, { maxKeys: 3 }), { maxKeys: 4 }),
  components: fc.record({ schemas: fc.dictionary(componentNames, schema.schema, { maxKeys: 5 }) }),
});

describe('the loader and compiler never crash (bounded fuzzing with fast-check)', () => {
  it('on arbitrary text', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((value) => stringify(value))), async (text) => {
      await compileText(text);
    }), { numRuns: 150, seed: 7 });
  });

  const protos: string[] = [];
  it('on OpenAPI-shaped documents: valid SDL whenever there is output', async () => {
    await fc.assert(fc.asyncProperty(document, fc.boolean(), async (value, asJson) => {
      const text = asJson ? JSON.stringify(value) : stringify(value);
      const compiled = await compileText(text);
      for (const [path, output] of compiled.files) {
        if (path.endsWith('.graphql')) expect(validateSchema(buildSchema(output)).map((error) => error.message)).toEqual([]);
        if (path.endsWith('.proto') && protos.length < 120) protos.push(output);
      }
    }), { numRuns: 250, seed: 11 });
    expect(protos.length).toBeGreaterThan(20);
  }, 120_000);

  it("and protoc compiles every proto file they produced", () => {
    const scratch = mkdtempSync(join(tmpdir(), 'trident-fuzz-'));
    afterAll(() => rmSync(scratch, { recursive: true, force: true }));
    const files = protos.map((text, index) => {
      mkdirSync(join(scratch, `p${index}`), { recursive: true });
      const pkg = /^package ([\w.]+);$/m.exec(text)?.[1] ?? '';
      const own = `fuzz.p${index}.${pkg}`;
      writeFileSync(join(scratch, `p${index}`, 'doc.proto'), text.replace(`package ${pkg};`, `package ${own};`).replaceAll(`.${pkg}.`, `.${own}.`));
      return `p${index}/doc.proto`;
    });
    try {
      execFileSync('protoc', ['-I', scratch, '-I', '/usr/include', '--descriptor_set_out=/dev/null', ...files], { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      expect(String((error as { stderr?: unknown }).stderr)).toBe('');
    }
  });

  it('with the OpenAPI validation on, a few documents', async () => {
    await fc.assert(fc.asyncProperty(document, async (value) => {
      await compileText(JSON.stringify(value), { ...foreign, validate: 'always' });
    }), { numRuns: 25, seed: 5 });
  }, 120_000);
});
