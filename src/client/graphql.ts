/**
 * A small GraphQL-over-HTTP client for the generated typed documents: queries and mutations as
 * JSON POSTs (multipart when a variable holds a Blob or File, per the GraphQL multipart request
 * specification), subscriptions over server-sent events. The documents are plain
 * `TypedDocumentNode`s, so urql, Apollo or graphql-request run them as well.
 *
 * Browser-safe: no Node built-ins and no graphql-js at run time.
 */
import type { DocumentNode } from 'graphql';
import { fromGraphqlError, transportError, TridentError } from './errors.ts';
import { resolveToken, type ClientOptions } from './options.ts';
import { serverSentEvents } from './rest.ts';

/**
 * A GraphQL document that carries the types of its result and variables, in the shape that
 * @graphql-typed-document-node/core defines and urql, Apollo, graphql-request and its `ResultOf`
 * read (`__apiType`). Only graphql-js's types are needed, and only by a project that type-checks
 * the GraphQL client: the package that carries it needs no other library.
 */
export interface TypedDocumentNode<Result = { [key: string]: unknown }, Variables = { [key: string]: unknown }> extends DocumentNode {
  readonly __apiType?: (variables: Variables) => Result;
}

/** The variables argument: optional when the operation has no required variable. */
export type VariablesArgs<Variables> = {} extends Variables ? [variables?: Variables] : [variables: Variables];

export interface RequestOptions {
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

export interface GraphqlClient {
  /** Runs a query or mutation; rejects with a TridentError on any error. */
  request<Result, Variables>(document: TypedDocumentNode<Result, Variables>, ...rest: [...VariablesArgs<Variables>, RequestOptions?]): Promise<Result>;
  /** Runs a subscription; each event's data until the server completes it or the loop breaks. */
  subscribe<Result, Variables>(document: TypedDocumentNode<Result, Variables>, ...rest: [...VariablesArgs<Variables>, RequestOptions?]): AsyncGenerator<Result, void, undefined>;
}

interface GraphqlPayload {
  data?: unknown;
  errors?: Array<{ message?: unknown; extensions?: Record<string, unknown> }>;
}

/** The GraphQL text of a document: the generated ones carry it in `loc.source.body`. */
export function documentText(document: { loc?: { source?: { body?: string } } }): string {
  const body = document.loc?.source?.body;
  if (typeof body !== 'string') throw new TypeError('the document carries no source text (loc.source.body); print it with graphql-js first');
  return body;
}

/** Creates a client for one GraphQL endpoint, e.g. `https://host/study/v2/graphql`. */
export function createGraphqlClient(endpoint: string, options: Omit<ClientOptions, 'baseUrl'> = {}): GraphqlClient {
  const send = options.fetch ?? ((input: string, init?: RequestInit) => globalThis.fetch(input, init));

  async function post(document: object, variables: unknown, requestOptions: RequestOptions, accept: string): Promise<Response> {
    const headers = new Headers(options.headers);
    for (const [name, value] of Object.entries(requestOptions.headers ?? {})) headers.set(name, value);
    headers.set('accept', accept);
    const token = await resolveToken(options.token);
    if (token !== undefined) headers.set('authorization', `Bearer ${token}`);
    const query = documentText(document);
    const files = extractFiles(variables ?? {});
    let body: string | FormData;
    if (files.length === 0) {
      headers.set('content-type', 'application/json');
      body = JSON.stringify({ query, variables: variables ?? {} });
    } else {
      // The multipart request specification: operations, then the map, then one part per file.
      // The preflight header tells servers with CSRF protection that this is no simple form post.
      headers.set('graphql-require-preflight', '1');
      const form = new FormData();
      form.append('operations', JSON.stringify({ query, variables: files.variables }));
      form.append('map', JSON.stringify(Object.fromEntries(files.map(({ path }, index) => [String(index), [path]]))));
      files.forEach(({ file }, index) => form.append(String(index), file, file instanceof File ? file.name : `upload-${index}`));
      body = form;
    }
    try {
      return await send(endpoint, { method: 'POST', headers, body, ...(requestOptions.signal ? { signal: requestOptions.signal } : {}) });
    } catch (error) {
      throw transportError('graphql', error);
    }
  }

  return {
    async request(document, ...rest) {
      const [variables, requestOptions] = splitArgs(rest);
      const response = await post(document, variables, requestOptions, 'application/graphql-response+json, application/json');
      const payload = await readPayload(response);
      const first = payload.errors?.[0];
      if (first) throw fromGraphqlError(first, response.status);
      if (!response.ok || payload.data === undefined || payload.data === null) throw new TridentError({ code: response.ok ? 'internal' : 'unavailable', message: `GraphQL answered HTTP ${response.status} without data`, protocol: 'graphql', status: response.status });
      return payload.data as never;
    },
    async *subscribe(document, ...rest) {
      const [variables, requestOptions] = splitArgs(rest);
      const response = await post(document, variables, requestOptions, 'text/event-stream');
      if (!response.ok || !response.body || !(response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
        const payload = await readPayload(response);
        const first = payload.errors?.[0];
        throw first ? fromGraphqlError(first, response.status) : new TridentError({ code: 'unavailable', message: `GraphQL answered HTTP ${response.status} instead of an event stream`, protocol: 'graphql', status: response.status });
      }
      for await (const event of serverSentEvents(response.body, 'graphql')) {
        if (event.event === 'complete') return;
        if (event.event !== 'next' && event.event !== 'message') continue;
        const payload = JSON.parse(event.data) as GraphqlPayload;
        const first = payload.errors?.[0];
        if (first) throw fromGraphqlError(first);
        yield payload.data as never;
      }
    },
  };
}

function splitArgs(rest: unknown[]): [unknown, RequestOptions] {
  return [rest[0], (rest[1] as RequestOptions | undefined) ?? {}];
}

async function readPayload(response: Response): Promise<GraphqlPayload> {
  const text = await response.text().catch(() => '');
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'object' && parsed !== null) return parsed as GraphqlPayload;
  } catch {
    // Not JSON: a proxy's error page, say.
  }
  return { errors: [{ message: text.slice(0, 200) || `HTTP ${response.status}` }] };
}

