import { streamItemKey } from './stream-items.ts';
import { diagnostic, type Diagnostic, type Location } from './diagnostics.ts';
import type { Operation, OperationKind, Parameter, ParameterLocation, RequestBody, Result, SecurityRequirement, TypeRef } from './ir.ts';
import { jsonFallback } from './losses.ts';
import { contentKind } from './media-kinds.ts';
import { camelCase, isIdentifier, pascalCase } from './names.ts';
import { Namespace } from './namespace.ts';
import { deriveOperationId, deriveOperationIds, nameParameters, type OperationEntry } from './operation-names.ts';
import { parametersOwner } from './chosen-names.ts';
import { appendPointer } from './pointer.ts';
import { resolveSchema } from './schema-shapes.ts';
import { isSchema, type SchemaConverter } from './schemas.ts';

/** The keys of a path item that hold operations. */
export const operationMethods: readonly string[] = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const parameterLocations = new Set<ParameterLocation>(['path', 'query', 'header', 'cookie']);
const streamMediaTypes = new Set(['text/event-stream', 'application/x-ndjson', 'application/jsonl']);
const operationKinds = new Set<OperationKind>(['query', 'mutation', 'subscription']);

export function isJsonMediaType(mediaType: string): boolean {
  const base = mediaType.split(';')[0]?.trim().toLowerCase() ?? '';
  return base === 'application/json' || base.endsWith('+json') || base === '*/*';
}

const isFormMediaType = (mediaType: string): boolean =>
  mediaType.startsWith('multipart/form-data') || mediaType.startsWith('application/x-www-form-urlencoded');

