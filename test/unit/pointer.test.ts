import { describe, expect, it } from 'vitest';
import { getAtPointer, parsePointer } from '../../src/compiler/pointer.ts';

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

  it('reads the value at a pointer, through escaped tokens, and undefined where a step is missing', () => {
    expect(getAtPointer(document, '')).toBe(document);
    expect(getAtPointer(document, '/')).toBeUndefined();
    expect(getAtPointer({ '': { '': 1 } }, '//')).toBe(1);
    expect(getAtPointer(document, '/paths/~1studies~1{id}/get/parameters/2')).toBeUndefined();
    expect(getAtPointer(document, '/paths/~1studies~1{id}/get/parameters/0/name')).toBe('id');
    expect(getAtPointer(document, '/paths/~1studies~1{id}/get/parameters/1/$ref')).toBe('#/components/parameters/Page');
    expect(getAtPointer(document, '/components/schemas/a~0b/properties/size/default')).toBe(0);
    expect(getAtPointer(document, '/components/schemas/a~0b/properties/empty')).toBeNull();
    expect(getAtPointer(document, '/components/schemas/a~0b/properties/empty/type')).toBeUndefined();
    expect(getAtPointer(document, '/components/schemas/a~0b/properties/size/type/length')).toBeUndefined();
    expect(getAtPointer(document, '/paths/~1studies~1{id}/get/parameters/2')).toBeUndefined();
    expect(getAtPointer(document, '/nothing/here')).toBeUndefined();
  });
});
