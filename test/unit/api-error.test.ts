import { describe, expect, it } from 'vitest';
import { ApiError, toApiError } from '../../src/runtime/errors.ts';

describe('ApiError', () => {
  it('is recognised when another copy of the module made it (a project importing the installed build)', async () => {
    // A second evaluation of the module: the same file under another URL is a separate copy.
    const copy = new URL('../../src/runtime/errors.ts?copy', import.meta.url).href;
    const other = (await import(copy)) as typeof import('../../src/runtime/errors.ts');
    expect(other.ApiError).not.toBe(ApiError);
    const foreign = new other.ApiError('not_found', 'note note_1 does not exist');
    expect(foreign instanceof ApiError).toBe(true);
    expect(toApiError(foreign)).toBe(foreign);
  });

  it('is not any error', () => {
    expect(new Error('x') instanceof ApiError).toBe(false);
    expect({ code: 'not_found' } instanceof ApiError).toBe(false);
    expect(toApiError(new Error('secret detail')).code).toBe('internal');
  });
});