/** Reads every operation of the bundled document into the IR, in document order. */
export function convertOperations(
  document: Record<string, unknown>,
  schemas: SchemaConverter,
  locate: (pointer: string) => Location,
  diagnostics: Diagnostic[],
  /** Where a place named inside a message is (by default `locate`). */
  placeOf: (pointer: string) => Location = locate,
): Operation[] {
  const report = (code: Parameters<typeof diagnostic>[0], message: string, pointer: string, hint?: string): void => {
    diagnostics.push(diagnostic(code, message, locate(pointer), hint));
  };
  const deref = (value: unknown): unknown => resolveSchema(document, value);
  const info = isSchema(document.info) ? document.info : {};
  const apiSunset = typeof info['x-sunset'] === 'string' ? info['x-sunset'] : undefined;
  const paths = isSchema(document.paths) ? document.paths : {};
  const operations: Operation[] = [];
  const seenIds = new Map<string, string>();
  const seenGraphqlNames = new Map<string, string>();
  const seenRpcNames = new Map<string, string>();
  const uniqueGraphqlNames = new Namespace();

  const entries: OperationEntry[] = [];
  for (const [path, pathItemValue] of Object.entries(paths)) {
    const pathItem = deref(pathItemValue);
    if (!isSchema(pathItem)) continue;
    const pathPointer = appendPointer('/paths', path);
    for (const [method, operationValue] of Object.entries(pathItem)) {
      if (!operationMethods.includes(method) || !isSchema(operationValue)) continue;
      entries.push({ path, method, pathItem, pathPointer, operation: operationValue, pointer: appendPointer(pathPointer, method) });
    }
  }
  const lenient = schemas.lenient;
  const losses = schemas.losses;
  const derivedIds = lenient ? deriveOperationIds(entries, report, losses) : new Map<string, string>();

  for (const { path, method, pathItem, pathPointer, operation, pointer } of entries) {
    const declared = operation.operationId;
    const idPointer = appendPointer(pointer, 'operationId');
    let id: string;
    if (lenient) {
      id = derivedIds.get(pointer) ?? String(declared);
    } else {
      if (typeof declared !== 'string' || declared === '') {
        const suggestion = deriveOperationId(method, path);
        report('operation-id-missing', `${method.toUpperCase()} ${path} has no operationId`, pointer, `add \`operationId: ${suggestion}\` (or another unique camelCase name)`);
        continue;
      }
      id = declared;
      const firstAt = seenIds.get(id);
      if (firstAt !== undefined) {
        const first = placeOf(firstAt);
        report('operation-id-duplicate', `operationId '${id}' is already used at ${first.file}:${first.line}:${first.col}`, idPointer);
        continue;
      }
      seenIds.set(id, idPointer);
    }

    let graphqlName = readGraphqlName(operation, id, pointer, report);
    const rpcName = pascalCase(id);
    if (lenient) {
      // Derived ids are unique already; an `x-graphql-name` may still repeat another field's name.
      const unique = uniqueGraphqlNames.unique(graphqlName, pointer, (stem, n) => `${stem}${n}`);
      if (unique !== graphqlName) {
        report('name-renamed', `the GraphQL field '${graphqlName}' is taken by another operation; this one is '${unique}'`, pointer);
        losses.add(pointer, 'renamed', `operation '${id}'`, { graphql: `'${unique}'` });
        graphqlName = unique;
      } else if (id === declared) {
        // A derived id is reported with its derivation; a kept one may still be spelled otherwise.
        losses.add(pointer, 'renamed', `operation '${id}'`, {
          ...(graphqlName !== id && operation['x-graphql-name'] === undefined ? { graphql: `'${graphqlName}'` } : {}),
          ...(rpcName !== id.charAt(0).toUpperCase() + id.slice(1) ? { proto: `rpc ${rpcName}` } : {}),
        });
      }
    } else {
      for (const [name, seen, target] of [
        [graphqlName, seenGraphqlNames, 'GraphQL field'],
        [rpcName, seenRpcNames, 'gRPC method'],
      ] as const) {
        const other = seen.get(name);
        if (other !== undefined) report('name-collision', `operations '${other}' and '${id}' are both the ${target} '${name}'`, idPointer);
        seen.set(name, id);
      }
      if (!isIdentifier(rpcName)) report('name-invalid', `operationId '${id}' gives no usable method name`, idPointer);
    }

    const body = readBody(operation.requestBody, appendPointer(pointer, 'requestBody'), rpcName, schemas, deref);
    const parameters = readParameters(pathItem, operation, pathPointer, pointer, rpcName, schemas, deref);
    nameParameters(parameters, body, parametersOwner(id), schemas.book, lenient, report, losses);
    const { result, errorStatuses } = readResponses(operation.responses, appendPointer(pointer, 'responses'), rpcName, schemas, deref, report);
    const kind = readKind(operation, method, result, pointer, report);
    const sunset = typeof operation['x-sunset'] === 'string' ? operation['x-sunset'] : apiSunset;
    operations.push({
      id,
      method: method.toUpperCase(),
      path,
      ...(typeof operation.summary === 'string' ? { summary: operation.summary } : {}),
      ...(typeof operation.description === 'string' ? { description: operation.description } : {}),
      deprecated: operation.deprecated === true,
      pointer,
      tags: Array.isArray(operation.tags) ? operation.tags.filter((tag): tag is string => typeof tag === 'string') : [],
      graphqlName,
      kind,
      parameters,
      ...(body ? { body } : {}),
      result,
      errorStatuses,
      security: readSecurity(operation.security ?? document.security),
      ...(sunset !== undefined ? { sunset } : {}),
    });
  }
  return operations;
}

/** Reports a diagnostic at a pointer of the bundled document. */
export type Report = (code: Parameters<typeof diagnostic>[0], message: string, pointer: string, hint?: string) => void;

function readGraphqlName(operation: Record<string, unknown>, id: string, pointer: string, report: Report): string {
  const override = operation['x-graphql-name'];
  if (override === undefined) return camelCase(id);
  if (typeof override !== 'string' || !isIdentifier(override)) {
    report('extension-invalid', "'x-graphql-name' must be a GraphQL name (letters, digits, underscores)", appendPointer(pointer, 'x-graphql-name'));
    return camelCase(id);
  }
  return override;
}

function readKind(operation: Record<string, unknown>, method: string, result: Result, pointer: string, report: Report): OperationKind {
  const override = operation['x-graphql-operation'];
  if (override !== undefined) {
    if (typeof override === 'string' && operationKinds.has(override as OperationKind)) return override as OperationKind;
    report('extension-invalid', "'x-graphql-operation' must be query, mutation or subscription", appendPointer(pointer, 'x-graphql-operation'));
  }
  if (result.kind === 'stream') return 'subscription';
  return method === 'get' || method === 'head' ? 'query' : 'mutation';
}

