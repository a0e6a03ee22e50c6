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

/** A scheme that a Security Requirement Object names, with the roles (OAuth2 scopes) it lists. */
export interface SchemeRequirement {
  scheme: string;
  roles: string[];
}

/**
 * One Security Requirement Object, as OpenAPI reads it: every scheme it names is required, each
 * with every role it lists. An operation's requirements are alternatives: any one grants access.
 */
export interface SecurityRequirement {
  schemes: SchemeRequirement[];
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
  /** Alternatives (any one suffices, all of its schemes and roles together); empty means public. */
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

/** Whether two type references are the same type (a named one by name). */
export function sameType(a: TypeRef, b: TypeRef): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'scalar':
      return a.scalar === (b as typeof a).scalar;
    case 'named':
      return a.name === (b as typeof a).name;
    case 'json':
      return a.shape === (b as typeof a).shape;
    case 'list':
    case 'map':
      return sameType(a.of, (b as typeof a).of);
  }
}

/** Who may call an operation, as one sentence for generated documentation. */
export function describeAccess(operation: Pick<Operation, 'security'>): string {
  if (operation.security.length === 0) return 'Public: no credentials needed.';
  // The usual case, one role of one scheme in each alternative, reads as a list of roles.
  const single = operation.security.map(({ schemes }) => (schemes.length === 1 && schemes[0]!.roles.length === 1 ? schemes[0]! : undefined));
  const scheme = single[0]?.scheme;
  if (single.length > 1 && single.every((one) => one !== undefined && one.scheme === scheme)) return `Requires ${scheme} with role ${single.map((one) => one!.roles[0]).join(' or ')}.`;
  return `Requires ${operation.security.map(describeRequirement).join('; or ')}.`;
}

/** One requirement in words: `bearerAuth with roles doctor and org_admin`. */
export function describeRequirement(requirement: SecurityRequirement): string {
  return requirement.schemes
    .map(({ scheme, roles }) => (roles.length === 0 ? scheme : `${scheme} with role${roles.length > 1 ? 's' : ''} ${roles.length > 1 ? `${roles.slice(0, -1).join(', ')} and ${roles.at(-1)}` : roles[0]}`))
    .join(' and ');
}

/** Every role the requirement lists, whatever its scheme. */
export function rolesOf(requirement: SecurityRequirement): string[] {
  return [...new Set(requirement.schemes.flatMap(({ roles }) => roles))];
}

/** Whether a caller holding `roles` may call the operation: it holds every role of one requirement. */
export function admits(operation: Pick<Operation, 'security'>, roles: readonly string[]): boolean {
  return operation.security.length === 0 || operation.security.some((requirement) => requirement.schemes.every((scheme) => scheme.roles.every((role) => roles.includes(role))));
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
