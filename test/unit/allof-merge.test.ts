import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { compileContract } from '../../src/compiler/compile.ts';
import { foreignIdentity } from '../../src/compiler/identity.ts';

// Every object type compiled from a component holds every property of its fully merged allOf:
// its own, those of each part, of each part's parts however deep, and of parts that are an allOf
// with properties beside it (the resource pattern of large public descriptions). Documents are
// drawn at random: components S0..Sn, each composing lower-numbered ones (so without cycles, but
// with shared bases), by reference or inline.

type Part = { ref: number } | { inline: { refs: number[]; own: string[] } };
interface Component {
  own: string[];
  parts: Part[];
}

const propertyName = fc.constantFrom('id', 'name', 'location', 'tags', 'size', 'zone', 'etag', 'kind', 'type', 'createdAt', 'owner', 'state');

const components = fc.integer({ min: 2, max: 7 }).chain((count) =>
  fc.tuple(
    ...Array.from({ length: count }, (_, index) => {
      const earlier = index === 0 ? fc.constant([] as number[]) : fc.uniqueArray(fc.integer({ min: 0, max: index - 1 }), { maxLength: 3 });
      const part: fc.Arbitrary<Part> =
        index === 0
          ? fc.constant({ inline: { refs: [], own: ['base'] } })
          : fc.oneof(fc.integer({ min: 0, max: index - 1 }).map((ref) => ({ ref })), fc.record({ inline: fc.record({ refs: earlier, own: fc.uniqueArray(propertyName, { maxLength: 3 }) }) }));
      const own: fc.Arbitrary<string[]> = index === 0 ? fc.constant(['base']) : fc.uniqueArray(propertyName, { maxLength: 3 });
      return fc.record<Component>({ own, parts: fc.array(part, { minLength: index === 0 ? 0 : 1, maxLength: 3 }) });
    }),
  ),
);

const ref = (index: number) => ({ $ref: `#/components/schemas/S${index}` });
const properties = (names: string[]) => Object.fromEntries(names.map((name) => [name, { type: 'string' }]));

function schemaOf(component: Component): Record<string, unknown> {
  const allOf = component.parts.map((part) =>
    'ref' in part ? ref(part.ref) : { ...(part.inline.refs.length > 0 ? { allOf: part.inline.refs.map(ref) } : {}), type: 'object', properties: properties(part.inline.own) },
  );
  return { ...(allOf.length > 0 ? { allOf } : { type: 'object' }), ...(component.own.length > 0 ? { properties: properties(component.own) } : {}) };
}

/** The merged property names, computed here from the component list, not from any schema. */
function expected(list: Component[], index: number): Set<string> {
  const names = new Set(list[index]!.own);
  for (const part of list[index]!.parts) {
    const inner = 'ref' in part ? [...expected(list, part.ref)] : [...part.inline.own, ...part.inline.refs.flatMap((at) => [...expected(list, at)])];
    for (const name of inner) names.add(name);
  }
  return names;
}

function documentOf(list: Component[]): string {
  return stringify({
    openapi: '3.1.0',
    info: { title: 'allOf', version: '1.0.0' },
    paths: {
      '/root': {
        get: {
          operationId: 'getRoot',
          responses: { '200': { description: 'all', content: { 'application/json': { schema: { type: 'object', properties: Object.fromEntries(list.map((_, index) => [`s${index}`, ref(index)])) } } } } },
        },
      },
    },
    components: { schemas: Object.fromEntries(list.map((component, index) => [`S${index}`, schemaOf(component)])) },
  });
}

describe('allOf merged completely', () => {
  it('every object type of a component has exactly the properties of its fully merged allOf', async () => {
    await fc.assert(
      fc.asyncProperty(components, async (list) => {
        const text = documentOf(list);
        const compiled = await compileContract('doc.yaml', (path) => (path === 'doc.yaml' ? text : undefined), (document) => foreignIdentity('doc.yaml', document), { lenient: true, validate: 'never', outputs: ['graphql', 'proto'] });
        expect(compiled.diagnostics.filter((entry) => entry.severity === 'error')).toEqual([]);
        const types = compiled.api?.types ?? [];
        let checked = 0;
        for (const [index] of list.entries()) {
          const type = types.find((candidate) => candidate.pointer === `/components/schemas/S${index}`);
          // A component whose allOf has a single shaping entry is that entry's type.
          if (type === undefined || type.kind !== 'object') continue;
          expect(new Set(type.fields.map((field) => field.name)), `S${index} of\n${text}`).toEqual(expected(list, index));
          checked += 1;
        }
        expect(checked).toBeGreaterThan(0);
        // Whatever the nesting, the GraphQL root field of every component lists every merged property.
        const sdl = compiled.files.get([...compiled.files.keys()].find((file) => file.endsWith('.graphql')) ?? '') ?? '';
        for (const [index] of list.entries()) {
          for (const name of expected(list, index)) expect(sdl, `${name} of S${index}`).toContain(`${name}:`);
        }
      }),
      { numRuns: 150, seed: 20261206 },
    );
  }, 120_000);
});

describe('an allOf that contains itself', () => {
  it('is named as a cycle, at the schema, and becomes JSON', async () => {
    const text = stringify({
      openapi: '3.1.0',
      info: { title: 'cycle', version: '1.0.0' },
      paths: { '/loop': { get: { operationId: 'getLoop', responses: { '200': { description: 'loop', content: { 'application/json': { schema: { $ref: '#/components/schemas/Loop' } } } } } } } },
      components: {
        schemas: {
          Loop: { allOf: [{ $ref: '#/components/schemas/LoopTail' }, { type: 'object', properties: { step: { type: 'integer' } } }] },
          LoopTail: { allOf: [{ $ref: '#/components/schemas/Loop' }] },
        },
      },
    });
    const compiled = await compileContract('doc.yaml', (path) => (path === 'doc.yaml' ? text : undefined), (document) => foreignIdentity('doc.yaml', document), { lenient: true, validate: 'never', outputs: ['graphql', 'proto'] });
    const cycles = compiled.diagnostics.filter((entry) => entry.code === 'no-clean-mapping' && /an allOf that contains itself \(through #\/components\/schemas\/Loop(Tail)?\)/.test(entry.message));
    expect(cycles.length).toBeGreaterThan(0);
    expect(cycles[0]!.line).toBeGreaterThan(0);
    expect(compiled.diagnostics.filter((entry) => entry.severity === 'error')).toEqual([]);
    expect(compiled.losses.some((loss) => /contains itself/.test(loss.construct))).toBe(true);
  });
});
