import { describe, expect, it } from 'vitest';
import { compileContract } from '../../src/compiler/compile.ts';

// A JSON document whose references all resolve locally is not walked: its text lists them. These
// are the cases where it must be walked after all, and the one where a schema is reached twice.
async function compile(files: Record<string, string>, path = 'openapi.json', validate: 'always' | 'never' = 'always') {
  const result = await compileContract(path, (file) => files[file], { name: 'demo', version: 1 }, { validate });
  return { ...result, summary: result.diagnostics.filter((entry) => entry.severity === 'error').map((entry) => [entry.code, `${entry.file}:${entry.line}:${entry.col}`]) };
}

const thing = { type: 'object', properties: { id: { type: 'string' }, size: { type: 'object', properties: { width: { type: 'number' } } } } };
const document = (schema: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify(
    {
      openapi: '3.1.0',
      info: { title: 'Demo', version: '1.0.0' },
      paths: {
        '/things': {
          get: {
            operationId: 'getThing',
            responses: { '200': { description: 'ok', content: { 'application/json': { schema, ...extra } } } },
          },
        },
      },
      components: { schemas: { Thing: thing } },
    },
    null,
    2,
  );

describe('references of a JSON document', () => {
  it('reports a reference to nothing where it is', async () => {
    const result = await compile({ 'openapi.json': document({ $ref: '#/components/schemas/Thng' }) });
    expect(result.summary).toEqual([['ref-unresolved', 'openapi.json:17:19']]);
  });

  it('bundles a reference into another file', async () => {
    const common = JSON.stringify({ components: { schemas: { Part: { type: 'object', properties: { name: { type: 'string' } } } } } });
    const result = await compile({ 'openapi.json': document({ $ref: './common.json#/components/schemas/Part' }), 'common.json': common });
    expect(result.summary).toEqual([]);
    expect(result.api?.types.map((type) => type.name)).toContain('Part');
  });

  it('leaves a `$ref` in an example alone, as data', async () => {
    // The OpenAPI validator follows it too, so the compiler is asked to skip validation.
    const result = await compile({ 'openapi.json': document({ $ref: '#/components/schemas/Thing' }, { example: { $ref: '#/nowhere' } }) }, 'openapi.json', 'never');
    expect(result.summary).toEqual([]);
    expect(result.api).toBeDefined();
  });

  it('reads a `$ref` key spelled with an escape', async () => {
    const text = document({ $ref: '#/components/schemas/Thng' }).replace('"$ref"', '"\\u0024ref"');
    expect(text).toContain('\\u0024ref');
    const result = await compile({ 'openapi.json': text });
    expect(result.summary).toEqual([['ref-unresolved', 'openapi.json:17:19']]);
  });

  it('gives a schema a reference leads into one type, wherever it is reached from', async () => {
    for (const [path, text] of [
      ['openapi.json', document({ $ref: '#/components/schemas/Thing/properties/size' })],
      ['openapi.yaml', document({ $ref: '#/components/schemas/Thing/properties/size' })],
    ] as const) {
      const result = await compile({ [path]: text }, path);
      expect(result.summary).toEqual([]);
      const names = result.api?.types.map((type) => type.name).sort();
      expect(names).toEqual(['Thing', 'ThingSize']);
      const operation = result.api?.operations[0];
      expect(operation?.result).toMatchObject({ type: { kind: 'named', name: 'ThingSize' } });
    }
  });

  it("gives a path's parameter one type, however many operations read it", async () => {
    const pets = [
      'openapi: 3.0.3',
      'info: { title: Pets, version: 1.0.0 }',
      'paths:',
      '  /pets:',
      '    parameters:',
      '      - { name: status, in: query, schema: { type: string, enum: [open, closed] } }',
      '      - { name: tag, in: query, schema: { oneOf: [{ type: string }, { type: integer }] } }',
      '    get:',
      '      operationId: listPets',
      "      responses: { '200': { description: ok, content: { application/json: { schema: { type: string } } } } }",
      '    post:',
      '      operationId: createPet',
      "      responses: { '200': { description: ok, content: { application/json: { schema: { type: string } } } } }",
      '',
    ].join('\n');
    const yaml = await compile({ 'openapi.yaml': pets }, 'openapi.yaml');
    const json = await compile({ 'openapi.json': JSON.stringify((await import('yaml')).parse(pets)) });
    for (const result of [yaml, json]) {
      expect(result.api?.types.map((type) => type.name)).toEqual(['ListPetsStatus']);
      expect(result.api?.operations.map((operation) => operation.parameters[0]?.type)).toEqual([{ kind: 'named', name: 'ListPetsStatus' }, { kind: 'named', name: 'ListPetsStatus' }]);
      // The oneOf has no clean mapping: said once, for the one place it is.
      expect(result.diagnostics.filter((entry) => entry.code === 'no-clean-mapping')).toHaveLength(1);
    }
  });
});
