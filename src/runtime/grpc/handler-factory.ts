import { loadPackageDefinition, Metadata, type Server, type ServerUnaryCall, type ServerReadableStream, type ServerWritableStream, type sendUnaryData, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import type { PackageDefinition } from '@grpc/proto-loader';
import { parameterProtoName, pascalCase } from '../../compiler/names.ts';
import { protoPackage, protoServiceName } from '../../compiler/emit/proto/transform.ts';
import type { Operation } from '../../compiler/ir.ts';
import type { Authenticator } from '../auth.ts';
import { bearerToken } from '../auth.ts';
import { ApiError } from '../errors.ts';
import { reportFailure, type BindingLogger } from '../failure-log.ts';
import type { BinaryContent, BinaryUpload, OperationInput } from '../handler.ts';
import { invoke, logsInfo, namedParameters, traceHeadersOf, type BoundOperation, type ServedApi } from '../operation.ts';
import { requestIdFrom, requestIdHeader } from '../request-id.ts';
import { ProtoShapes } from './convert.ts';
import { toGrpcStatus } from './errors.ts';

type Message = Record<string, unknown>;
type AnyCall = ServerUnaryCall<Message, Message> | ServerReadableStream<Message, Message> | ServerWritableStream<Message, Message>;

/** The fully qualified gRPC service name of an API version: `trident.study.v1.StudyService`. */
export const grpcServiceName = (served: ServedApi): string => `${protoPackage(served.api)}.${protoServiceName(served.api)}`;

/**
 * Serves one API version over gRPC: an implementation of its generated service whose methods
 * convert the request message to the contract's JSON, call the shared `invoke`, and convert the
 * result back; uploads are client streams, downloads and event streams server streams. A cancelled
 * call or a passed deadline aborts the handler's signal. Each call gets a request id; a failure
 * that is the server's is logged with it.
 */
export function registerGrpcApi(server: Server, served: ServedApi, definition: PackageDefinition, authenticator: Authenticator, log: BindingLogger = { error: () => {}, info: () => {} }): void {
  const loaded = loadPackageDefinition(definition) as Record<string, unknown>;
  const path = grpcServiceName(served).split('.');
  const constructor = path.reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], loaded) as { service: ServiceDefinition } | undefined;
  if (!constructor) throw new Error(`${grpcServiceName(served)} is not in the loaded proto files`);
  const shapes = new ProtoShapes(served.api);
  const implementation: UntypedServiceImplementation = {};
  for (const bound of served.operations) {
    implementation[pascalCase(bound.operation.id)] = methodFor(bound, shapes, authenticator, log);
  }
  server.addService(tolerantOfMalformed(constructor.service), implementation);
}

// grpc-js answers INTERNAL when a request does not decode; it is the caller's fault, so the bytes
// that do not decode become a marker the method answers with INVALID_ARGUMENT.
const malformed = Symbol('malformed request');

function tolerantOfMalformed(service: ServiceDefinition): ServiceDefinition {
  const methods = Object.entries(service).map(([name, method]) => [
    name,
    {
      ...method,
      requestDeserialize: (bytes: Buffer) => {
        try {
          return method.requestDeserialize(bytes);
        } catch (error) {
          return { [malformed]: error instanceof Error ? error.message : 'it does not decode' };
        }
      },
    },
  ]);
  return Object.fromEntries(methods) as ServiceDefinition;
}

function assertDecoded(operation: Operation, message: Message): void {
  const reason = (message as { [malformed]?: string })[malformed];
  if (reason === undefined) return;
  const type = `${pascalCase(operation.id)}Request`;
  throw new ApiError('invalid_argument', `The request is not a valid ${type} message: ${reason}.`, [{ pointer: '', message: `not a valid ${type}: ${reason}` }]);
}