/** Every Blob in the variables, replaced by null, with its path (`variables.file`). */
function extractFiles(variables: unknown): Array<{ path: string; file: Blob }> & { variables: unknown } {
  const files: Array<{ path: string; file: Blob }> = [];
  const walk = (value: unknown, path: string): unknown => {
    if (typeof Blob !== 'undefined' && value instanceof Blob) {
      files.push({ path, file: value });
      return null;
    }
    if (Array.isArray(value)) return value.map((item, index) => walk(item, `${path}.${index}`));
    if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, walk(item, `${path}.${key}`)]));
    return value;
  };
  const replaced = walk(variables, 'variables');
  return Object.assign(files, { variables: replaced });
}

type Documents = Record<string, TypedDocumentNode<Record<string, unknown>, never>>;

/** One method per operation: its variables in, the operation's field of the result out. */
export type OperationMethods<Queries, Subscriptions> = {
  [Name in keyof Queries]: Queries[Name] extends TypedDocumentNode<infer Result, infer Variables>
    ? (...rest: [...VariablesArgs<Variables>, RequestOptions?]) => Promise<Result[Name & keyof Result]>
    : never;
} & {
  [Name in keyof Subscriptions]: Subscriptions[Name] extends TypedDocumentNode<infer Result, infer Variables>
    ? (...rest: [...VariablesArgs<Variables>, RequestOptions?]) => AsyncGenerator<Result[Name & keyof Result], void, undefined>
    : never;
};

/** The per-operation methods over a client: `client.getStudy({ studyId })` returns the study. */
export function operationMethods<Queries extends object, Subscriptions extends object>(client: GraphqlClient, queries: Queries, subscriptions: Subscriptions): OperationMethods<Queries, Subscriptions> {
  const methods: Record<string, unknown> = {};
  for (const [name, document] of Object.entries(queries as Documents)) {
    methods[name] = async (...rest: unknown[]) => ((await (client.request as (...args: unknown[]) => Promise<Record<string, unknown>>)(document, ...rest))[name]);
  }
  for (const [name, document] of Object.entries(subscriptions as Documents)) {
    methods[name] = async function* (...rest: unknown[]) {
      for await (const data of (client.subscribe as (...args: unknown[]) => AsyncGenerator<Record<string, unknown>>)(document, ...rest)) yield data[name];
    };
  }
  return methods as OperationMethods<Queries, Subscriptions>;
}
