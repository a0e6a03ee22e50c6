import { describe, expect, it } from 'vitest';
import { foreignIdentity } from '../../src/compiler/identity.ts';
import { fallbackWords, words } from '../../src/compiler/names.ts';
import { assignNames, Namespace, protoFieldKey } from '../../src/compiler/namespace.ts';
import { deriveOperationId } from '../../src/compiler/operation-names.ts';

describe('foreign document identity', () => {
  const cases: Array<[string, unknown, { name: string; version: number }]> = [
    ['petstore.yaml', { info: { title: 'Swagger Petstore', version: '1.0.7' } }, { name: 'petstore', version: 1 }],
    ['specs/api.github.com.json', { info: { title: 'GitHub', version: '23.0.2' } }, { name: 'api_github_com', version: 23 }],
    ['openapi.yaml', { info: { title: 'The Cloud Storage JSON API', version: 'v2' } }, { name: 'cloud_storage_json', version: 2 }],
    ['billing/v3/openapi.json', { info: { title: 'API', version: '2024-06-01' } }, { name: 'billing', version: 1 }],
    ['openapi.yaml', { info: { version: 'beta' } }, { name: 'api', version: 1 }],
    ['1forge.com.json', { info: { title: '1Forge', version: '0.0.1' } }, { name: 'api_1forge_com', version: 0 }],
    ['google.yaml', { info: { version: '1' } }, { name: 'google_api', version: 1 }],
    ['x/swagger.json', undefined, { name: 'x', version: 1 }],
  ];
  for (const [path, document, want] of cases) {
    it(`${path} -> ${want.name} v${want.version}`, () => expect(foreignIdentity(path, document)).toEqual(want));
  }
});

describe('names of foreign documents', () => {
  it('spells + and a leading - so that +1 and -1 stay apart; drops accents', () => {
    expect(words('+1')).toEqual(['plus', '1']);
    expect(words('-1')).toEqual(['minus', '1']);
    expect(words('Etc/GMT-1')).toEqual(['etc', 'gmt', '1']);
    expect(words('café-crème')).toEqual(['cafe', 'creme']);
  });

  it('gives a name with no letters or digits its code points, and the empty name a word', () => {
    expect(fallbackWords('$')).toEqual(['u24']);
    expect(fallbackWords('名前')).toEqual(['u540d', 'u524d']);
    expect(fallbackWords('')).toEqual(['empty']);
    expect(fallbackWords('@type')).toEqual(['type']);
  });

  it('derives operation names from the method and the path', () => {
    expect(deriveOperationId('get', '/pets')).toBe('getPets');
    expect(deriveOperationId('get', '/pets/{petId}/toys')).toBe('getPetsByPetIdToys');
    expect(deriveOperationId('delete', '/v1/{name}:cancel')).toBe('deleteV1ByNameCancel');
    expect(deriveOperationId('get', '/')).toBe('getRoot');
  });

  it('a name used as written outranks one derived from another spelling, whatever the order', () => {
    const names = assignNames(new Namespace(protoFieldKey), ['ID', '@id', 'id'], (name) => (name === '@id' ? 'id' : name.toLowerCase()), (stem, n) => `${stem}_${n}`);
    expect(Object.fromEntries(names)).toEqual({ id: 'id', ID: 'id_2', '@id': 'id_3' });
  });

  it('proto clashes ignore case and underscores, as protoc does', () => {
    const namespace = new Namespace(protoFieldKey);
    expect(namespace.claim('foo_bar', 'a')).toBe(true);
    expect(namespace.claim('foobar', 'b')).toBe(false);
    expect(namespace.unique('foobar', 'b', (stem, n) => `${stem}_${n}`)).toBe('foobar_2');
  });
});
