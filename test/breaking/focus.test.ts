import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { focusOnChanges } from '../../src/breaking/focus/index.ts';
import { breakingDocuments } from '../../tools/breaking.ts';

/**
 * `trident breaking OLD NEW` compiles only what changed between two large documents (and what it
 * refers to). Cutting the documents must change nothing the gate reports: every pair of the
 * corpus and of the rule fixtures is gated with the cut made and without it, and the two JSON
 * reports are equal to the byte.
 */

const testRoot = join(import.meta.dirname, '..');
const pairs = ['corpus-breaking', 'fixtures-breaking'].flatMap((folder) =>
  readdirSync(join(testRoot, folder), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `${folder}/${entry.name}`)
    .sort(),
);

async function report(pair: string, focus: boolean, cwd = testRoot): Promise<{ exitCode: number; text: string }> {
  let text = '';
  const { exitCode } = await breakingDocuments({
    cwd,
    before: `${pair}/base.yaml`,
    after: `${pair}/revision.yaml`,
    format: 'json',
    verbose: true,
    today: '2026-06-01',
    focus,
    log: (chunk) => (text += chunk),
  });
  return { exitCode, text };
}

// Pairs where a change shows in a part that did not change, or where the compiler's names depend
// on parts other than the one compiled: the cut must keep what the whole compile sees.
const object = (properties: Record<string, unknown>) => ({ type: 'object', properties });
const returning = (operationId: string, schema: unknown, extra: Record<string, unknown> = {}) => ({
  get: { operationId, ...extra, responses: { '200': { description: 'OK', content: { 'application/json': { schema } } } } },
});
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const query = (name: string, required = false) => ({ parameters: [{ name, in: 'query', required, schema: { type: 'string' } }] });
const doc = (paths: Record<string, unknown>, schemas: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
  openapi: '3.1.0',
  info: { title: 'Shop', version: '1' },
  paths,
  components: { schemas, ...extra },
});
const entangled: Record<string, [unknown, unknown]> = {
  // Ids the compiler cannot keep (alike in PascalCase): operations named after method and path.
  'ids alike': [
    doc({ '/a': returning('getPet', { type: 'string' }), '/b': returning('GetPet', { type: 'string' }) }),
    doc({ '/a': returning('getPet', { type: 'string' }, query('q', true)), '/b': returning('GetPet', { type: 'string' }) }),
  ],
  // A path item given by reference, whose operation shares its id with another.
  'path item by reference': [
    doc({ '/a': { $ref: '#/components/pathItems/P' }, '/b': returning('listP', { type: 'string' }) }, {}, { pathItems: { P: returning('listP', { type: 'string' }) } }),
    doc({ '/a': { $ref: '#/components/pathItems/P' }, '/b': returning('listP', { type: 'string' }, query('q', true)) }, {}, { pathItems: { P: returning('listP', { type: 'string' }) } }),
  ],
  // A reference inside a property called `mapping`.
  'a property called mapping': [
    doc({ '/s': returning('getS', ref('S')) }, { S: object({ mapping: object({ x: { type: 'string' } }) }), X: object({ y: { type: 'integer' } }) }),
    doc({ '/s': returning('getS', ref('S')) }, { S: object({ mapping: object({ x: ref('X') }) }), X: object({ y: { type: 'integer' } }) }),
  ],
  // A property of A reached from C and B: its type is named after whichever converts it first.
  'a schema named by its first referrer': [
    doc({ '/a': returning('getA', ref('A')) }, { C: object({ o: { $ref: '#/components/schemas/A/properties/owner' } }), B: object({ o: { $ref: '#/components/schemas/A/properties/owner' } }), A: object({ owner: object({ name: { type: 'string' } }) }) }),
    doc({ '/a': returning('getA', ref('A'), query('q')) }, { C: object({ o: { $ref: '#/components/schemas/A/properties/owner' } }), A: object({ owner: object({ name: { type: 'string' } }) }) }),
  ],
  // Operations are paired by route, whatever their parameters are called.
  'one route, two path keys': [
    doc({ '/a/{x}': returning('opA', { type: 'string' }, { parameters: [{ name: 'x', in: 'path', required: true, schema: { type: 'string' } }] }) }),
    doc({
      '/a/{x}': returning('opA', { type: 'string' }, { parameters: [{ name: 'x', in: 'path', required: true, schema: { type: 'string' } }] }),
      '/a/{y}': returning('opB', { type: 'string' }, { parameters: [{ name: 'y', in: 'path', required: true, schema: { type: 'string' } }] }),
    }),
  ],
  // Two component schemas whose names read alike, in the other order.
  'names alike, reordered': [
    doc({ '/p': returning('getP', ref('pet_store')), '/q': returning('getQ', ref('PetStore')) }, { pet_store: object({ a: { type: 'string' } }), PetStore: object({ b: { type: 'string' } }) }),
    doc({ '/p': returning('getP', ref('pet_store')), '/q': returning('getQ', ref('PetStore')) }, { PetStore: object({ b: { type: 'string' } }), pet_store: object({ a: { type: 'string' } }) }),
  ],
  // An extension keyed by enum values, one of them `description`.
  'an extension keyed by names': [
    doc({ '/e': returning('getE', ref('E')) }, { E: { type: 'string', enum: ['description', 'other'], 'x-proto-numbers': { description: 1, other: 2 } } }),
    doc({ '/e': returning('getE', ref('E')) }, { E: { type: 'string', enum: ['description', 'other'], 'x-proto-numbers': { description: 5, other: 2 } } }),
  ],
  // A security scheme called `summary`, whose requirement gains a scope.
  'a scheme called summary': [
    doc({ '/s': returning('getS', { type: 'string' }, { security: [{ summary: ['read'] }] }) }, {}, { securitySchemes: { summary: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: 'https://x/token', scopes: { read: 'r', admin: 'a' } } } } } }),
    doc({ '/s': returning('getS', { type: 'string' }, { security: [{ summary: ['read', 'admin'] }] }) }, {}, { securitySchemes: { summary: { type: 'oauth2', flows: { clientCredentials: { tokenUrl: 'https://x/token', scopes: { read: 'r', admin: 'a' } } } } } }),
  ],
};

