import { describe, expect, it } from 'vitest';
import { linesOf } from '../../src/compiler/source-text.ts';

describe('linesOf: the source lines the gate quotes beside its findings', () => {
  const text = 'openapi: 3.1.0\ninfo:\n  title: Study\r\n  version: 1.0.0\n';

  it('finds the lines asked for, in any order, in one pass', () => {
    expect(linesOf(text, new Set([4, 1, 3]))).toEqual(new Map([[1, 'openapi: 3.1.0'], [3, '  title: Study\r'], [4, '  version: 1.0.0']]));
  });

  it('has nothing for a line past the end or before the first, and the empty last line after a final newline', () => {
    expect(linesOf(text, new Set([0, 5, 6, 40]))).toEqual(new Map([[5, '']]));
    expect(linesOf('no newline', new Set([1, 2]))).toEqual(new Map([[1, 'no newline']]));
  });
});
