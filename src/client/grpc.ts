/**
 * The generated gRPC clients behind a promise API: the ts-proto service definition of an API
 * version, called through `@grpc/grpc-js`. Unary calls return a promise, server streams an async
 * generator, client streams take any (async) iterable of messages. Failures reject with the
 * same TridentError as the REST and GraphQL clients, read from the google.rpc.Status details.
 *
 * Node only (it is not exported to browsers).
 */
import { Client, credentials as grpcCredentials, Metadata, status as grpcStatus, type CallOptions as GrpcCallOptions, type ChannelCredentials, type ChannelOptions, type ServiceError } from '@grpc/grpc-js';
import { BinaryReader } from '@bufbuild/protobuf/wire';
import { codeOfGrpcStatus, isErrorCode, TridentError, type ErrorDetail } from './errors.ts';
import { resolveToken, type TokenSource } from './options.ts';

export interface GrpcClientOptions {
  /** `host:port` of the gRPC server. */
  address: string;
  token?: TokenSource;
  /** Default: insecure (plain HTTP/2), for loopback and service meshes that add TLS themselves. */
  credentials?: ChannelCredentials;
  channelOptions?: ChannelOptions;
  /** A deadline for every call that sets none, in milliseconds. */
  timeoutMs?: number;
}

export interface GrpcCallOptionsIn {
  signal?: AbortSignal;
  /** Milliseconds from now, or an absolute time. */
  deadline?: number | Date;
  metadata?: Record<string, string>;
}

interface MethodDefinition {
  path: string;
  requestStream: boolean;
  responseStream: boolean;
  requestSerialize(value: never): Buffer;
  responseDeserialize(value: Buffer): unknown;
}

type RequestOf<Method> = Method extends { requestSerialize(value: infer Request): Buffer } ? Request : never;
type ResponseOf<Method> = Method extends { responseDeserialize(value: Buffer): infer Response } ? Response : never;

/** A client stream's messages: after the first, a message usually carries only the next chunk. */
export type MessageSource<Request> = Iterable<Partial<Request>> | AsyncIterable<Partial<Request>>;

export type PromiseClient<Service> = {
  [Name in keyof Service]: Service[Name] extends { requestStream: false; responseStream: false }
    ? (request: RequestOf<Service[Name]>, options?: GrpcCallOptionsIn) => Promise<ResponseOf<Service[Name]>>
    : Service[Name] extends { requestStream: false; responseStream: true }
      ? (request: RequestOf<Service[Name]>, options?: GrpcCallOptionsIn) => AsyncGenerator<ResponseOf<Service[Name]>, void, undefined>
      : Service[Name] extends { requestStream: true; responseStream: false }
        ? (requests: MessageSource<RequestOf<Service[Name]>>, options?: GrpcCallOptionsIn) => Promise<ResponseOf<Service[Name]>>
        : (requests: MessageSource<RequestOf<Service[Name]>>, options?: GrpcCallOptionsIn) => AsyncGenerator<ResponseOf<Service[Name]>, void, undefined>;
} & {
  /** Closes the channel. */
  close(): void;
};

/** `fromPartial` of each request message, so missing fields get their proto3 defaults. */
export type RequestCodecs<Service> = { [Name in keyof Service]: { fromPartial(value: never): RequestOf<Service[Name]> } };

export function createGrpcClient<Service extends Record<string, MethodDefinition>>(service: Service, codecs: RequestCodecs<Service>, options: GrpcClientOptions): PromiseClient<Service> {
  const client = new Client(options.address, options.credentials ?? grpcCredentials.createInsecure(), options.channelOptions ?? {});
  const prepare = async (callOptions: GrpcCallOptionsIn = {}): Promise<{ metadata: Metadata; grpcOptions: GrpcCallOptions }> => {
    const metadata = new Metadata();
    for (const [key, value] of Object.entries(callOptions.metadata ?? {})) metadata.set(key, value);
    const token = await resolveToken(options.token);
    if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
    const deadline = callOptions.deadline instanceof Date ? callOptions.deadline : callOptions.deadline !== undefined ? Date.now() + callOptions.deadline : options.timeoutMs !== undefined ? Date.now() + options.timeoutMs : undefined;
    return { metadata, grpcOptions: deadline !== undefined ? { deadline } : {} };
  };
  const methods: Record<string, unknown> = { close: () => client.close() };
  for (const [name, method] of Object.entries(service)) {
    const fromPartial = (value: unknown) => (codecs as Record<string, { fromPartial(value: unknown): unknown }>)[name]!.fromPartial(value);
    const serialize = (value: unknown) => method.requestSerialize(fromPartial(value) as never);
    const deserialize = (bytes: Buffer) => method.responseDeserialize(bytes);
    if (!method.requestStream && !method.responseStream) {
      methods[name] = async (request: unknown, callOptions?: GrpcCallOptionsIn) => {
        const { metadata, grpcOptions } = await prepare(callOptions);
        return new Promise((resolve, reject) => {
          const call = client.makeUnaryRequest(method.path, serialize, deserialize, request, metadata, grpcOptions, (error, response) => (error ? reject(fromServiceError(error)) : resolve(response)));
          cancelOnAbort(call, callOptions?.signal);
        });
      };
    } else if (!method.requestStream) {
      methods[name] = async function* (request: unknown, callOptions?: GrpcCallOptionsIn) {
        const { metadata, grpcOptions } = await prepare(callOptions);
        const call = client.makeServerStreamRequest(method.path, serialize, deserialize, request, metadata, grpcOptions);
        cancelOnAbort(call, callOptions?.signal);
        yield* readStream(call);
      };
    } else if (!method.responseStream) {
      methods[name] = async (requests: Iterable<unknown> | AsyncIterable<unknown>, callOptions?: GrpcCallOptionsIn) => {
        const { metadata, grpcOptions } = await prepare(callOptions);
        let settled = false;
        const result = new Promise((resolve, reject) => {
          const call = client.makeClientStreamRequest(method.path, serialize, deserialize, metadata, grpcOptions, (error, response) => {
            settled = true;
            if (error) reject(fromServiceError(error));
            else resolve(response);
          });
          cancelOnAbort(call, callOptions?.signal);
          void writeAll(call, requests, () => settled).catch((error: unknown) => {
            call.cancel();
            reject(error);
          });
        });
        return result;
      };
    } else {
      methods[name] = async function* (requests: Iterable<unknown> | AsyncIterable<unknown>, callOptions?: GrpcCallOptionsIn) {
        const { metadata, grpcOptions } = await prepare(callOptions);
        const call = client.makeBidiStreamRequest(method.path, serialize, deserialize, metadata, grpcOptions);
        cancelOnAbort(call, callOptions?.signal);
        void writeAll(call, requests, () => false).catch(() => call.cancel());
        yield* readStream(call);
      };
    }
  }
  return methods as PromiseClient<Service>;
}

