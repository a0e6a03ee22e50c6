/**
 * What the breadth benchmark counts in each document and in its outputs, worked out apart from
 * the emitters: the operations of the document against those of each protocol, and the
 * properties of every component whose schema uses `allOf`, fully merged here, against the fields
 * of the GraphQL type and the proto message it became.
 */
import { isObjectType, type GraphQLSchema } from 'graphql';
import type { Api } from '../../src/compiler/ir.ts';
import { fieldGraphqlName } from '../../src/compiler/names.ts';
import type { ProtoFile } from '../../src/compiler/emit/proto/ast.ts';
import { jsonName } from '../../src/compiler/emit/proto/protoc-names.ts';

const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Operations of an OpenAPI document: each method of each path item. */
export function documentOperations(document: unknown): number {
  const paths = isObject(document) && isObject(document.paths) ? document.paths : {};
  return Object.values(paths).reduce<number>((sum, item) => sum + (isObject(item) ? methods.filter((method) => isObject(item[method])).length : 0), 0);
}

/** Operations of a GraphQL schema: the fields of its root types. */
export function graphqlOperations(schema: GraphQLSchema): number {
  return [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].reduce((sum, root) => sum + Object.keys(root?.getFields() ?? {}).filter((field) => field !== '_empty').length, 0);
}

/** Operations of a proto file: the rpcs of its services. */
export function protoOperations(proto: ProtoFile): number {
  return proto.services.reduce((sum, service) => sum + service.methods.length, 0);
}

/** Properties of merged `allOf` schemas that an emitted type lacks. */
export interface MergeCheck {
  /** Components using `allOf` that became an object type. */
  types: number;
  /** Merged properties over those types. */
  properties: number;
  missingGraphql: number;
  missingProto: number;
  /** A few of the missing ones, `Type.property (graphql|proto)`. */
  examples: string[];
}

/**
 * Checks every component schema that uses `allOf` (at its top or in a part): the property names
 * of its fully merged schema, collected from the document, must each be a field of the GraphQL
 * type and of the proto message compiled from it. The IR only says which type a component became
 * and the GraphQL name a clash gave a property; the fields are read from the SDL and the proto.
 */
export function checkMergedProperties(document: unknown, api: Api, sdl: GraphQLSchema | undefined, proto: ProtoFile | undefined): MergeCheck {
  const check: MergeCheck = { types: 0, properties: 0, missingGraphql: 0, missingProto: 0, examples: [] };
  const schemas = isObject(document) && isObject(document.components) && isObject(document.components.schemas) ? document.components.schemas : {};
  const messages = new Map((proto?.messages ?? []).flatMap((message) => (message.pointer ? [[message.pointer, message] as const] : [])));
  for (const [name, schema] of Object.entries(schemas)) {
    if (!usesAllOf(document, schema, new Set())) continue;
    const pointer = `/components/schemas/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    const type = api.types.find((candidate) => candidate.pointer === pointer);
    if (type?.kind !== 'object') continue;
    const merged = mergedProperties(document, schema, new Set());
    check.types += 1;
    check.properties += merged.size;
    const fields = new Map(type.fields.map((field) => [field.name, field]));
    const graphqlType = sdl?.getType(type.name);
    const graphqlFields = graphqlType && isObjectType(graphqlType) ? new Set(Object.keys(graphqlType.getFields())) : undefined;
    const message = messages.get(pointer);
    const protoFields = message ? new Set([...message.fields, ...message.oneofs.flatMap((oneof) => oneof.fields)].map((field) => field.jsonName ?? jsonName(field.name))) : undefined;
    for (const [property, propertySchema] of merged) {
      const graphqlName = fieldGraphqlName(fields.get(property) ?? { name: property });
      // A write-only property belongs to the GraphQL input type alone, never to the output type.
      const writeOnly = isObject(propertySchema) && resolvedWriteOnly(document, propertySchema);
      if (graphqlFields && !writeOnly && !graphqlFields.has(graphqlName)) miss(check, 'graphql', `${type.name}.${property}`);
      if (protoFields && !protoFields.has(property)) miss(check, 'proto', `${type.name}.${property}`);
    }
  }
  return check;
}

function miss(check: MergeCheck, target: 'graphql' | 'proto', what: string): void {
  if (target === 'graphql') check.missingGraphql += 1;
  else check.missingProto += 1;
  if (check.examples.length < 5) check.examples.push(`${what} (${target})`);
}

// A local `$ref` (`#/components/schemas/X`) to the schema it names; anything else stays as it is.
function resolve(document: unknown, schema: unknown, seen: Set<unknown>): unknown {
  let current = schema;
  while (isObject(current) && typeof current.$ref === 'string' && current.$ref.startsWith('#/') && !seen.has(current)) {
    seen.add(current);
    current = current.$ref
      .slice(2)
      .split('/')
      .map((segment) => decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>((node, segment) => (isObject(node) ? node[segment] : undefined), document);
  }
  return current;
}

function usesAllOf(document: unknown, schema: unknown, seen: Set<unknown>): boolean {
  const target = resolve(document, schema, seen);
  return isObject(target) && Array.isArray(target.allOf);
}

function resolvedWriteOnly(document: unknown, schema: unknown): boolean {
  const target = resolve(document, schema, new Set());
  return isObject(target) && target.writeOnly === true;
}

/** The properties of a schema with those of its `allOf` parts, however deep; a cycle adds nothing more. */
function mergedProperties(document: unknown, schema: unknown, seen: Set<unknown>): Map<string, unknown> {
  const target = resolve(document, schema, seen);
  const properties = new Map<string, unknown>();
  if (!isObject(target) || seen.has(target)) return properties;
  seen.add(target);
  if (isObject(target.properties)) for (const [name, property] of Object.entries(target.properties)) properties.set(name, property);
  if (Array.isArray(target.allOf)) for (const part of target.allOf) for (const [name, property] of mergedProperties(document, part, seen)) if (!properties.has(name)) properties.set(name, property);
  return properties;
}
