/**
 * The keywords a Schema Object of OpenAPI 3.1 may hold (JSON Schema 2020-12, its older spellings,
 * and OpenAPI's own) and what the value of each must be. `checkSchemas` reads this table; a keyword
 * missing from it is unknown, and its value is not looked at.
 */

/** What the value of a schema keyword must be. */
export type KeywordValue =
  /** One schema (a mapping, or true/false). */
  | 'schema'
  /** A mapping of names to schemas. */
  | 'schema-map'
  /** A non-empty list of schemas. */
  | 'schema-list'
  /** A reference string. */
  | 'reference'
  /** OpenAPI's Discriminator Object: `propertyName`, and a `mapping` of values to schemas. */
  | 'discriminator'
  | 'string'
  | 'string-list'
  | 'list'
  | 'number'
  /** A whole number, zero or more. */
  | 'count'
  | 'boolean'
  | 'mapping'
  /** A JSON type name, or a list of them. */
  | 'type'
  /** Data: any value. */
  | 'any';

/** Keyword -> what its value must be. */
export const schemaKeywords: Readonly<Record<string, KeywordValue>> = {
  // Core.
  $ref: 'reference',
  $dynamicRef: 'reference',
  $recursiveRef: 'reference',
  $id: 'string',
  $schema: 'string',
  $anchor: 'string',
  $dynamicAnchor: 'string',
  $recursiveAnchor: 'boolean',
  $comment: 'string',
  $vocabulary: 'mapping',
  $defs: 'schema-map',
  definitions: 'schema-map',
  // Applicators.
  properties: 'schema-map',
  patternProperties: 'schema-map',
  dependentSchemas: 'schema-map',
  additionalProperties: 'schema',
  unevaluatedProperties: 'schema',
  propertyNames: 'schema',
  items: 'schema',
  additionalItems: 'schema',
  unevaluatedItems: 'schema',
  prefixItems: 'schema-list',
  contains: 'schema',
  allOf: 'schema-list',
  anyOf: 'schema-list',
  oneOf: 'schema-list',
  not: 'schema',
  if: 'schema',
  then: 'schema',
  else: 'schema',
  contentSchema: 'schema',
  // Validation.
  type: 'type',
  enum: 'list',
  const: 'any',
  multipleOf: 'number',
  maximum: 'number',
  exclusiveMaximum: 'number',
  minimum: 'number',
  exclusiveMinimum: 'number',
  maxLength: 'count',
  minLength: 'count',
  pattern: 'string',
  maxItems: 'count',
  minItems: 'count',
  uniqueItems: 'boolean',
  maxContains: 'count',
  minContains: 'count',
  maxProperties: 'count',
  minProperties: 'count',
  required: 'string-list',
  dependentRequired: 'mapping',
  dependencies: 'mapping',
  // Annotations, formats and contents.
  title: 'string',
  description: 'string',
  default: 'any',
  deprecated: 'boolean',
  readOnly: 'boolean',
  writeOnly: 'boolean',
  examples: 'list',
  format: 'string',
  contentEncoding: 'string',
  contentMediaType: 'string',
  // OpenAPI's own (`nullable` is 3.0's, still met in 3.1 documents).
  discriminator: 'discriminator',
  xml: 'mapping',
  externalDocs: 'mapping',
  example: 'any',
  nullable: 'boolean',
};

/** The kinds whose value holds schemas: a mistake there leaves the document without a shape. */
export const structuralKinds: ReadonlySet<KeywordValue> = new Set<KeywordValue>(['schema', 'schema-map', 'schema-list', 'reference', 'discriminator']);

/** The names `type` takes. */
export const jsonTypes: ReadonlySet<string> = new Set(['array', 'boolean', 'integer', 'null', 'number', 'object', 'string']);