function cancelOnAbort(call: { cancel(): void }, signal: AbortSignal | undefined): void {
  if (!signal) return;
  if (signal.aborted) call.cancel();
  else signal.addEventListener('abort', () => call.cancel(), { once: true });
}

interface Writable {
  write(message: unknown, callback: (error?: Error | null) => void): boolean;
  end(): void;
}

/** Writes every message, waiting for the stream's buffer to drain, then ends the request stream. */
async function writeAll(call: Writable, requests: Iterable<unknown> | AsyncIterable<unknown>, finished: () => boolean): Promise<void> {
  for await (const message of requests) {
    if (finished()) return;
    await new Promise<void>((resolve, reject) => call.write(message, (error) => (error ? reject(error) : resolve())));
  }
  call.end();
}

async function* readStream(call: AsyncIterable<unknown> & { cancel(): void }): AsyncGenerator<never, void, undefined> {
  try {
    for await (const message of call) yield message as never;
  } catch (error) {
    throw fromServiceError(error as ServiceError);
  } finally {
    call.cancel();
  }
}

/** A gRPC failure as a TridentError: the ErrorInfo reason is the catalog code, BadRequest the details. */
export function fromServiceError(error: ServiceError): TridentError {
  if (error instanceof TridentError) return error;
  const decoded = decodeStatusDetails(error.metadata?.get('grpc-status-details-bin')[0]);
  const code = isErrorCode(decoded.reason) ? decoded.reason : codeOfGrpcStatus(error.code ?? grpcStatus.UNKNOWN);
  return new TridentError({ code, message: error.details || error.message, protocol: 'grpc', status: error.code, details: decoded.details, ...(decoded.retryable !== undefined ? { retryable: decoded.retryable } : {}), cause: error });
}

/** Reads the ErrorInfo reason and `retryable` entry and the BadRequest field violations of a google.rpc.Status. */
export function decodeStatusDetails(value: unknown): { reason?: string; retryable?: boolean; details: ErrorDetail[] } {
  const result: { reason?: string; retryable?: boolean; details: ErrorDetail[] } = { details: [] };
  if (!(value instanceof Uint8Array)) return result;
  try {
    for (const [field, bytes] of fields(value)) {
      if (field !== 3 || !(bytes instanceof Uint8Array)) continue;
      let typeUrl = '';
      let payload: Uint8Array = new Uint8Array();
      for (const [anyField, anyValue] of fields(bytes)) {
        if (anyField === 1 && anyValue instanceof Uint8Array) typeUrl = new TextDecoder().decode(anyValue);
        if (anyField === 2 && anyValue instanceof Uint8Array) payload = anyValue;
      }
      if (typeUrl.endsWith('/google.rpc.ErrorInfo')) {
        for (const [infoField, infoValue] of fields(payload)) {
          if (!(infoValue instanceof Uint8Array)) continue;
          if (infoField === 1) result.reason = new TextDecoder().decode(infoValue);
          // metadata: map<string, string>, one entry message per pair.
          if (infoField === 3) {
            const entry = new Map<number, string>();
            for (const [part, text] of fields(infoValue)) if (text instanceof Uint8Array) entry.set(part, new TextDecoder().decode(text));
            if (entry.get(1) === 'retryable' && (entry.get(2) === 'true' || entry.get(2) === 'false')) result.retryable = entry.get(2) === 'true';
          }
        }
      } else if (typeUrl.endsWith('/google.rpc.BadRequest')) {
        for (const [violationField, violation] of fields(payload)) {
          if (violationField !== 1 || !(violation instanceof Uint8Array)) continue;
          const detail: ErrorDetail = { pointer: '', message: '' };
          for (const [part, text] of fields(violation)) {
            if (!(text instanceof Uint8Array)) continue;
            if (part === 1) detail.pointer = new TextDecoder().decode(text);
            if (part === 2) detail.message = new TextDecoder().decode(text);
          }
          result.details.push(detail);
        }
      }
    }
  } catch {
    // Details that do not decode are ignored; the status code still holds.
  }
  return result;
}

/** The fields of a protobuf message: length-delimited ones as bytes, varints as numbers. */
function* fields(bytes: Uint8Array): Generator<[number, Uint8Array | number]> {
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (wireType === 2) yield [field, reader.bytes()];
    else if (wireType === 0) yield [field, Number(reader.uint64())];
    else reader.skip(wireType);
  }
}
