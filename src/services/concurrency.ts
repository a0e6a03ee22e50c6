import { ApiError } from '../runtime/errors.ts';

/**
 * The version an If-Match value names: `"3"`, `W/"3"` and a bare `3` all name version 3, and `*`
 * matches any. Anything else names no version and so never matches.
 */
export function parseIfMatch(value: string): number | '*' | undefined {
  const trimmed = value.trim();
  if (trimmed === '*') return '*';
  const match = /^(?:(?:W\/)?"([1-9][0-9]{0,15})"|([1-9][0-9]{0,15}))$/.exec(trimmed);
  const digits = match?.[1] ?? match?.[2];
  return digits === undefined ? undefined : Number(digits);
}

/** Throws `precondition_failed` unless `ifMatch` (one value or a list of entity tags) names the current `version`. */
export function assertVersion(ifMatch: string, version: number): void {
  const named = (ifMatch.match(/(?:W\/)?"[^"]*"|[^,\s]+/g) ?? []).map(parseIfMatch);
  if (named.some((expected) => expected === '*' || expected === version)) return;
  const expected = named.find((candidate) => candidate !== undefined);
  throw new ApiError('precondition_failed', `The resource is at version ${version}; the change was based on ${expected === undefined ? 'an unknown version' : `version ${expected}`}.`);
}
