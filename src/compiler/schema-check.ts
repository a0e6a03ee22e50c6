/**
 * The part of an OpenAPI 3.1 document that @readme/openapi-parser does not check: the inside of
 * its schemas (3.1 hands them to JSON Schema, whose meta-schema the parser does not apply). A line
 * indented one level too far, or a property left without a value, is still valid YAML and would
 * otherwise reach the emitters as a schema that is null, a string or a stray keyword.
 */
import { appendPointer, fragmentToPointer, getAtPointer } from './pointer.ts';
import { jsonTypes, schemaKeywords, structuralKinds, type KeywordValue } from './schema-keywords.ts';

/** One mistake inside a schema: where it is, what is wrong, how to fix it. */
export interface SchemaProblem {
  pointer: string;
  message: string;
  hint: string;
}

/** How much is checked beyond the shape of the schemas. */
export interface SchemaCheckOptions {
  /**
   * A contract: the values of known keywords are checked too, and an unknown keyword whose value
   * is a mapping or empty (a property indented one level too far) is an error. A foreign document
   * is only checked where a mistake leaves it without a shape.
   */
  strict: boolean;
}

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const componentSections = ['schemas', 'responses', 'parameters', 'examples', 'requestBodies', 'headers', 'securitySchemes', 'links', 'callbacks', 'pathItems'];

type Node = Record<string, unknown>;

const isRecord = (value: unknown): value is Node => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Every schema of the document, from the paths, webhooks and components down to the last subschema. */
export function checkSchemas(document: Node, options: SchemaCheckOptions): SchemaProblem[] {
  const walk = new SchemaWalk(document, options.strict);
  walk.document(document);
  return walk.problems;
}

// The walk follows the OpenAPI objects that may hold a schema. Anything that is not the object the
// specification expects there is left to the parser, which reports it.
class SchemaWalk {
  readonly problems: SchemaProblem[] = [];
  // A YAML alias makes one value appear at many places (or inside itself): it is checked once.
  private readonly seen = new Set<object>();
  private readonly root: Node;
  private readonly strict: boolean;

  constructor(root: Node, strict: boolean) {
    this.root = root;
    this.strict = strict;
  }

  document(document: Node): void {
    this.each(document.paths, '/paths', (item, pointer) => this.pathItem(item, pointer));
    this.each(document.webhooks, '/webhooks', (item, pointer) => this.pathItem(item, pointer));
    const components = document.components;
    if (!isRecord(components)) return;
    // The parser stops on some sections that are not mappings (a list of security schemes) without saying where.
    for (const section of componentSections) {
      if (section in components && !isRecord(components[section])) {
        this.report(appendPointer('/components', section), `\`components.${section}\` takes a mapping of names to definitions, not ${describe(components[section])}`, notMappingSectionHint);
      }
    }
    this.each(components.schemas, '/components/schemas', (schema, pointer, name) => {
      // Valid JSON Schema, but the parser stops on it without saying where, and it names no type.
      if (typeof schema === 'boolean') this.report(pointer, `schema '${name}' is \`${schema}\`; a component is a schema with keywords of its own`, booleanPartHint);
      else this.schema(schema, pointer, `schema '${name}'`);
    });
    this.each(components.parameters, '/components/parameters', (parameter, pointer) => this.parameter(parameter, pointer));
    this.each(components.headers, '/components/headers', (header, pointer) => this.parameter(header, pointer));
    this.each(components.requestBodies, '/components/requestBodies', (body, pointer) => this.withContent(body, pointer));
    this.each(components.responses, '/components/responses', (response, pointer) => this.response(response, pointer));
    this.each(components.callbacks, '/components/callbacks', (callback, pointer) => this.callback(callback, pointer));
    this.each(components.pathItems, '/components/pathItems', (item, pointer) => this.pathItem(item, pointer));
  }