function readParameters(
  pathItem: Record<string, unknown>,
  operation: Record<string, unknown>,
  pathPointer: string,
  pointer: string,
  rpcName: string,
  schemas: SchemaConverter,
  deref: (value: unknown) => unknown,
): Parameter[] {
  const byKey = new Map<string, Parameter>();
  // A path item's parameters are read for each of its operations, at the same pointers.
  const collect = (list: unknown, listPointer: string, shared: boolean): void => {
    if (!Array.isArray(list)) return;
    list.forEach((entry, index) => {
      const parameter = deref(entry);
      if (!isSchema(parameter) || typeof parameter.name !== 'string') return;
      const location = parameter.in as ParameterLocation;
      if (!parameterLocations.has(location)) return;
      const parameterPointer = appendPointer(listPointer, index);
      const content = isSchema(parameter.content) ? Object.values(parameter.content)[0] : undefined;
      const schema = parameter.schema ?? (isSchema(content) ? content.schema : undefined);
      const convert = shared ? schemas.sharedTypeOf.bind(schemas) : schemas.typeOf.bind(schemas);
      const typed = convert(schema, appendPointer(parameterPointer, 'schema'), rpcName + pascalCase(parameter.name));
      byKey.set(`${location}:${parameter.name.toLowerCase()}`, {
        name: parameter.name,
        in: location,
        type: typed.type,
        required: parameter.required === true || location === 'path',
        ...(typeof parameter.description === 'string' ? { description: parameter.description } : {}),
        deprecated: parameter.deprecated === true,
        pointer: parameterPointer,
      });
    });
  };
  collect(pathItem.parameters, appendPointer(pathPointer, 'parameters'), true);
  collect(operation.parameters, appendPointer(pointer, 'parameters'), false);
  return [...byKey.values()];
}

function readBody(
  value: unknown,
  pointer: string,
  rpcName: string,
  schemas: SchemaConverter,
  deref: (value: unknown) => unknown,
): RequestBody | undefined {
  const body = deref(value);
  if (!isSchema(body) || !isSchema(body.content)) return undefined;
  const mediaTypes = Object.keys(body.content);
  const required = body.required === true;
  // JSON first, then a form: GraphQL and gRPC carry the body as one structured value.
  const structured = mediaTypes.find(isJsonMediaType) ?? mediaTypes.find(isFormMediaType);
  if (structured !== undefined) {
    const others = mediaTypes.filter((mediaType) => mediaType !== structured && !isJsonMediaType(mediaType) && !isFormMediaType(mediaType));
    if (others.length > 0) {
      const carried = `the ${structured} body only`;
      schemas.losses.add(appendPointer(pointer, 'content'), 'omitted', `request body also as ${others.join(', ')}`, { graphql: carried, proto: carried });
    }
    const media = body.content[structured];
    const schemaPointer = appendPointer(pointer, 'content', structured, 'schema');
    const typed = schemas.typeOf(isSchema(media) ? media.schema : undefined, schemaPointer, `${rpcName}Body`);
    return { kind: 'json', type: typed.type, required, mediaTypes };
  }
  const kind = contentKind(mediaTypes);
  const typed = typedBy(body.content, deref);
  // Text with a schema is structured data that both targets take as an opaque upload.
  if (kind !== 'binary' && typed !== '') {
    const construct = `${kind} request body (${mediaTypes.join(', ')})${typed}`;
    schemas.losses.add(appendPointer(pointer, 'content'), 'fallback', construct, { graphql: 'Upload', proto: 'bytes, streamed in chunks' });
  }
  return { kind: 'binary', required, mediaTypes };
}

/** ` typed by a schema` when some media type's schema describes structure (an object or an array), else nothing. */
function typedBy(content: Record<string, unknown>, deref: (value: unknown) => unknown): string {
  const structured = Object.values(content).some((media) => {
    const schema = isSchema(media) ? deref(media.schema) : undefined;
    if (!isSchema(schema)) return false;
    const type = Array.isArray(schema.type) ? schema.type : [schema.type];
    return type.includes('object') || type.includes('array') || isSchema(schema.properties) || Array.isArray(schema.allOf);
  });
  return structured ? ' typed by a schema' : '';
}

