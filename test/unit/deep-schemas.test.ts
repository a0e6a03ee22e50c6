import { buildSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { compileContract, type CompileOptions } from '../../src/compiler/compile.ts';
import { printJson } from '../../src/compiler/emit/openapi.ts';
import type { Diagnostic } from '../../src/compiler/diagnostics.ts';
import { foreignIdentity } from '../../src/compiler/identity.ts';

// Documents nested hundreds to thousands of levels, built here as text: JSON.stringify itself runs
// out of stack on 5,000 levels of properties. No input may reach a recursion limit: a deep document
// compiles (past the depth the targets are given, as JSON with a report entry) or gets a diagnostic
// at a place, never `compiler-failure` nor `openapi-invalid` for a valid document.

type Nesting = 'properties' | 'items' | 'allOf' | 'refs';

function deepDocument(nesting: Nesting, depth: number): string {
  const components: string[] = [];
  let deep: string;
  if (nesting === 'refs') {
    for (let level = 0; level < depth; level += 1) {
      const next = level + 1 < depth ? `{"type":"object","properties":{"next":{"$ref":"#/components/schemas/S${level + 1}"}}}` : '{"type":"string"}';
      components.push(`"S${level}":${next}`);
    }
    deep = '{"$ref":"#/components/schemas/S0"}';
  } else if (nesting === 'allOf') {
    // Each level adds a property of its own: all of them belong to the merged object.
    const closes = Array.from({ length: depth }, (_, level) => `,{"type":"object","properties":{"p${level}":{"type":"string"}}}]}`);
    deep = '{"allOf":['.repeat(depth) + '{"type":"object","properties":{"base":{"type":"string"}}}' + closes.reverse().join('');
  } else {
    const [open, close] = nesting === 'properties' ? ['{"type":"object","properties":{"inner":', '}}'] : ['{"type":"array","items":', '}'];
    deep = open.repeat(depth) + '{"type":"string"}' + close.repeat(depth);
  }
  const response = '{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Deep"}}}}}';
  return `{"openapi":"3.1.0","info":{"title":"deep","version":"1.0.0"},"paths":{"/deep":{"get":{"operationId":"getDeep","responses":${response}}}},"components":{"schemas":{${[...components, `"Deep":${deep}`].join(',')}}}}`;
}

async function compile(text: string, options: CompileOptions) {
  return compileContract('deep.json', (path) => (path === 'deep.json' ? text : undefined), (document) => foreignIdentity('deep.json', document), options);
}

const errorsOf = (compiled: { diagnostics: Diagnostic[] }): Diagnostic[] => compiled.diagnostics.filter((entry) => entry.severity === 'error');

describe('deep schemas', () => {
  it('are printed as JSON.stringify prints them, past where it runs out of stack', () => {
    const samples = [{}, [], { list: [1, 'two', null, true, { inner: {} }, []], gone: undefined, 'quote"d': [undefined, Number.NaN] }];
    for (const sample of samples) {
      expect(printJson(sample)).toBe(JSON.stringify(sample, null, 2));
      expect(printJson(sample, '')).toBe(JSON.stringify(sample));
    }
  });

  for (const nesting of ['properties', 'items', 'allOf', 'refs'] as const) {
    // 300 levels stop the validator, 5,000 any recursive walk; a chain of 2,000 components is cut 15 times.
    const depths = nesting === 'refs' ? [300, 2_000] : [300, 5_000];
    it(`nested ${nesting} ${depths.join(' and ')} levels deep compile to GraphQL and proto`, async () => {
      for (const depth of depths) {
        const text = deepDocument(nesting, depth);
        const compiled = await compile(text, { lenient: true, validate: 'never', outputs: ['openapi', 'graphql', 'proto'] });
        expect(errorsOf(compiled), `${nesting} ${depth}`).toEqual([]);
        // The OpenAPI output is the whole document, printed (the document has no spaces of its own).
        const openapi = [...compiled.files].find(([path]) => path.endsWith('openapi.json'))?.[1] ?? '';
        expect(openapi.replace(/\s+/g, '') === text).toBe(true);
        const sdl = [...compiled.files].find(([path]) => path.endsWith('.graphql'))?.[1] ?? '';
        expect(() => buildSchema(sdl)).not.toThrow();
        expect([...compiled.files.keys()].some((path) => path.endsWith('.proto'))).toBe(true);
        if (nesting === 'allOf') {
          // Merged completely, however deep: no property of any level is lost.
          const deep = compiled.api?.types.find((type) => type.pointer === '/components/schemas/Deep');
          expect(deep?.kind === 'object' ? deep.fields.length : 0).toBe(depth + 1);
        } else {
          // Past the depth the targets are given, the rest is JSON, said where and reported.
          const cut = compiled.diagnostics.find((entry) => entry.code === 'no-clean-mapping' && /nested more than 64 levels|chain of 128 component schemas/.test(entry.message));
          expect(cut?.line).toBe(1);
          expect(cut?.col).toBeGreaterThan(1);
          expect(compiled.losses.some((loss) => loss.pointer === cut?.pointer)).toBe(true);
        }
      }
    });
  }

  it('a foreign document nested past what the validator follows is compiled with the compiler\'s checks, with a warning where it stopped', async () => {
    const compiled = await compile(deepDocument('properties', 300), { lenient: true, validate: 'always', outputs: ['graphql', 'proto'] });
    expect(errorsOf(compiled)).toEqual([]);
    const warning = compiled.diagnostics.find((entry) => entry.code === 'validation-too-deep');
    expect(warning?.message).toMatch(/more than 500 levels \(counted through references\)/);
    expect(warning?.pointer).toBe('/paths/~1deep/get/responses/200/content/application~1json/schema');
    expect(compiled.files.size).toBe(2);
  });

  it('a contract nested past what the validator follows is refused with schema-too-deep, not openapi-invalid', async () => {
    for (const [nesting, depth, stop] of [['refs', 300, /500 levels/], ['items', 2_000, /call stack/]] as const) {
      const compiled = await compile(deepDocument(nesting, depth), { validate: 'always', outputs: ['graphql', 'proto'] });
      expect(errorsOf(compiled).map((entry) => entry.code)).toEqual(['schema-too-deep']);
      expect(errorsOf(compiled)[0]?.message).toMatch(stop);
      expect(errorsOf(compiled)[0]?.pointer).not.toBe('');
      expect(compiled.files.size).toBe(0);
    }
  });

  it('openapi-typescript gets the document cut at 400 levels, and a chain of 2,000 references types', async () => {
    // Uncut, openapi-typescript runs out of stack on 600 levels of properties.
    const typed = await compile(deepDocument('properties', 600), { lenient: true, validate: 'never', outputs: ['types'] });
    expect(typed.diagnostics.filter((entry) => entry.code === 'typescript-types-failed')).toEqual([]);
    expect([...typed.files.keys()].some((path) => path.endsWith('types.ts'))).toBe(true);
    // Its transform writes a reference as a type reference without following it (Redocly's bundle
    // step, which followed each one as it met it and ran out of stack here, is not run).
    const compiled = await compile(deepDocument('refs', 2_000), { validate: 'never', outputs: ['types'] });
    expect(errorsOf(compiled)).toEqual([]);
    const types = [...compiled.files].find(([path]) => path.endsWith('types.ts'))?.[1] ?? '';
    expect(types).toContain('S1999: string;');
    expect(types).toContain('next?: components["schemas"]["S1999"];');
  });

  it('YAML nested past what its parser follows gets schema-too-deep where it stopped; an alias inside its own anchor is named', async () => {
    const yaml = (schema: string) => `openapi: 3.1.0\ninfo: {title: deep, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n${schema}`;
    const deep = await compile(yaml(`    Deep: ${'{type: object, properties: {inner: '.repeat(2_000)}{type: string}${'}}'.repeat(2_000)}\n`), { lenient: true, validate: 'never' });
    expect(deep.diagnostics.map((entry) => [entry.code, entry.message, entry.line])).toEqual([['schema-too-deep', 'the YAML nests deeper than the YAML parser can follow here', 6]]);
    const loop = await compile(yaml('    Loop: &loop\n      type: object\n      properties:\n        self: *loop\n'), { lenient: true, validate: 'never' });
    expect(loop.diagnostics.map((entry) => [entry.code, entry.message, entry.line])).toEqual([['yaml-invalid', 'the value at #/components/schemas/Loop/properties/self contains itself through an alias; JSON cannot hold it', 9]]);
  });
});