  private pathItem(item: unknown, pointer: string): void {
    if (!isRecord(item) || '$ref' in item) return;
    this.list(item.parameters, appendPointer(pointer, 'parameters'), (parameter, at) => this.parameter(parameter, at));
    for (const method of methods) {
      const operation = item[method];
      if (!isRecord(operation)) continue;
      const at = appendPointer(pointer, method);
      this.list(operation.parameters, appendPointer(at, 'parameters'), (parameter, where) => this.parameter(parameter, where));
      this.withContent(operation.requestBody, appendPointer(at, 'requestBody'));
      this.each(operation.responses, appendPointer(at, 'responses'), (response, where) => this.response(response, where));
      this.each(operation.callbacks, appendPointer(at, 'callbacks'), (callback, where) => this.callback(callback, where));
    }
  }

  private callback(callback: unknown, pointer: string): void {
    if (!isRecord(callback) || '$ref' in callback) return;
    this.each(callback, pointer, (item, at) => this.pathItem(item, at));
  }

  private response(response: unknown, pointer: string): void {
    if (!isRecord(response) || '$ref' in response) return;
    this.each(response.headers, appendPointer(pointer, 'headers'), (header, at) => this.parameter(header, at));
    this.withContent(response, pointer);
  }

  // A Parameter Object, or a Header Object (the same shape without a name).
  private parameter(parameter: unknown, pointer: string): void {
    if (!isRecord(parameter) || '$ref' in parameter) return;
    if ('schema' in parameter) this.schema(parameter.schema, appendPointer(pointer, 'schema'), '`schema`');
    this.withContent(parameter, pointer);
  }

  private withContent(holder: unknown, pointer: string): void {
    if (!isRecord(holder) || '$ref' in holder) return;
    this.each(holder.content, appendPointer(pointer, 'content'), (media, at, type) => {
      if (!isRecord(media)) {
        this.report(at, `media type '${type}' must be a mapping (its \`schema\`, examples, encoding), not ${describe(media)}`, emptyMediaHint);
        return;
      }
      if ('schema' in media) this.schema(media.schema, appendPointer(at, 'schema'), '`schema`');
      // Trident's schema of an event stream's items.
      if ('x-item-schema' in media) this.schema(media['x-item-schema'], appendPointer(at, 'x-item-schema'), '`x-item-schema`');
      // OpenAPI 3.2's schema of each item of a sequential media type.
      if ('itemSchema' in media) this.schema(media.itemSchema, appendPointer(at, 'itemSchema'), '`itemSchema`');
      this.each(media.encoding, appendPointer(at, 'encoding'), (encoding, where) => {
        if (isRecord(encoding)) this.each(encoding.headers, appendPointer(where, 'headers'), (header, inner) => this.parameter(header, inner));
      });
    });
  }

  // Depth first with a stack of its own, since a schema may nest thousands of levels: each step is
  // a subschema or a report, taken in the order a recursive walk would take them.
  private schema(schema: unknown, pointer: string, place: string): void {
    const steps: Array<() => void> = [() => this.schemaNode(schema, pointer, place, steps)];
    for (let step = steps.pop(); step !== undefined; step = steps.pop()) step();
  }

