import type { Api, NamedType, Operation, TypeRef } from '../../compiler/ir.ts';
import { returnsDownload } from '../../compiler/media-kinds.ts';
import type { OperationInput } from '../../runtime/handler.ts';
import { camelCase, constantCase, graphqlFieldName, parameterFieldName } from '../../compiler/names.ts';
import type { Caller, Outcome } from './caller.ts';
import { catalogCodeOf, operationOf } from './caller.ts';
import { callSignal } from '../time-limit.ts';

/**
 * The GraphQL document and variables of one call: variables typed as in the SDL, a full selection
 * set, the input in GraphQL spellings (an upload's file variable is left null for the multipart map).
 */
export function graphqlRequest(
  api: Api,
  operation: Operation,
  input: OperationInput,
  /** The operation's name in the document, and the alias of its field (`result` by default; null for none). */
  naming: { operationName?: string; alias?: string | null } = {},
): { document: string; variables: Record<string, unknown> } {
  const shapes = new Spellings(api);
  const variables: Record<string, unknown> = {};
  const declarations: string[] = [];
  const args: string[] = [];
  for (const parameter of operation.parameters) {
    const value = input[parameter.in as 'path' | 'query' | 'header']?.[parameter.name];
    if (value === undefined) continue;
    const name = parameterFieldName(parameter.name);
    variables[name] = shapes.input(value, parameter.type);
    declarations.push(`$${name}: ${shapes.typeName(parameter.type, true)}${parameter.required ? '!' : ''}`);
    args.push(`${name}: $${name}`);
  }
  const body = operation.body;
  if (body?.kind === 'json' && input.body !== undefined) {
    variables.input = shapes.input(input.body, body.type);
    declarations.push(`$input: ${shapes.typeName(body.type, true)}${body.required ? '!' : ''}`);
    args.push('input: $input');
  }
  if (body?.kind === 'binary') {
    variables.file = null;
    declarations.push('$file: Upload!');
    args.push('file: $file');
  }
  const kind = operation.kind;
  // A stream is only probed for how it starts: its items' type name is selection enough.
  const selection = operation.result.kind === 'json'
    ? ` ${shapes.selection(operation.result.type, 0)}`
    : operation.result.kind === 'stream' ? ' { __typename }' : returnsDownload(operation) ? ' { url contentType size }' : '';
  const alias = naming.alias === undefined ? 'result: ' : naming.alias === null ? '' : `${naming.alias}: `;
  const name = naming.operationName === undefined ? '' : ` ${naming.operationName}`;
  const document = `${kind}${name}${declarations.length > 0 ? `(${declarations.join(', ')})` : ''} { ${alias}${operation.graphqlName}${args.length > 0 ? `(${args.join(', ')})` : ''}${selection} }`;
  return { document, variables };
}

/**
 * Subscribes over GraphQL's server-sent events and reports how the stream starts: the first event's
 * error, or `ok` once an item arrives or `waitMs` pass without an error.
 */
export async function probeGraphqlStream(url: string, api: Api, operation: Operation, input: OperationInput, token: string | undefined, waitMs = 1500): Promise<Outcome> {
  const { document, variables } = graphqlRequest(api, operation, input);
  const aborter = new AbortController();
  const timer = setTimeout(() => aborter.abort(), waitMs);
  let text = '';
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
      body: JSON.stringify({ query: document, variables }),
      signal: AbortSignal.any([aborter.signal, callSignal()]),
    });
    const exchange = { status: response.status, headers: Object.fromEntries(response.headers) };
    const reader = response.body?.getReader();
    while (reader && !/\n\n/.test(text.replace(/^:[^\n]*\n\n/gm, ''))) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    const data = /^data: (.*)$/m.exec(text)?.[1] ?? (text.trim().startsWith('{') ? text : undefined);
    const payload = data ? (JSON.parse(data) as { errors?: Array<{ message: string; extensions?: { errorCode?: string; code?: string } }> }) : {};
    const error = payload.errors?.[0];
    if (!error) return { ok: true, value: undefined, exchange };
    return { ok: false, code: error.extensions?.errorCode ?? catalogCodeOf('graphql', error.extensions?.code ?? ''), message: error.message, exchange: { ...exchange, body: payload } };
  } catch (error) {
    if (aborter.signal.aborted) return { ok: true, value: undefined };
    return { ok: false, code: 'unreachable', message: (error as Error).message };
  } finally {
    clearTimeout(timer);
    aborter.abort();
  }
}

/**
 * Calls operations over GraphQL: writes the document (variables typed as in the SDL, a full
 * selection set), converts the input to GraphQL spellings and the result back to contract JSON.
 */
