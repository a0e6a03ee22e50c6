import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { compileContract } from '../../src/compiler/compile.ts';
import { typesCuts } from '../../src/compiler/emit/typescript-cycles.ts';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const documentOf = (schemas: Record<string, unknown>) => ({ openapi: '3.1.0', info: { title: 'Cycles', version: '1' }, paths: {}, components: { schemas } });

// Schemas that reach themselves in every way openapi-typescript writes a reference.
const schemas = {
  Self: ref('Self'),
  AliasA: ref('AliasB'),
  AliasB: ref('AliasA'),
  Nested: { type: 'array', items: ref('Nested') },
  Tuple: { type: 'array', prefixItems: [{ type: 'string' }, ref('Tuple')] },
  Json: { oneOf: [{ type: 'string' }, { type: 'array', items: ref('Json') }, { type: 'object', additionalProperties: ref('Json') }] },
  Either: { anyOf: [{ type: 'integer' }, ref('Either')] },
  Both: { allOf: [{ type: 'object', properties: { a: { type: 'string' } } }, ref('Both')] },
  // Through an object's property or map: TypeScript resolves these when they are used.
  Tree: { type: 'object', properties: { children: { type: 'array', items: ref('Tree') } } },
  Map: { type: 'object', additionalProperties: ref('Map') },
  Link: { type: 'object', properties: { next: ref('Chain') } },
  Chain: { allOf: [ref('Link')] },
};

describe('references the TypeScript types cut', () => {
  it('are those that close a cycle through no object member, one per cycle', () => {
    const cuts = typesCuts(documentOf(schemas)).map((cut) => `${cut.pointer} -> ${cut.target}`);
    expect(cuts).toEqual([
      '/components/schemas/Self -> Self',
      '/components/schemas/AliasB -> AliasA',
      '/components/schemas/Nested/items -> Nested',
      '/components/schemas/Tuple/prefixItems/1 -> Tuple',
      '/components/schemas/Json/oneOf/1/items -> Json',
      '/components/schemas/Either/anyOf/1 -> Either',
      '/components/schemas/Both/allOf/1 -> Both',
    ]);
  });

  it('are found without recursion in a chain of 20,000 aliases that closes on itself', () => {
    const chain: Record<string, unknown> = {};
    for (let index = 0; index < 20_000; index += 1) chain[`S${index}`] = ref(`S${(index + 1) % 20_000}`);
    expect(typesCuts(documentOf(chain)).map((cut) => `${cut.pointer} -> ${cut.target}`)).toEqual(['/components/schemas/S19999 -> S0']);
  });

  it('leave types that the TypeScript compiler accepts, with a warning at each cut', async () => {
    const text = JSON.stringify({
      ...documentOf(schemas),
      paths: { '/json': { get: { operationId: 'getJson', responses: { '200': { description: 'A value.', content: { 'application/json': { schema: ref('Json') } } } } } } },
    });
    const compiled = await compileContract('cycles.json', (path) => (path === 'cycles.json' ? text : undefined), { name: 'cycles', version: 1 }, { lenient: true, outputs: ['types'] });
    expect(compiled.diagnostics.filter((entry) => entry.code === 'typescript-reference-cut').map((entry) => entry.pointer)).toHaveLength(7);
    const types = compiled.files.get('ts/cycles/v1/types.ts') ?? '';
    expect(types).toContain('Nested: unknown[];');
    expect(types).toContain('children?: components["schemas"]["Tree"][];');
    const dir = mkdtempSync(join(tmpdir(), 'trident-cycles-'));
    try {
      writeFileSync(join(dir, 'types.ts'), types);
      const program = ts.createProgram([join(dir, 'types.ts')], { strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022 });
      const errors = ts.getPreEmitDiagnostics(program).map((entry) => ts.flattenDiagnosticMessageText(entry.messageText, '\n'));
      expect(errors).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