describe('the gate on the changed parts only', () => {
  it('keeps together what the compiler names or pairs across parts, so the report is the whole one', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'trident-focus-'));
    const differing: string[] = [];
    for (const [name, [base, revision]] of Object.entries(entangled)) {
      const pair = name.replaceAll(' ', '-');
      mkdirSync(join(folder, pair));
      writeFileSync(join(folder, pair, 'base.yaml'), JSON.stringify(base, null, 2));
      writeFileSync(join(folder, pair, 'revision.yaml'), JSON.stringify(revision, null, 2));
      const whole = await report(pair, false, folder);
      const focused = await report(pair, true, folder);
      // Each pair is a change the whole compile reports.
      expect(whole.exitCode, `${name}: ${whole.text}`).not.toBe(2);
      expect((JSON.parse(whole.text) as { versions: Array<{ findings: unknown[] }> }).versions[0]?.findings.length, name).toBeGreaterThan(0);
      if (focused.text !== whole.text) differing.push(name);
    }
    expect(differing).toEqual([]);
  });

  it(`reports what it reports on the whole documents, for all ${pairs.length} pairs of the corpus and the rule fixtures`, async () => {
    expect(pairs.length).toBeGreaterThan(150);
    const differing: string[] = [];
    let findings = 0;
    for (const pair of pairs) {
      const whole = await report(pair, false);
      const focused = await report(pair, true);
      if (focused.exitCode !== whole.exitCode || focused.text !== whole.text) differing.push(pair);
      // A pair that cannot be judged (a document that does not compile) says so in a line of text.
      if (whole.text.startsWith('{')) findings += (JSON.parse(whole.text) as { versions: Array<{ findings: unknown[] }> }).versions.reduce((sum, version) => sum + version.findings.length, 0);
    }
    expect(differing).toEqual([]);
    // The pairs are real changes: most of them report something.
    expect(findings).toBeGreaterThan(pairs.length);
  }, 600_000);
});

type Schema = Record<string, unknown> & { properties: Record<string, unknown> };
interface Document extends Record<string, unknown> {
  info: unknown;
  paths: Record<string, { get: Record<string, unknown> }>;
  components: { schemas: Record<string, Schema> };
}
const pet = (properties: Record<string, unknown>, description = 'A pet.'): Schema => ({ type: 'object', description, properties });
const document = (schemas: Record<string, unknown>, paths: Record<string, unknown>): Document =>
  ({ openapi: '3.1.0', info: { title: 'Shop', version: '1' }, paths, components: { schemas } }) as Document;
const read = (operationId: string, schema: string, description = 'Reads.') => ({
  get: { operationId, description, responses: { '200': { description: 'OK', content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } } } } },
});
const keys = (value: unknown, ...path: string[]): string[] => Object.keys(path.reduce((node, key) => (node as Record<string, unknown>)[key], value) as object);

