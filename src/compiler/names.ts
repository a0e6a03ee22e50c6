/**
 * How contract names become GraphQL and proto names. Emitters and the IR's checks share these
 * functions, so a name that is checked is the name that is printed.
 */

/**
 * Splits `studyInstanceUID`, `If-Match`, `review.submitted`, `sop_uid` into lower-case words.
 * A `+` reads as "plus" and a `-` before a leading digit as "minus", so `+1` and `-1` stay apart;
 * accents are dropped (`café` -> `cafe`); other symbols separate words.
 */
export function words(name: string): string[] {
  // Large documents repeat the same property names thousands of times.
  let cached = wordCache.get(name);
  if (cached === undefined) {
    cached = splitWords(name);
    if (wordCache.size > 100_000) wordCache.clear();
    wordCache.set(name, cached);
  }
  // Shared between callers: none of them changes the array.
  return cached;
}

const wordCache = new Map<string, string[]>();

function splitWords(name: string): string[] {
  return spellSymbols(name)
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word.length > 0)
    .map((word) => word.toLowerCase());
}

function spellSymbols(name: string): string {
  // Most names are plain ASCII: the normalisation runs only when it can change something.
  let spelled = /[^\x00-\x7f]/.test(name) ? name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '') : name;
  if (spelled.includes('+')) spelled = spelled.replaceAll('+', ' plus ');
  if (spelled.includes('-')) spelled = spelled.replace(/(^|[^A-Za-z0-9])-(?=[0-9])/g, '$1 minus ');
  return spelled;
}

/**
 * Words for a name that has none of its own (`$`, `中文`, ``): each character as `u` and its code
 * point in hex, `empty` for the empty string. Foreign documents use it where a name would vanish.
 */
export function fallbackWords(name: string): string[] {
  const own = words(name);
  if (own.length > 0) return own;
  if (name === '') return ['empty'];
  return [...name].map((char) => `u${(char.codePointAt(0) ?? 0).toString(16)}`);
}

const capitalize = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

/** `list-studies` -> `ListStudies`; a leading digit gets an `N` (`58d8` -> `N58d8`, see guardTypeName). */
export function pascalCase(name: string): string {
  return memo(pascalCache, name, () => guardTypeName(words(name).map(capitalize).join('')));
}

// A type, service or method name cannot start with a digit either, and an underscore in front
// does not survive the TypeScript generators (ts-proto drops it and writes `interface 58d8Request`),
// so a letter does: `N` for the number it starts with.
function guardTypeName(name: string): string {
  return /^[0-9]/.test(name) ? `N${name}` : name;
}

const pascalCache = new Map<string, string>();
const camelCache = new Map<string, string>();

/**
 * Names of a large document repeat thousands of times; each spelling is worked out once per cache
 * (emptied past 100,000 entries, so a long watch session does not grow without end).
 */
export function memo(cache: Map<string, string>, name: string, spell: () => string): string {
  let spelled = cache.get(name);
  if (spelled === undefined) {
    spelled = spell();
    if (cache.size > 100_000) cache.clear();
    cache.set(name, spelled);
  }
  return spelled;
}

/** PascalCase for a foreign document's name, which gets one even with no usable characters (`$` -> `U24`). */
export function fallbackPascalCase(name: string): string {
  return memo(fallbackPascalCache, name, () => pascalCase(fallbackWords(name).join(' ')));
}

const fallbackPascalCache = new Map<string, string>();

/** `ListStudies` -> `listStudies`. */
export function camelCase(name: string): string {
  return memo(camelCache, name, () => {
    const [first = '', ...rest] = words(name);
    return guardLeadingDigit(first + rest.map(capitalize).join(''));
  });
}

/** `sopInstanceUid` -> `sop_instance_uid`. */
export function snakeCase(name: string): string {
  return memo(snakeCache, name, () => guardLeadingDigit(words(name).join('_')));
}

/** `review.submitted` -> `REVIEW_SUBMITTED`. */
export function constantCase(name: string): string {
  return memo(constantCache, name, () => guardLeadingDigit(words(name).join('_').toUpperCase()));
}

const snakeCache = new Map<string, string>();
const constantCache = new Map<string, string>();

// GraphQL and proto names cannot start with a digit.
function guardLeadingDigit(name: string): string {
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isIdentifier(name: string): boolean {
  return identifier.test(name) && !name.startsWith('__');
}

/** The GraphQL field name of a JSON property: itself when valid, else its camelCase form. */
export function graphqlFieldName(jsonName: string): string {
  return isIdentifier(jsonName) ? jsonName : camelCase(jsonName);
}

// The proto name of a property is asked for many times per field of a large document.
const protoNameCache = new Map<string, string>();

/**
 * The GraphQL argument and proto JSON name of a parameter: itself when it is already a
 * lowerCamel identifier, else its camelCase form (`If-Match` -> `ifMatch`, `Range` -> `range`).
 */
export function parameterFieldName(name: string): string {
  return isIdentifier(name) && /^[a-z]/.test(name) ? name : camelCase(name);
}

/** The GraphQL name of a property: an explicit one from the IR (set when a foreign document needed it), else derived. */
export function fieldGraphqlName(field: { name: string; graphqlName?: string }): string {
  return field.graphqlName ?? graphqlFieldName(field.name);
}

/** The proto name of a property, likewise. */
export function fieldProtoName(field: { name: string; protoName?: string }): string {
  return field.protoName ?? protoFieldName(field.name);
}

/** The GraphQL argument name of a parameter. */
export function parameterGraphqlName(parameter: { name: string; graphqlName?: string }): string {
  return parameter.graphqlName ?? parameterFieldName(parameter.name);
}

/** The proto field name of a parameter in its request message. */
export function parameterProtoName(parameter: { name: string; protoName?: string }): string {
  return parameter.protoName ?? protoFieldName(parameterFieldName(parameter.name));
}

/** The CONSTANT_CASE name of an enum value (GraphQL value; proto value after the enum's prefix). */
export function enumValueName(value: { value: string; name?: string }): string {
  return value.name ?? constantCase(value.value);
}

/** The proto name of an enum value: the enum's name in CONSTANT_CASE, then the value's (`STUDY_STATUS_IN_REVIEW`). */
export function protoEnumValueName(enumName: string, value: { value: string; name?: string }): string {
  return `${constantCase(enumName)}_${enumValueName(value)}`;
}

/** The proto field name of a JSON property. */
export function protoFieldName(jsonName: string): string {
  let name = protoNameCache.get(jsonName);
  if (name === undefined) {
    name = snakeCase(jsonName);
    if (protoNameCache.size > 100_000) protoNameCache.clear();
    protoNameCache.set(jsonName, name);
  }
  return name;
}

/** The lowerCamelCase JSON name protoc derives from a proto field name. */
export function protoDefaultJsonName(fieldName: string): string {
  return memo(jsonNameCache, fieldName, () => fieldName.replace(/_([a-z0-9])/g, (_, char: string) => char.toUpperCase()));
}

const jsonNameCache = new Map<string, string>();
