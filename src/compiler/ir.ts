/**
 * The protocol-neutral intermediate representation. It says what a contract means (types,
 * operations, security, streams) and nothing about how a protocol spells it; every emitter is a
 * function of it. Pointers refer to the bundled OpenAPI document.
 */

export type ScalarKind = 'string' | 'boolean' | 'int32' | 'int64' | 'float' | 'double' | 'datetime' | 'date' | 'bytes';

/** How a value is typed; `json` is the fallback for what has no clean mapping. */
export type TypeRef =
  | { kind: 'scalar'; scalar: ScalarKind }
  | { kind: 'named'; name: string }
  | { kind: 'list'; of: TypeRef }
  | { kind: 'map'; of: TypeRef }
  | { kind: 'json'; shape: 'object' | 'any' };

/** Documentation and lifecycle carried by types, fields and operations alike. */
export interface Documented {
  description?: string;
  deprecated: boolean;
  pointer: string;
}

export interface Field extends Documented {
  /** The property name of the contract (the JSON name). */
  name: string;
  type: TypeRef;
  required: boolean;
  nullable: boolean;
  readOnly: boolean;
  writeOnly: boolean;
  /** Marked `x-sensitive`: personal data that stays out of logs. */
  sensitive: boolean;
  /** An explicit `x-proto-number`, which wins over the lock. */
  protoNumber?: number;
  /**
   * The GraphQL and proto names when they are not the ones derived from `name` (`fieldGraphqlName`,
   * `fieldProtoName` in names.ts): set only for foreign documents, where two properties would
   * otherwise share a name or a name has no usable characters.
   */
  graphqlName?: string;
  protoName?: string;
}

export interface ObjectType extends Documented {
  kind: 'object';
  name: string;
  fields: Field[];
}

export interface EnumValue {
  value: string;
  protoNumber?: number;
  /** The CONSTANT_CASE name when it is not `constantCase(value)` (foreign documents only; see `enumValueName`). */
  name?: string;
}

export interface EnumType extends Documented {
  kind: 'enum';
  name: string;
  values: EnumValue[];
}

/** A `oneOf` with a discriminator: each variant is a named object, chosen by a tag. */
export interface UnionType extends Documented {
  kind: 'union';
  name: string;
  discriminator: string;
  variants: Array<{ tag: string; type: string }>;
}

export type NamedType = ObjectType | EnumType | UnionType;

export type ParameterLocation = 'path' | 'query' | 'header' | 'cookie';

export interface Parameter extends Documented {
  name: string;
  in: ParameterLocation;
  type: TypeRef;
  required: boolean;
  /** The GraphQL argument and proto field names when not the derived ones (foreign documents only). */
  graphqlName?: string;
  protoName?: string;
}

export type RequestBody =
  | { kind: 'json'; type: TypeRef; required: boolean; mediaTypes: string[] }
  | { kind: 'binary'; required: boolean; mediaTypes: string[] };

export type Result =
  | { kind: 'json'; status: string; type: TypeRef; mediaTypes: string[] }
  | { kind: 'binary'; status: string; mediaTypes: string[] }
  | { kind: 'stream'; status: string; item: TypeRef; mediaTypes: string[] }
  | { kind: 'empty'; status: string };

/** One alternative of the security requirement: a scheme and the roles of which any grants access. */
export interface SecurityRequirement {
  scheme: string;
  roles: string[];
}

export type OperationKind = 'query' | 'mutation' | 'subscription';

export interface Operation extends Documented {
  id: string;
  method: string;
  path: string;
  summary?: string;
  tags: string[];
  /** The GraphQL field name (`x-graphql-name`, else the operationId). */
  graphqlName: string;
  kind: OperationKind;
  parameters: Parameter[];
  body?: RequestBody;
  result: Result;
  /** Documented error statuses, e.g. `404`, `4XX`, `default`. */
  errorStatuses: string[];
  /** Alternatives (any one suffices); empty means the operation is public. */
  security: SecurityRequirement[];
  /** `x-sunset` of the operation or the API: the date it stops being served. */
  sunset?: string;
}

export interface Api {
  /** `study` for `contracts/study/v1/openapi.yaml`. */
  name: string;
  /** The major version. */
  version: number;
  /** The first segments of the proto package when not `trident` (the project's configuration). */
  protoPackage?: string;
  title: string;
  description?: string;
  infoVersion: string;
  sunset?: string;
  types: NamedType[];
  operations: Operation[];
  /** The bundled OpenAPI document, which the OpenAPI and TypeScript emitters print. */
  document: Record<string, unknown>;
}

/** Who may call an operation, as one sentence for generated documentation. */
export function describeAccess(operation: Pick<Operation, 'security'>): string {
  if (operation.security.length === 0) return 'Public: no credentials needed.';
  const alternatives = operation.security.map(({ scheme, roles }) => (roles.length === 0 ? scheme : `${scheme} with role ${roles.join(' or ')}`));
  return `Requires ${alternatives.join('; or ')}.`;
}

/** The documentation block of an operation shared by the GraphQL and proto emitters. */
export function describeOperation(operation: Operation): string {
  const sunset = operation.sunset !== undefined && operation.deprecated ? ` Sunset on ${operation.sunset}.` : '';
  return [operation.summary, operation.description, `${operation.method} ${operation.path}. ${describeAccess(operation)}${sunset}`]
    .filter((part): part is string => typeof part === 'string' && part.trim() !== '')
    .join('\n\n');
}

/** The documentation block of a whole API version. */
export function describeApi(api: Pick<Api, 'title' | 'description' | 'sunset'>): string {
  const sunset = api.sunset !== undefined ? `Sunset on ${api.sunset}.` : undefined;
  return [api.title, api.description, sunset].filter(Boolean).join('\n\n');
}

/**
 * Where an API version is served below the server's origin: the contract's first server URL when
 * it is a path (`/study/v2`), else `/<api>/v<major>`. Servers and generated clients agree on it.
 */
export function apiBasePath(api: Pick<Api, 'name' | 'version' | 'document'>): string {
  const servers = api.document.servers;
  const url = Array.isArray(servers) ? (servers[0] as { url?: unknown } | undefined)?.url : undefined;
  return typeof url === 'string' && url.startsWith('/') ? url.replace(/\/$/, '') : `/${api.name}/v${api.version}`;
}

export function findType(api: Api, name: string): NamedType | undefined {
  return api.types.find((type) => type.name === name);
}
