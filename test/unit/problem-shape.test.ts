import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/runtime/errors.ts';
import { narrowestProblemShape, problemShape, toProblem, type ProblemShape } from '../../src/runtime/rest/errors.ts';

const problemSchema = (properties: Record<string, unknown>) => ({
  paths: { '/x': { get: { responses: { '400': { $ref: '#/components/responses/Bad' } } } } },
  components: {
    responses: { Bad: { description: 'bad', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } } },
    schemas: { Problem: { type: 'object', properties } },
  },
});

describe('problemShape reads the limits from the contract', () => {
  it.each([
    ['declared limits and retryable', { instance: { type: 'string', maxLength: 512 }, detail: { type: 'string', maxLength: 2048 }, retryable: { type: 'boolean' }, errors: { type: 'array', maxItems: 100, items: { properties: { pointer: { maxLength: 512 }, message: { maxLength: 1024 } } } } }, { retryable: true, maxLength: { instance: 512, detail: 2048 }, errorMaxLength: { pointer: 512, message: 1024 }, maxErrors: 100 }],
    ['no limits, no retryable', { instance: { type: 'string' }, errors: { type: 'array' } }, { retryable: false, maxLength: {}, errorMaxLength: {} }],
  ])('%s', (_name, properties, want) => {
    expect(problemShape(problemSchema(properties))).toEqual(want);
  });

  it('a document without problem responses limits nothing and declares no retryable', () => {
    expect(problemShape({ paths: {} })).toEqual({ retryable: false, maxLength: {}, errorMaxLength: {} });
  });

  it('the narrowest of several shapes keeps the smallest limits, retryable only where all declare it', () => {
    const shapes: ProblemShape[] = [
      { retryable: true, maxLength: { instance: 512 }, errorMaxLength: {}, maxErrors: 100 },
      { retryable: false, maxLength: { instance: 256, detail: 100 }, errorMaxLength: { pointer: 64 } },
    ];
    expect(narrowestProblemShape(shapes)).toEqual({ retryable: false, maxLength: { instance: 256, detail: 100 }, errorMaxLength: { pointer: 64 }, maxErrors: 100 });
  });
});

describe('toProblem fits the problem to the shape', () => {
  const shape: ProblemShape = { retryable: true, maxLength: { instance: 10, detail: 5 }, errorMaxLength: { pointer: 4, message: 3 }, maxErrors: 2 };
  it.each([
    ['a plain URL is cut at the limit', '/abcdefghijklmnop', '/abcdefghi'],
    ['a percent-escape cut in half is dropped', '/abcdefg%C3%A9', '/abcdefg'],
    ['a URL within the limit is kept', '/short', '/short'],
  ])('%s', (_name, instance, want) => {
    expect(toProblem(new ApiError('not_found', 'nope'), instance, shape).instance).toBe(want);
  });

  it('cuts detail at a code point, and keeps at most maxErrors violations, each cut', () => {
    const violations = [1, 2, 3].map((n) => ({ pointer: `/body/${n}`, message: `bad ${n}` }));
    const problem = toProblem(new ApiError('invalid_argument', 'abcd\u{1F600}x', violations), undefined, shape);
    expect(problem.detail).toBe('abcd');
    expect(problem.errors).toEqual([{ pointer: '/bod', message: 'bad' }, { pointer: '/bod', message: 'bad' }]);
  });
});