function readResponses(
  value: unknown,
  pointer: string,
  rpcName: string,
  schemas: SchemaConverter,
  deref: (value: unknown) => unknown,
  report: Report,
): { result: Result; errorStatuses: string[] } {
  const responses = isSchema(value) ? value : {};
  const statuses = Object.keys(responses);
  const success = statuses.filter((status) => /^2(\d\d|XX)$/i.test(status)).sort()[0];
  const errorStatuses = statuses.filter((status) => /^[45]/.test(status) || status === 'default');
  if (success === undefined) return { result: { kind: 'empty', status: '' }, errorStatuses };
  const response = deref(responses[success]);
  const content = isSchema(response) && isSchema(response.content) ? response.content : {};
  const mediaTypes = Object.keys(content);
  const responsePointer = appendPointer(pointer, success);
  const stream = mediaTypes.find((mediaType) => streamMediaTypes.has(mediaType.split(';')[0]?.trim() ?? ''));
  if (stream !== undefined) {
    const media = content[stream];
    const itemKey = streamItemKey(media);
    const mediaPointer = appendPointer(responsePointer, 'content', stream);
    let item: TypeRef = { kind: 'json', shape: 'any' };
    if (itemKey === undefined || !isSchema(media)) {
      report('stream-item-schema-missing', `the ${stream} response of '${rpcName}' has no item schema`, mediaPointer);
      schemas.losses.add(mediaPointer, 'fallback', `${stream} items without an item schema`, jsonFallback);
    }
    else item = schemas.typeOf(media[itemKey], appendPointer(mediaPointer, itemKey), `${rpcName}Event`).type;
    return { result: { kind: 'stream', status: success, item, mediaTypes }, errorStatuses };
  }
  const jsonType = mediaTypes.find(isJsonMediaType);
  if (jsonType !== undefined) {
    const others = mediaTypes.filter((mediaType) => !isJsonMediaType(mediaType));
    if (others.length > 0) {
      const carried = `the ${jsonType} response only`;
      schemas.losses.add(appendPointer(responsePointer, 'content'), 'omitted', `response also as ${others.join(', ')}`, { graphql: carried, proto: carried });
    }
    const media = content[jsonType];
    const typed = schemas.typeOf(isSchema(media) ? media.schema : undefined, appendPointer(responsePointer, 'content', jsonType, 'schema'), `${rpcName}Result`);
    return { result: { kind: 'json', status: success, type: typed.type, mediaTypes }, errorStatuses };
  }
  if (mediaTypes.length > 0) {
    const kind = contentKind(mediaTypes);
    const construct = `${kind} response (${mediaTypes.join(', ')})${typedBy(content, deref)}`;
    if (kind === 'binary') {
      schemas.losses.add(responsePointer, 'fallback', construct, { graphql: 'Download (the REST URL of the bytes)' });
      report('binary-response-download', `'${rpcName}' answers with bytes (${mediaTypes.join(', ')}); GraphQL gives a Download with the REST URL that serves them`, responsePointer);
    } else {
      schemas.losses.add(responsePointer, 'fallback', construct, { graphql: 'String', proto: 'bytes, streamed in chunks' });
    }
    return { result: { kind: 'binary', status: success, mediaTypes }, errorStatuses };
  }
  return { result: { kind: 'empty', status: success }, errorStatuses };
}

/** The Security Requirement Objects: alternatives, each needing all of its schemes and roles. */
function readSecurity(value: unknown): SecurityRequirement[] {
  if (!Array.isArray(value)) return [];
  const requirements: SecurityRequirement[] = [];
  for (const alternative of value) {
    if (!isSchema(alternative)) continue;
    // An empty alternative means "no credentials needed": the operation is public.
    if (Object.keys(alternative).length === 0) return [];
    const schemes = Object.entries(alternative).map(([scheme, roles]) => ({
      scheme,
      roles: Array.isArray(roles) ? [...new Set(roles.filter((role): role is string => typeof role === 'string'))] : [],
    }));
    requirements.push({ schemes });
  }
  return requirements;
}