function methodFor(bound: BoundOperation, shapes: ProtoShapes, authenticator: Authenticator, log: BindingLogger) {
  const operation = bound.operation;
  const inputOf = grpcInput(operation, shapes);
  const call = async (grpcCall: AnyCall, request: Message, upload?: BinaryUpload): Promise<unknown> => {
    const aborter = new AbortController();
    // grpc-js reports every call as cancelled once it has ended, answered or not: only a call the
    // caller left before its answer aborts the handler's signal (an abort costs an error object).
    (grpcCall as ServerUnaryCall<Message, Message>).on('cancelled', () => {
      if (!answered(grpcCall)) aborter.abort();
    });
    assertDecoded(operation, request);
    const token = bearerToken(String(grpcCall.metadata.get('authorization')[0] ?? ''));
    const input = inputOf(request);
    if (upload) input.body = upload;
    // The call's line is built only when info is logged (at the default level, errors, it is not).
    const callLog = logsInfo(log) ? { log: { info: (fields: object, message: string) => log.info({ reqId: requestIdOf(grpcCall), ...fields }, message) } } : {};
    return invoke(bound, input, { token, protocol: 'grpc', signal: aborter.signal, requestId: requestIdOf(grpcCall), ...callLog, traceHeaders: traceHeadersOf((name) => grpcCall.metadata.get(name)[0]?.toString()) }, authenticator);
  };
  const status = (grpcCall: AnyCall, error: unknown) => toGrpcStatus(reportFailure(log, error, { protocol: 'grpc', operation: operation.id, reqId: requestIdOf(grpcCall) }));
  if (operation.body?.kind === 'binary') {
    return (grpcCall: ServerReadableStream<Message, Message>, callback: sendUnaryData<Message>) => {
      announceRequestId(grpcCall);
      void (async () => {
        const messages = grpcCall[Symbol.asyncIterator]();
        const first = await messages.next();
        const head = (first.done ? {} : first.value) as Message;
        async function* chunks(): AsyncIterable<Uint8Array> {
          if (head.chunk instanceof Uint8Array && head.chunk.length > 0) yield head.chunk;
          for (let next = await messages.next(); !next.done; next = await messages.next()) {
            assertDecoded(operation, next.value as Message);
            const chunk = (next.value as Message).chunk;
            if (chunk instanceof Uint8Array && chunk.length > 0) yield chunk;
          }
        }
        const upload: BinaryUpload = { contentType: String(head.content_type ?? ''), chunks: chunks() };
        return responseMessage(operation, await call(grpcCall, head, upload), shapes);
      })().then(
        (response) => answer(grpcCall, () => callback(null, response)),
        (error: unknown) => answer(grpcCall, () => callback(status(grpcCall, error))),
      );
    };
  }
  if (operation.result.kind === 'stream' || operation.result.kind === 'binary') {
    return (grpcCall: ServerWritableStream<Message, Message>) => {
      announceRequestId(grpcCall);
      void (async () => {
        const result = await call(grpcCall, grpcCall.request, undefined);
        if (operation.result.kind === 'binary') {
          const content = result as BinaryContent;
          let first = true;
          for await (const chunk of content.read()) {
            grpcCall.write(first ? { content_type: content.contentType, size: String(content.size), chunk } : { chunk });
            first = false;
          }
          if (first) grpcCall.write({ content_type: content.contentType, size: String(content.size) });
        } else {
          for await (const item of result as AsyncIterable<unknown>) {
            if (grpcCall.cancelled) break;
            grpcCall.write({ body: shapes.fromJson(item, operation.result.kind === 'stream' ? operation.result.item : { kind: 'json', shape: 'any' }) });
          }
        }
        answer(grpcCall, () => grpcCall.end());
      })().catch((error: unknown) => {
        // grpc-js sends the status of an 'error' event; destroy() would end the call without one.
        answer(grpcCall, () => grpcCall.emit('error', Object.assign(new Error('failed'), status(grpcCall, error))));
      });
    };
  }
  return (grpcCall: ServerUnaryCall<Message, Message>, callback: sendUnaryData<Message>) => {
    announceRequestId(grpcCall);
    call(grpcCall, grpcCall.request, undefined).then(
      (result) => answer(grpcCall, () => callback(null, responseMessage(operation, result, shapes))),
      (error: unknown) => answer(grpcCall, () => callback(status(grpcCall, error))),
    );
  };
}

// Kept on the call itself rather than in a WeakMap, whose entries every major collection must trace.
const requestIdKey = Symbol('trident request id');
const answeredKey = Symbol('trident call answered');

function answered(grpcCall: AnyCall): boolean {
  return (grpcCall as unknown as Record<symbol, boolean | undefined>)[answeredKey] === true;
}

/** Ends the call with `send`, marked first as answered by the server, so that its end is not taken for the caller leaving. */
function answer(grpcCall: AnyCall, send: () => void): void {
  (grpcCall as unknown as Record<symbol, boolean>)[answeredKey] = true;
  send();
}

// One id per call: the caller's `x-request-id` metadata when usable, else one made when first
// asked for. The handler's context and the failure's log line share it.
function requestIdOf(grpcCall: AnyCall): string {
  const holder = grpcCall as AnyCall & { [requestIdKey]?: string };
  return (holder[requestIdKey] ??= requestIdFrom(grpcCall.metadata.get(requestIdHeader)[0]));
}

// The id goes back in the response's initial metadata, which every outcome (an error too) carries.
function announceRequestId(grpcCall: AnyCall): void {
  const metadata = new Metadata();
  metadata.set(requestIdHeader, requestIdOf(grpcCall));
  grpcCall.sendMetadata(metadata);
}

/** The contract's input of a call from its request message: what the shared validation and the handler see. */
export function grpcInput(operation: Operation, shapes: ProtoShapes): (request: Message) => OperationInput {
  // The request message's field names are worked out once per method, not per call.
  const parameters = namedParameters(operation, parameterProtoName);
  const body = operation.body;
  return (request) => {
    const input: OperationInput = {};
    for (const parameter of parameters) {
      const group = (input[parameter.in] ??= {});
      const value = shapes.toJson(request[parameter.named], parameter.type);
      if (value !== undefined && value !== '') group[parameter.name] = value;
    }
    if (body?.kind === 'json' && request.body !== undefined && request.body !== null) input.body = shapes.toJson(request.body, body.type);
    return input;
  };
}

function responseMessage(operation: Operation, result: unknown, shapes: ProtoShapes): Message {
  return operation.result.kind === 'json' ? { body: shapes.fromJson(result, operation.result.type) } : {};
}
