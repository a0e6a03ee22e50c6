/**
 * What a response or body that is not JSON holds, judged by its media types: text that GraphQL
 * can carry as a `String` (plain text, HTML, XML), or bytes that it cannot.
 */
import type { Operation } from './ir.ts';

/** The kind of content of one media type, as the lossiness report names it. */
export type MediaKind = 'text' | 'HTML' | 'XML' | 'binary';

/** `text/html` is HTML, `application/xml` and `+xml` are XML, other `text/*` is text; the rest is bytes. */
export function mediaKind(mediaType: string): MediaKind {
  const base = mediaType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (base === 'text/html' || base === 'application/xhtml+xml') return 'HTML';
  if (base === 'application/xml' || base === 'text/xml' || base.endsWith('+xml')) return 'XML';
  if (base.startsWith('text/')) return 'text';
  return 'binary';
}

/**
 * The one kind of a set of media types: their shared kind, `text` when they are all text of
 * different kinds, `binary` as soon as one of them is bytes.
 */
export function contentKind(mediaTypes: readonly string[]): MediaKind {
  const kinds = new Set(mediaTypes.map(mediaKind));
  if (kinds.size === 0 || kinds.has('binary')) return 'binary';
  return kinds.size === 1 ? [...kinds][0] as MediaKind : 'text';
}

/** Whether GraphQL carries content of these media types as a `String` (else as a `Download`). */
export const carriesText = (mediaTypes: readonly string[]): boolean => contentKind(mediaTypes) !== 'binary';

/** Whether an operation's GraphQL field answers a `Download` (bytes), not a `String` (text) or JSON. */
export const returnsDownload = (operation: Pick<Operation, 'result'>): boolean => operation.result.kind === 'binary' && !carriesText(operation.result.mediaTypes);
