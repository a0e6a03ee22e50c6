/**
 * Where a `text/event-stream` media type describes its events. Trident's own `x-item-schema` comes
 * first; then OpenAPI 3.2's `itemSchema`; then `schema`, as OpenAPI 3.1 documents usually write it,
 * unless that schema is a plain string (the stream's text as a whole, which says nothing of the
 * events). Undefined when the events are not described.
 */
export function streamItemKey(media: unknown): 'x-item-schema' | 'itemSchema' | 'schema' | undefined {
  if (media === null || typeof media !== 'object') return undefined;
  const record = media as Record<string, unknown>;
  if (record['x-item-schema'] !== undefined) return 'x-item-schema';
  if (record.itemSchema !== undefined) return 'itemSchema';
  const schema = record.schema;
  if (schema === undefined || schema === null || typeof schema !== 'object') return undefined;
  const { type } = schema as { type?: unknown };
  const types = Array.isArray(type) ? type.filter((entry) => entry !== 'null') : [type];
  return types.length === 1 && types[0] === 'string' ? undefined : 'schema';
}

/** The schema of each event of a `text/event-stream` media type (see `streamItemKey`). */
export function streamItemSchemaOf(media: unknown): unknown {
  const key = streamItemKey(media);
  return key === undefined ? undefined : (media as Record<string, unknown>)[key];
}