  private schemaNode(schema: unknown, pointer: string, place: string, steps: Array<() => void>): void {
    if (typeof schema === 'boolean') return;
    if (schema === null || schema === undefined) {
      this.report(pointer, `${place} is empty where a schema belongs`, emptyHint);
      return;
    }
    if (!isRecord(schema)) {
      this.report(pointer, `${place} must be a schema (a mapping of keywords), not ${describe(schema)}`, notMappingHint);
      return;
    }
    if (this.seen.has(schema)) return;
    this.seen.add(schema);
    const next: Array<() => void> = [];
    const sub = (value: unknown, at: string, where: string): void => {
      next.push(() => this.schemaNode(value, at, where, steps));
    };
    const report = (at: string, message: string, hint: string): void => {
      next.push(() => this.report(at, message, hint));
    };
    for (const [keyword, value] of Object.entries(schema)) {
      const at = appendPointer(pointer, keyword);
      const kind = Object.hasOwn(schemaKeywords, keyword) ? schemaKeywords[keyword] : undefined;
      if (kind === undefined) {
        if (this.strict && !keyword.startsWith('x-') && (value === null || isRecord(value))) {
          report(at, `'${keyword}' is not a keyword of a schema; is it a property indented one level too far?`, strayKeywordHint);
        }
      } else if (kind === 'schema') {
        if (keyword === 'items' && Array.isArray(value)) report(at, '`items` takes one schema, the schema of every item, not a list', itemsListHint);
        else sub(value, at, `\`${keyword}\``);
      } else if (kind === 'schema-map') {
        if (isRecord(value)) this.each(value, at, (entry, where, name) => sub(entry, where, entryPlace(keyword, name)));
        else report(at, `\`${keyword}\` takes a mapping of names to schemas, not ${describe(value)}`, schemaMapHint);
      } else if (kind === 'schema-list') {
        if (Array.isArray(value) && value.length > 0) {
          value.forEach((entry, index) => {
            const where = appendPointer(at, index);
            const entryPlace = `\`${keyword}[${index}]\``;
            // `true` in a contract's allOf adds nothing and `false` in its oneOf is a variant nothing
            // matches; the generated types have no form for either.
            if (this.strict && typeof entry === 'boolean' && keyword !== 'prefixItems') report(where, `${entryPlace} is \`${entry}\`; a contract composes schemas with keywords of their own`, booleanPartHint);
            else sub(entry, where, entryPlace);
          });
        } else report(at, `\`${keyword}\` takes a list of schemas, not ${describe(value)}`, '`- ` starts each schema of the list, one level below the keyword');
      } else if (kind === 'discriminator' && isRecord(value)) {
        next.push(() => this.discriminator(value, at));
      } else if ((this.strict || structuralKinds.has(kind)) && !fits(kind, value)) {
        report(at, `\`${keyword}\` takes ${expected[kind]}, not ${describe(value)}`, valueHints[kind] ?? valueHint);
      }
    }
    for (let index = next.length - 1; index >= 0; index -= 1) steps.push(next[index] as () => void);
  }

  // Every value of the mapping must name a schema of the document: a component's name or a local reference.
  private discriminator(discriminator: Node, pointer: string): void {
    if (typeof discriminator.propertyName !== 'string') {
      this.report(appendPointer(pointer, 'propertyName'), `\`discriminator\` takes a \`propertyName\` string, not ${describe(discriminator.propertyName)}`, discriminatorHint);
    }
    const mapping = discriminator.mapping;
    if (mapping === undefined) return;
    if (!isRecord(mapping)) {
      this.report(appendPointer(pointer, 'mapping'), `\`discriminator.mapping\` takes a mapping of values to schemas, not ${describe(mapping)}`, mappingHint);
      return;
    }
    this.each(mapping, appendPointer(pointer, 'mapping'), (target, at, value) => {
      if (typeof target !== 'string') this.report(at, `the discriminator value '${value}' must name a schema, not ${describe(target)}`, mappingHint);
      else if (!this.resolves(target)) this.report(at, `the discriminator value '${value}' names '${target}', which is no schema of the document`, mappingHint);
    });
  }

  private resolves(target: string): boolean {
    if (target.startsWith('#')) return getAtPointer(this.root, fragmentToPointer(target)) !== undefined;
    // A reference into another file is followed by the bundler, not here.
    if (target.includes('#') || target.includes('/')) return true;
    return getAtPointer(this.root, appendPointer('/components/schemas', target)) !== undefined;
  }

  private each(map: unknown, pointer: string, visit: (value: unknown, pointer: string, name: string) => void): void {
    if (!isRecord(map)) return;
    for (const [name, value] of Object.entries(map)) visit(value, appendPointer(pointer, name), name);
  }

