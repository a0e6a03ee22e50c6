import type { Api } from '../compiler/ir.ts';

/**
 * The headers a deprecated API version sends with every response: `Deprecation` (RFC 9745, a
 * structured date) from `info.x-deprecated-since` and `Sunset` (RFC 8594, an HTTP-date) from
 * `info.x-sunset`. Empty for a current version.
 */
export function lifecycleHeaders(api: Api): Record<string, string> {
  const info = (api.document as { info?: Record<string, unknown> }).info ?? {};
  const headers: Record<string, string> = {};
  const since = parseDate(info['x-deprecated-since']);
  const sunset = parseDate(api.sunset);
  if (since !== undefined) headers.Deprecation = `@${Math.floor(since / 1000)}`;
  if (sunset !== undefined) headers.Sunset = new Date(sunset).toUTCString();
  return headers;
}

function parseDate(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const time = Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}
