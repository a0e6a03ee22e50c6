import { describe, expect, it } from 'vitest';
import { getAtPointer, parsePointer, valueAt } from '../../src/compiler/pointer.ts';

const document = {
  paths: {
    '/studies/{id}': { get: { parameters: [{ name: 'id' }, { $ref: '#/components/parameters/Page' }] } },
  },
  components: {
    schemas: { 'a~b': { properties: { size: { type: 'integer', default: 0 }, empty: null } } },
    parameters: { Page: { name: 'page' } },
  },
};

describe('JSON pointers', () => {
  it('splits a pointer into unescaped tokens, with or without escapes', () => {
    expect(parsePointer('')).toEqual([]);
    expect(parsePointer('/')).toEqual(['']);
    expect(parsePointer('/paths/~1studies~1{id}/get')).toEqual(['paths', '/studies/{id}', 'get']);
    expect(parsePointer('/components/schemas/a~0b')).toEqual(['components', 'schemas', 'a~b']);
    expect(parsePointer('/components/schemas/Study')).toEqual(['components', 'schemas', 'Study']);
  });

  it('valueAt reads what getAtPointer reads, on the first and on every later lookup', () => {
    const pointers = [
      '',
      '/paths',
      '/paths/~1studies~1{id}/get/parameters/0/name',
      '/paths/~1studies~1{id}/get/parameters/1/$ref',
      '/paths/~1studies~1{id}/get/parameters/2',
      '/components/schemas/a~0b/properties/size',
      '/components/schemas/a~0b/properties/size/default',
      '/components/schemas/a~0b/properties/empty',
      '/components/schemas/a~0b/properties/empty/type',
      '/components/schemas/a~0b/properties/missing',
      '/components/schemas/a~0b/properties/size/type/length',
      '/nothing/here',
      'no-leading-slash',
    ];
    for (let round = 0; round < 2; round += 1) {
      for (const pointer of pointers) expect(valueAt(document, pointer), pointer).toEqual(getAtPointer(document, pointer));
    }
    expect(valueAt(document, '/components/schemas/a~0b/properties/size/default')).toBe(0);
    expect(valueAt(document, '/components/schemas/a~0b/properties/empty')).toBeNull();
    expect(valueAt(document, '/components/schemas/a~0b/properties/size/type/length')).toBeUndefined();
  });

  it('valueAt keeps the values of one document apart from another', () => {
    const other = { paths: { '/studies/{id}': { get: { parameters: [{ name: 'studyId' }] } } } };
    expect(valueAt(document, '/paths/~1studies~1{id}/get/parameters/0/name')).toBe('id');
    expect(valueAt(other, '/paths/~1studies~1{id}/get/parameters/0/name')).toBe('studyId');
    expect(valueAt('text', '/length')).toBeUndefined();
  });
});