  private list(items: unknown, pointer: string, visit: (value: unknown, pointer: string) => void): void {
    if (Array.isArray(items)) items.forEach((item, index) => visit(item, appendPointer(pointer, index)));
  }

  private report(pointer: string, message: string, hint: string): void {
    this.problems.push({ pointer, message, hint });
  }
}

const emptyHint = "write the schema's keywords (e.g. `type: string`) on the lines below, one level further in; `{}` accepts any value";
const notMappingHint = 'a schema is a mapping of keywords such as `type: string`; check the indentation of this line and of the one above';
const strayKeywordHint = 'indent it one level less, beside the other properties under `properties`; an extension\'s name starts with `x-`';
const emptyMediaHint = 'write `schema:` and the rest one level below the media type; `{}` if it has no schema';
const notMappingSectionHint = 'each entry is `Name:` followed by its definition, one level further in';
const itemsListHint = 'for a list whose positions have their own schemas, name them under `prefixItems`';
const discriminatorHint = 'name the property whose value tells the variants apart: `propertyName: kind`';
const mappingHint = "map each value to a schema: `circle: '#/components/schemas/Circle'` (or just `Circle`)";
const booleanPartHint = 'write the schema it stands for, e.g. `{ $ref: ... }` or `{ type: object }` (`{}` accepts any value)';
const schemaMapHint = 'write each entry as `name:` with its schema one level further in, not as a `- ` list';
const valueHint = 'see the keyword in JSON Schema 2020-12 (https://json-schema.org/draft/2020-12/json-schema-validation)';
const valueHints: Partial<Record<KeywordValue, string>> = {
  reference: "write the target as a string: `$ref: '#/components/schemas/Name'`",
  'string-list': 'write the entries as `[a, b]`, or as `- ` lines one level below the keyword',
  list: 'write the entries as `[a, b]`, or as `- ` lines one level below the keyword',
  mapping: 'write its fields as `key: value` lines one level below the keyword',
  discriminator: discriminatorHint,
  type: "write one type name, or several as `[string, 'null']`",
};

const expected: Record<Exclude<KeywordValue, 'schema' | 'schema-map' | 'schema-list'>, string> = {
  discriminator: 'a mapping with a `propertyName`',
  reference: 'a reference string (e.g. `#/components/schemas/Pet`)',
  string: 'a string',
  'string-list': 'a list of strings',
  list: 'a list',
  number: 'a number',
  count: 'a whole number, zero or more',
  boolean: 'true or false',
  mapping: 'a mapping',
  type: `one of ${[...jsonTypes].join(', ')}, or a list of them`,
  any: 'any value',
};

function fits(kind: KeywordValue, value: unknown): boolean {
  switch (kind) {
    case 'reference':
    case 'string':
      return typeof value === 'string';
    case 'string-list':
      return Array.isArray(value) && value.every((entry) => typeof entry === 'string');
    case 'list':
      return Array.isArray(value);
    case 'number':
      return typeof value === 'number';
    case 'count':
      return Number.isInteger(value) && (value as number) >= 0;
    case 'boolean':
      return typeof value === 'boolean';
    case 'mapping':
    case 'discriminator':
      return isRecord(value);
    case 'type':
      return typeof value === 'string' ? jsonTypes.has(value) : Array.isArray(value) && value.length > 0 && value.every((entry) => typeof entry === 'string' && jsonTypes.has(entry));
    default:
      return true;
  }
}

function entryPlace(keyword: string, name: string): string {
  if (keyword === 'properties') return `property '${name}'`;
  if (keyword === 'patternProperties') return `pattern property '${name}'`;
  return `\`${keyword}\` entry '${name}'`;
}

// How a value that is not what was expected reads in a message.
function describe(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the string '${value.length > 40 ? `${value.slice(0, 40)}...` : value}'`;
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value === 'boolean' ? 'the boolean' : 'the number'} ${String(value)}`;
}
