/**
 * Breaches of the OpenAPI specification that change nothing Trident writes. A contract must still
 * be valid; a foreign document that only breaks the specification in these ways compiles, with a
 * warning at the place, to the same output as with the validation turned off.
 */
import { getAtPointer, parsePointer } from './pointer.ts';

// How a parameter is serialized on the wire: Trident reads none of these, so a value where the
// specification allows none (`explode` beside `content`, on a request body) or of the wrong kind
// does not change the output.
const serializationKeywords = new Set(['explode', 'style', 'allowReserved']);

/**
 * Why a finding of the validator at `pointer` changes nothing Trident writes, or undefined when it
 * may: a parameter of the query string written into the path template (`/search?q={q}`, with `q`
 * declared `in: query`), or a serialization keyword where it is not allowed.
 */
export function harmlessViolation(document: Record<string, unknown>, message: string, pointer: string): string | undefined {
  const tokens = parsePointer(pointer);
  const last = tokens.at(-1) ?? '';
  if (serializationKeywords.has(last) && getAtPointer(document, pointer) !== undefined && holdsSerialization(tokens.slice(0, -1))) {
    return `Trident does not read \`${last}\`, so the output is the same`;
  }
  const missing = /is missing path parameter\(s\) for (.+)\.$/.exec(message)?.[1];
  const path = tokens[0] === 'paths' && tokens.length <= 3 ? tokens[1] : undefined;
  if (missing === undefined || path === undefined || !path.includes('?')) return undefined;
  const query = path.slice(path.indexOf('?'));
  const placeholders = [...missing.matchAll(/`\{([^}`]+)\}`/g)].map((match) => match[1] ?? '');
  if (placeholders.length === 0 || !placeholders.every((name) => query.includes(`{${name}}`))) return undefined;
  return 'the placeholders are in the query string written into the path; its parameters are taken as declared';
}

// A Parameter, Header, Request Body or Encoding object: the objects that describe serialization,
// as opposed to a schema, where `explode` would be a misplaced property of something else.
function holdsSerialization(tokens: readonly string[]): boolean {
  if (tokens.at(-1) === 'requestBody') return true;
  const section = tokens.at(-2);
  // `properties/parameters/...` is a property called `parameters`, a schema.
  return (section === 'parameters' || section === 'headers' || section === 'encoding' || section === 'requestBodies') && tokens.at(-3) !== 'properties';
}
