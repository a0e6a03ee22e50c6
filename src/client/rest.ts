/**
 * What the generated REST clients share: an `openapi-fetch` client over the openapi-typescript
 * `paths` of an API version, with the bearer token added to each request, and one call per
 * operation that returns the success body or rejects with a TridentError.
 *
 * Browser-safe: no Node built-ins are imported here.
 */
import createFetchClient, { type Client, type FetchResponse, type MaybeOptionalInit } from 'openapi-fetch';
import { fromProblem, transportError } from './errors.ts';
import { joinUrl, resolveToken, type ClientOptions } from './options.ts';

export type { ClientOptions };

type Methods = 'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch' | 'trace';

/** The openapi-fetch options of one operation (`params`, `body`, `signal`, `headers`, ...). */
export type RestInit<PathItem, Method extends Methods> = NonNullable<MaybeOptionalInit<PathItem, Method & keyof PathItem>>;

/** The argument list of an operation: optional when nothing in it is required. */
export type RestArgs<PathItem, Method extends Methods> = undefined extends MaybeOptionalInit<PathItem, Method & keyof PathItem>
  ? [init?: RestInit<PathItem, Method>]
  : [init: RestInit<PathItem, Method>];

type SuccessData<PathItem, Method extends Methods> = PathItem[Method & keyof PathItem] extends infer Operation extends Record<string | number, any>
  ? NonNullable<Extract<FetchResponse<Operation, object, `${string}/${string}`>, { error?: never }>['data']>
  : never;

/** The success body of an operation; `void` when it answers without content. */
export type RestData<PathItem, Method extends Methods> = [SuccessData<PathItem, Method>] extends [never] ? void : SuccessData<PathItem, Method>;

/** A binary request body with its media type (one the operation accepts). */
export type BinaryBody<MediaTypes extends string> = { content: Blob | ArrayBuffer | Uint8Array; contentType: MediaTypes };

/** The openapi-fetch client of an API version, sending `Authorization: Bearer <token>`. */
export function createRawRestClient<Paths extends object>(options: ClientOptions, apiPath: string): Client<Paths> {
  const client = createFetchClient<Paths>({
    baseUrl: joinUrl(options.baseUrl, apiPath),
    ...(options.fetch ? { fetch: (request: Request) => options.fetch!(request) } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
  });
  client.use({
    async onRequest({ request }) {
      const token = await resolveToken(options.token);
      if (token !== undefined && !request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${token}`);
      return request;
    },
  });
  return client;
}

type Sent = { method: Uppercase<Methods>; path: string; init: unknown; parseAs?: 'json' | 'blob' | 'stream' };
type RawResult = { data?: unknown; error?: unknown; response: Response };

/**
 * Runs one operation through the openapi-fetch client and returns its success body, or rejects
 * with a TridentError built from the problem+json answer. Typed by the generated interface.
 */
export async function callRest(raw: Client<object>, sent: Sent): Promise<never> {
  const send = (raw as unknown as Record<string, (path: string, init: unknown) => Promise<RawResult>>)[sent.method];
  let result: RawResult;
  try {
    result = await send!(sent.path, sent.parseAs ? { ...(sent.init as object), parseAs: sent.parseAs } : sent.init);
  } catch (error) {
    throw transportError('rest', error);
  }
  if (!result.response.ok || result.error !== undefined) throw fromProblem(result.response.status, result.error);
  return result.data as never;
}

/** The openapi-fetch options of a binary upload: the bytes as they are, with their media type. */
export function binaryInit(init: { body: BinaryBody<string>; headers?: unknown } & Record<string, unknown>): Record<string, unknown> {
  const { body, ...rest } = init;
  const headers = new Headers(rest.headers as ConstructorParameters<typeof Headers>[0]);
  headers.set('content-type', body.contentType);
  return { ...rest, headers, body: body.content, bodySerializer: (content: unknown) => content };
}

/**
 * The events of a `text/event-stream` operation, each `data:` parsed as JSON, as they arrive.
 * The request is sent when iteration starts; breaking out of the loop closes the stream.
 */
export async function* streamRest<Item>(raw: Client<object>, sent: Sent): AsyncGenerator<Item, void, undefined> {
  const stream = (await callRest(raw, { ...sent, parseAs: 'stream' })) as ReadableStream<Uint8Array>;
  yield* readServerSentEvents<Item>(stream);
}

/** Parses server-sent events (WHATWG HTML, "event stream interpretation") into their JSON data. */
export async function* readServerSentEvents<Item>(stream: ReadableStream<Uint8Array>): AsyncGenerator<Item, void, undefined> {
  for await (const event of serverSentEvents(stream, 'rest')) {
    if (event.data === '') continue;
    yield JSON.parse(event.data) as Item;
  }
}

export interface ServerSentEvent {
  event: string;
  data: string;
  id?: string;
}

/** The raw events of a stream: `event`, the joined `data` lines, `id`. */
export async function* serverSentEvents(stream: ReadableStream<Uint8Array>, protocol: 'rest' | 'graphql'): AsyncGenerator<ServerSentEvent, void, undefined> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let event: ServerSentEvent = { event: 'message', data: '' };
  let hasData = false;
  try {
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch (error) {
        throw transportError(protocol, error);
      }
      if (chunk.done) return;
      buffer += decoder.decode(chunk.value, { stream: true });
      let newline: number;
      while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
        if (line === '') {
          if (hasData) yield event;
          event = { event: 'message', data: '' };
          hasData = false;
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') {
          event.data = hasData ? `${event.data}\n${value}` : value;
          hasData = true;
        } else if (field === 'event') event.event = value;
        else if (field === 'id') event.id = value;
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}
