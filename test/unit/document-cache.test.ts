import { describe, expect, it } from 'vitest';
import { DocumentCache } from '../../src/runtime/graphql/document-cache.ts';

describe('DocumentCache', () => {
  it('keeps documents up to a total source length, dropping the least recently used first', () => {
    const cache = new DocumentCache<string>(10);
    cache.set('aaaa', 'A');
    cache.set('bbbb', 'B');
    expect(cache.get('aaaa')).toBe('A');
    // 12 characters: the least recently used (bbbb, since aaaa was just read) goes.
    cache.set('cccc', 'C');
    expect([cache.get('aaaa'), cache.get('bbbb'), cache.get('cccc')]).toEqual(['A', undefined, 'C']);
  });

  it('does not keep a document larger than the whole cache, nor drop others for it', () => {
    const cache = new DocumentCache<string>(10);
    cache.set('small', 'S');
    cache.set('x'.repeat(11), 'X');
    expect([cache.get('small'), cache.get('x'.repeat(11))]).toEqual(['S', undefined]);
  });

  it('does not keep a document longer than the largest entry allowed', () => {
    const cache = new DocumentCache<string>(10, 4);
    cache.set('abcd', 'kept');
    cache.set('abcde', 'too long');
    expect([cache.get('abcd'), cache.get('abcde')]).toEqual(['kept', undefined]);
  });

  it('counts a document set twice once', () => {
    const cache = new DocumentCache<string>(10);
    cache.set('aaaaa', 'A1');
    cache.set('aaaaa', 'A2');
    cache.set('bbbbb', 'B');
    expect([cache.get('aaaaa'), cache.get('bbbbb')]).toEqual(['A2', 'B']);
  });
});
