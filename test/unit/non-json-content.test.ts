import { describe, expect, it } from 'vitest';
import { contentKind, mediaKind, returnsDownload } from '../../src/compiler/media-kinds.ts';
import { restUrl } from '../../src/runtime/graphql/content.ts';

describe('what a response that is not JSON holds', () => {
  it.each([
    ['text/plain', 'text'],
    ['text/csv; charset=utf-8', 'text'],
    ['text/html', 'HTML'],
    ['application/xhtml+xml', 'HTML'],
    ['application/xml', 'XML'],
    ['Text/XML', 'XML'],
    ['application/atom+xml', 'XML'],
    ['image/svg+xml', 'XML'],
    ['application/pdf', 'binary'],
    ['image/png', 'binary'],
    ['application/octet-stream', 'binary'],
  ])('%s is %s', (mediaType, kind) => {
    expect(mediaKind(mediaType)).toBe(kind);
  });

  it.each([
    [['text/plain'], 'text'],
    [['application/xml', 'text/xml'], 'XML'],
    [['text/html', 'text/plain'], 'text'],
    [['text/plain', 'application/pdf'], 'binary'],
    [[], 'binary'],
  ])('%j together are %s', (mediaTypes, kind) => {
    expect(contentKind(mediaTypes)).toBe(kind);
  });

  it('a GraphQL field answers a Download only for bytes', () => {
    expect(returnsDownload({ result: { kind: 'binary', status: '200', mediaTypes: ['image/png'] } })).toBe(true);
    expect(returnsDownload({ result: { kind: 'binary', status: '200', mediaTypes: ['application/xml'] } })).toBe(false);
    expect(returnsDownload({ result: { kind: 'empty', status: '204' } })).toBe(false);
  });
});

describe('the REST URL a Download names', () => {
  it.each([
    ['/files/{id}/content', { path: { id: 'a b/c' } }, '/api/v1/files/a%20b%2Fc/content'],
    ['/files/{id}', { path: { id: 7 }, query: { page: 2, tag: ['x', 'y'], q: 'é&' } }, '/api/v1/files/7?page=2&tag=x&tag=y&q=%C3%A9%26'],
    ['/report', { query: {}, header: { Range: 'bytes=0-1' } }, '/api/v1/report'],
  ])('%s with %j', (template, input, url) => {
    expect(restUrl('/api/v1', template, input)).toBe(url);
  });
});
