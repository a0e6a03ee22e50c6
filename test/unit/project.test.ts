import { describe, expect, it } from 'vitest';
import { projectToSchema } from '../../src/runtime/project.ts';

const document = {
  components: {
    schemas: {
      Study: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          secret: { type: 'string', writeOnly: true },
          series: { type: 'array', items: { $ref: '#/components/schemas/Series' } },
          labels: { type: 'object', additionalProperties: { $ref: '#/components/schemas/Label' } },
        },
      },
      Series: { type: 'object', properties: { uid: { type: 'string' }, count: { type: 'integer' } } },
      Label: { type: 'object', properties: { text: { type: 'string' } } },
      Shape: {
        oneOf: [{ $ref: '#/components/schemas/Circle' }, { $ref: '#/components/schemas/Square' }],
        discriminator: { propertyName: 'kind', mapping: { circle: '#/components/schemas/Circle', square: '#/components/schemas/Square' } },
      },
      Circle: { type: 'object', properties: { kind: { type: 'string' }, radius: { type: 'number' } } },
      Square: { type: 'object', properties: { kind: { type: 'string' }, side: { type: 'number' } } },
    },
  },
};
const study = { $ref: '#/components/schemas/Study' };
const shape = { $ref: '#/components/schemas/Shape' };

describe('projectToSchema: only what the contract declares leaves the server', () => {
  it('returns a value that already fits as it is, without copying it', () => {
    const value = { id: 's1', series: [{ uid: 'a', count: 2 }], labels: { x: { text: 'hi' } } };
    const projected = projectToSchema(value, study, document);
    expect(projected).toBe(value);
    expect(projectToSchema(value.series, { type: 'array', items: { $ref: '#/components/schemas/Series' } }, document)).toBe(value.series);
  });

  it('drops undeclared and write-only properties, however deep, and leaves the handler\'s value untouched', () => {
    const value = { id: 's1', secret: 'pw', internal: 1, series: [{ uid: 'a', count: 2 }, { uid: 'b', count: 1, note: 'x' }], labels: { x: { text: 'hi', colour: 'red' } } };
    const before = structuredClone(value);
    const projected = projectToSchema(value, study, document) as typeof value;
    expect(projected).toEqual({ id: 's1', series: [{ uid: 'a', count: 2 }, { uid: 'b', count: 1 }], labels: { x: { text: 'hi' } } });
    expect(Object.keys(projected)).toEqual(['id', 'series', 'labels']);
    expect(value).toEqual(before);
    // What fitted is shared, what did not is a new value.
    expect(projected.series[0]).toBe(value.series[0]);
    expect(projected.series[1]).not.toBe(value.series[1]);
  });

  it('keeps the properties of the branch the discriminator names', () => {
    expect(projectToSchema({ kind: 'circle', radius: 2, side: 3 }, shape, document)).toEqual({ kind: 'circle', radius: 2 });
    const square = { kind: 'square', side: 3 };
    expect(projectToSchema(square, shape, document)).toBe(square);
  });
});