describe('focusOnChanges', () => {
  const schemas = { Pet: pet({ name: { type: 'string' }, description: { type: 'string' } }), Owner: pet({ name: { type: 'string' } }), Toy: pet({ size: { type: 'integer' } }) };
  const paths = { '/pets': read('listPets', 'Pet'), '/owners': read('listOwners', 'Owner'), '/toys': read('listToys', 'Toy') };

  it('leaves out on both sides what differs only in prose, and keeps what refers to a change and what that refers to', () => {
    const after = structuredClone(document(schemas, paths));
    after.paths['/owners']!.get.description = 'Lists the owners, now documented.';
    after.components.schemas.Toy!.description = 'A toy.';
    after.components.schemas.Pet!.properties.tag = { type: 'string' };
    const focus = focusOnChanges(document(schemas, paths), after)!;
    expect(keys(focus.before, 'paths')).toEqual(['/pets']);
    expect(keys(focus.after, 'paths')).toEqual(['/pets']);
    expect(keys(focus.after, 'components', 'schemas')).toEqual(['Pet']);
    expect(focus.kept).toEqual({ before: 2, after: 2, of: { before: 6, after: 6 } });
    // The rest of the document is kept as it is.
    expect(focus.after.info).toBe(after.info);
  });

  it('counts a property called `description`, a reordered property, an example and an added or removed part as changes', () => {
    const base = document(schemas, paths);
    const variants: Array<[string, (copy: Document) => void]> = [
      ['the property description', (copy) => (copy.components.schemas.Toy!.properties.description = { type: 'string' })],
      ['reordered properties', (copy) => (copy.components.schemas.Pet!.properties = { description: { type: 'string' }, name: { type: 'string' } })],
      ['an example', (copy) => (copy.components.schemas.Toy!.example = { size: 1, description: 'big' })],
      ['a removed path', (copy) => delete copy.paths['/toys']],
    ];
    for (const [what, change] of variants) {
      const after = structuredClone(base);
      change(after);
      const focus = focusOnChanges(base, after)!;
      expect(keys(focus.before, 'paths').length + keys(focus.after, 'paths').length, what).toBeGreaterThan(0);
    }
  });

  it('keeps the targets of a discriminator mapping, and compiles whole documents when a reference leaves the parts', () => {
    const union = { oneOf: [{ $ref: '#/components/schemas/Pet' }], discriminator: { propertyName: 'kind', mapping: { toy: '#/components/schemas/Toy' } } };
    const base = document({ ...schemas, Thing: union }, { ...paths, '/things': read('listThings', 'Thing') });
    const after = structuredClone(base);
    after.paths['/things']!.get.deprecated = true;
    expect(keys(focusOnChanges(base, after)!.after, 'components', 'schemas')).toEqual(['Pet', 'Toy', 'Thing']);
    const outside = document(schemas, { ...paths, '/info': { $ref: '#/info' } });
    expect(focusOnChanges(outside, structuredClone(outside))).toBeUndefined();
  });

  it('compiles whole documents when what every operation inherits changes, or an operation has no operationId of its own', () => {
    const base = document(schemas, paths);
    const secured = { ...structuredClone(base), security: [{ bearer: [] }] };
    expect(focusOnChanges(base, secured)).toBeUndefined();
    const sunset = structuredClone(base);
    sunset.info = { title: 'Shop', version: '1', 'x-sunset': '2027-01-01' };
    expect(focusOnChanges(base, sunset)).toBeUndefined();
    // Only the version's own description and number changed: nothing every operation inherits.
    const described = structuredClone(base);
    described.info = { title: 'Shop', version: '2', description: 'The shop.' };
    expect(focusOnChanges(base, described)?.kept.after).toBe(0);
    const unnamed = structuredClone(base);
    delete unnamed.paths['/toys']!.get.operationId;
    expect(focusOnChanges(unnamed, structuredClone(unnamed))).toBeUndefined();
    const twice = structuredClone(base);
    twice.paths['/toys']!.get.operationId = 'listPets';
    expect(focusOnChanges(twice, structuredClone(twice))).toBeUndefined();
  });

  it('keeps a part on both sides when a change on either side refers to it', () => {
    const base = document(schemas, paths);
    const after = structuredClone(base);
    delete after.paths['/toys'];
    const focus = focusOnChanges(base, after)!;
    // Toy is unchanged, but the removed path refers to it: left out of the revision alone, it would read as removed.
    expect(keys(focus.before, 'components', 'schemas')).toEqual(['Toy']);
    expect(keys(focus.after, 'components', 'schemas')).toEqual(['Toy']);
    expect(keys(focus.after, 'paths')).toEqual([]);
  });
});