export function graphqlCaller(baseUrl: string, endpoints: Map<Api, string>): Caller {
  return {
    protocol: 'graphql',
    async call(api, operationId, input, token): Promise<Outcome> {
      const operation = operationOf(api, operationId);
      const shapes = new Spellings(api);
      const { document, variables } = graphqlRequest(api, operation, input);
      const form = new FormData();
      const body = operation.body;
      let response: Response;
      const headers: Record<string, string> = { 'graphql-require-preflight': '1', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) };
      if (body?.kind === 'binary') {
        const upload = input.body as { contentType: string; bytes: Uint8Array };
        form.append('operations', JSON.stringify({ query: document, variables }));
        form.append('map', JSON.stringify({ 0: ['variables.file'] }));
        form.append('0', new Blob([Buffer.from(upload.bytes)], { type: upload.contentType }), 'upload');
        response = await fetch(`${baseUrl}${endpoints.get(api)}`, { method: 'POST', headers, body: form, signal: callSignal() });
      } else {
        response = await fetch(`${baseUrl}${endpoints.get(api)}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ query: document, variables }), signal: callSignal() });
      }
      const text = await response.text();
      let payload: { data?: { result?: unknown }; errors?: Array<{ message: string; extensions?: { errorCode?: string; code?: string } }> };
      try {
        payload = JSON.parse(text) as typeof payload;
      } catch {
        return { ok: false, code: `http_${response.status}`, message: text.slice(0, 200), exchange: { status: response.status, headers: Object.fromEntries(response.headers), body: text } };
      }
      const exchange = { status: response.status, headers: Object.fromEntries(response.headers), body: payload };
      // JSON that is no GraphQL response (a 404 problem from a server without GraphQL) is no result.
      if (payload === null || typeof payload !== 'object' || (!Array.isArray(payload.errors) && !('data' in payload))) {
        return { ok: false, code: `http_${response.status}`, message: text.slice(0, 200), exchange };
      }
      const error = payload.errors?.[0];
      if (error) {
        const code = error.extensions?.errorCode ?? (error.extensions?.code !== undefined ? catalogCodeOf('graphql', error.extensions.code) : response.status >= 500 ? `http_${response.status}` : 'graphql');
        return { ok: false, code, message: error.message, exchange };
      }
      const result = operation.result;
      return { ok: true, value: result.kind === 'json' ? shapes.output(payload.data?.result, result.type) : undefined, exchange };
    },
  };
}

class Spellings {
  private readonly types: Map<string, NamedType>;
  constructor(api: Api) {
    this.types = new Map(api.types.map((type) => [type.name, type]));
  }

  typeName(type: TypeRef, input: boolean): string {
    switch (type.kind) {
      case 'scalar':
        return { string: 'String', boolean: 'Boolean', int32: 'Int', int64: 'Long', float: 'Float', double: 'Float', datetime: 'DateTime', date: 'String', bytes: 'String' }[type.scalar];
      case 'named':
        return input && this.types.get(type.name)?.kind !== 'enum' ? `${type.name}Input` : type.name;
      case 'list':
        return `[${this.typeName(type.of, input)}!]`;
      default:
        return 'JSON';
    }
  }

  selection(type: TypeRef, depth: number): string {
    if (type.kind === 'list') return this.selection(type.of, depth);
    if (type.kind !== 'named') return '';
    const named = this.types.get(type.name);
    if (!named || named.kind === 'enum' || depth > 6) return '';
    if (named.kind === 'union') return `{ __typename ${named.variants.map((variant) => `... on ${variant.type} ${this.selection({ kind: 'named', name: variant.type }, depth + 1)}`).join(' ')} }`;
    const fields = named.fields.filter((field) => !field.writeOnly).map((field) => `${graphqlFieldName(field.name)} ${this.selection(field.type, depth + 1)}`.trim());
    return `{ ${fields.join(' ')} }`;
  }

  input(value: unknown, type: TypeRef): unknown {
    if (value === null || value === undefined) return value;
    if (type.kind === 'list') return (value as unknown[]).map((item) => this.input(item, type.of));
    if (type.kind === 'scalar') return type.scalar === 'int64' && typeof value === 'number' ? String(value) : value;
    if (type.kind !== 'named') return value;
    const named = this.types.get(type.name);
    if (named?.kind === 'enum') return constantCase(String(value));
    const record = value as Record<string, unknown>;
    if (named?.kind === 'union') {
      const variant = named.variants.find((candidate) => candidate.tag === record[named.discriminator]);
      return variant ? { [camelCase(variant.tag)]: this.input(value, { kind: 'named', name: variant.type }) } : value;
    }
    if (named?.kind !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const field of named.fields) if (record[field.name] !== undefined && !field.readOnly) out[graphqlFieldName(field.name)] = this.input(record[field.name], field.type);
    return out;
  }

  output(value: unknown, type: TypeRef): unknown {
    if (value === null || value === undefined) return value;
    if (type.kind === 'list') return (value as unknown[]).map((item) => this.output(item, type.of));
    if (type.kind === 'scalar') return type.scalar === 'int64' && typeof value === 'string' ? Number(value) : value;
    if (type.kind !== 'named') return value;
    const named = this.types.get(type.name);
    if (named?.kind === 'enum') {
      return named.values.find((candidate) => constantCase(candidate.value) === value)?.value ?? value;
    }
    const record = value as Record<string, unknown>;
    if (named?.kind === 'union') return this.output(value, { kind: 'named', name: String(record.__typename) });
    if (named?.kind !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const field of named.fields) {
      const item = record[graphqlFieldName(field.name)];
      if (item !== undefined && item !== null) out[field.name] = this.output(item, field.type);
      else if (item === null && field.nullable) out[field.name] = null;
    }
    return out;
  }
}
