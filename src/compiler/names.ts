/**
 * How contract names become GraphQL and proto names. Emitters and the IR's checks share these
 * functions, so a name that is checked is the name that is printed.
 */

/** Splits `studyInstanceUID`, `If-Match`, `review.submitted`, `sop_uid` into lower-case words. */
export function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word.length > 0)
    .map((word) => word.toLowerCase());
}

const capitalize = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);

/** `list-studies` -> `ListStudies`. */
export function pascalCase(name: string): string {
  return guardLeadingDigit(words(name).map(capitalize).join(''));
}

/** `ListStudies` -> `listStudies`. */
export function camelCase(name: string): string {
  const [first = '', ...rest] = words(name);
  return guardLeadingDigit(first + rest.map(capitalize).join(''));
}

/** `sopInstanceUid` -> `sop_instance_uid`. */
export function snakeCase(name: string): string {
  return guardLeadingDigit(words(name).join('_'));
}

/** `review.submitted` -> `REVIEW_SUBMITTED`. */
export function constantCase(name: string): string {
  return guardLeadingDigit(words(name).join('_').toUpperCase());
}

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

/**
 * The GraphQL argument and proto JSON name of a parameter: itself when it is already a
 * lowerCamel identifier, else its camelCase form (`If-Match` -> `ifMatch`, `Range` -> `range`).
 */
export function parameterFieldName(name: string): string {
  return isIdentifier(name) && /^[a-z]/.test(name) ? name : camelCase(name);
}

/** The proto field name of a JSON property. */
export function protoFieldName(jsonName: string): string {
  return snakeCase(jsonName);
}

/** The lowerCamelCase JSON name protoc derives from a proto field name. */
export function protoDefaultJsonName(fieldName: string): string {
  return fieldName.replace(/_([a-z0-9])/g, (_, char: string) => char.toUpperCase());
}

/** `findings` -> `finding`, `modalities` -> `modality`: names the item type of an inline array. */
const irregularPlurals: Record<string, string> = {
  statuses: 'status',
  aliases: 'alias',
  analyses: 'analysis',
  indices: 'index',
  children: 'child',
  people: 'person',
};

export function singular(name: string): string {
  const lastWord = /[A-Z]?[a-z]+$/.exec(name)?.[0] ?? '';
  const irregular = irregularPlurals[lastWord.toLowerCase()];
  if (irregular !== undefined) {
    const replacement = lastWord[0] === lastWord[0]?.toUpperCase() ? irregular[0]?.toUpperCase() + irregular.slice(1) : irregular;
    return name.slice(0, name.length - lastWord.length) + replacement;
  }
  if (/ies$/.test(name)) return `${name.slice(0, -3)}y`;
  if (/(ss|x|ch|sh)es$/.test(name)) return name.slice(0, -2);
  if (/[^s]s$/.test(name)) return name.slice(0, -1);
  return `${name}Item`;
}
