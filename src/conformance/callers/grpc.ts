import { credentials, loadPackageDefinition, Metadata, type ChannelCredentials, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type { Api, Operation } from '../../compiler/ir.ts';
import type { OperationInput } from '../../runtime/handler.ts';
import { parameterFieldName, pascalCase, protoFieldName } from '../../compiler/names.ts';
import { grpcServiceName } from '../../runtime/grpc/handler-factory.ts';
import { ProtoShapes } from '../../runtime/grpc/convert.ts';
import { protoLoaderOptions, writeProtoTree, type LoadedApi } from '../../runtime/load.ts';
import type { Caller, Outcome } from './caller.ts';
import { catalogCodeOf, operationOf } from './caller.ts';
import { callDeadline } from '../time-limit.ts';

type Message = Record<string, unknown>;

/** The request message of a call, as `@grpc/proto-loader` encodes it: every parameter, and the JSON body as `body`. */
export function grpcRequest(api: Api, operation: Operation, input: OperationInput): Message {
  const shapes = new ProtoShapes(api);
  const request: Message = {};
  for (const parameter of operation.parameters) {
    const value = input[parameter.in as 'path' | 'query' | 'header']?.[parameter.name];
    if (value !== undefined) request[protoFieldName(parameterFieldName(parameter.name))] = shapes.fromJson(value, parameter.type);
  }
  if (operation.body?.kind === 'json' && input.body !== undefined) request.body = shapes.fromJson(input.body, operation.body.type);
  return request;
}

/** Calls operations over gRPC with clients loaded from the generated proto files. */
/** The gRPC caller, which can also open a server stream and report how it starts. */
export interface GrpcCaller extends Caller {
  close(): void;
  probe(api: Api, operationId: string, input: OperationInput, token: string | undefined, waitMs?: number): Promise<Outcome>;
}

export function grpcCaller(address: string, apis: LoadedApi[], deadlineMs = 10_000, channelCredentials: () => ChannelCredentials = () => credentials.createInsecure()): GrpcCaller {
  const tree = writeProtoTree(apis);
  const loaded = loadPackageDefinition(loadSync(tree.files, { ...protoLoaderOptions, includeDirs: [tree.dir] }));
  tree.dispose();
  const clients = new Map<Api, Client & Record<string, (...args: unknown[]) => unknown>>();
  const clientFor = (api: Api) => {
    let client = clients.get(api);
    if (!client) {
      const name = grpcServiceName({ api } as never);
      const Service = name.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], loaded) as new (address: string, creds: unknown) => Client;
      client = new Service(address, channelCredentials()) as Client & Record<string, (...args: unknown[]) => unknown>;
      clients.set(api, client);
    }
    return client;
  };
  const caller: GrpcCaller = {
    protocol: 'grpc',
    async call(api, operationId, input, token): Promise<Outcome> {
      try {
        return await send(api, operationId, input, token);
      } catch (error) {
        // A value proto cannot carry (a string in an int field...) fails in the client, before the wire.
        return { ok: false, code: 'not_encodable', message: (error as Error).message };
      }
    },
    close() {
      for (const client of clients.values()) client.close();
      clients.clear();
    },
    probe(api, operationId, input, token, waitMs = 1500) {
      const operation = operationOf(api, operationId);
      const metadata = new Metadata();
      if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
      return new Promise<Outcome>((resolve) => {
        let settled = false;
        const call = clientFor(api)[pascalCase(operation.id)]?.(grpcRequest(api, operation, input), metadata, { deadline: callDeadline(waitMs + 5000) }) as NodeJS.EventEmitter & { cancel(): void };
        const settle = (outcome: Outcome) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve(outcome);
          call.cancel();
        };
        // An open stream without events is a stream that started: no error within the wait.
        const timer = setTimeout(() => settle({ ok: true, value: undefined, exchange: { status: 0, headers: {} } }), waitMs);
        call.on('data', () => settle({ ok: true, value: undefined, exchange: { status: 0, headers: {} } }));
        call.on('error', (error: ServiceError) => settle({ ok: false, code: String(error.metadata?.get('trident-error-code')[0] ?? catalogCodeOf('grpc', error.code)), message: error.details, exchange: { status: error.code, headers: {} } }));
      });
    },
  };
  return caller;

  async function send(api: Api, operationId: string, input: OperationInput, token: string | undefined): Promise<Outcome> {
    const operation = operationOf(api, operationId);
    const shapes = new ProtoShapes(api);
    const request = grpcRequest(api, operation, input);
    const metadata = new Metadata();
    if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
    const options = { deadline: callDeadline(deadlineMs) };
    const client = clientFor(api);
    const method = pascalCase(operation.id);
    // Without the method a call would never answer; the proto of the contract lacks it.
    if (typeof client[method] !== 'function') return { ok: false, code: 'unimplemented', message: `the generated proto has no method ${method}` };
    const failure = (error: ServiceError): Outcome => ({
      ok: false,
      code: String(error.metadata?.get('trident-error-code')[0] ?? catalogCodeOf('grpc', error.code)),
      message: error.details,
      exchange: { status: error.code, headers: Object.fromEntries(Object.entries(error.metadata?.getMap() ?? {}).map(([key, value]) => [key, String(value)])) },
    });
    const success = (value: unknown): Outcome => ({ ok: true, value, exchange: { status: 0, headers: {} } });
    if (operation.body?.kind === 'binary') {
      const upload = input.body as { contentType: string; bytes: Uint8Array };
      return new Promise((resolve) => {
        const call = client[method]?.(metadata, options, (error: ServiceError | null, response: Message) => resolve(error ? failure(error) : success(shapes.toJson(response.body, operation.result.kind === 'json' ? operation.result.type : { kind: 'json', shape: 'any' })))) as { write(message: Message): void; end(): void };
        call.write({ ...request, content_type: upload.contentType, chunk: Buffer.from(upload.bytes.subarray(0, 100)) });
        for (let offset = 100; offset < upload.bytes.length; offset += 100) call.write({ chunk: Buffer.from(upload.bytes.subarray(offset, offset + 100)) });
        call.end();
      });
    }
    if (operation.result.kind === 'binary') {
      return new Promise((resolve) => {
        const chunks: Buffer[] = [];
        const call = client[method]?.(request, metadata, options) as NodeJS.EventEmitter;
        call.on('data', (message: Message) => message.chunk && chunks.push(message.chunk as Buffer));
        call.on('end', () => resolve(success(Buffer.concat(chunks))));
        call.on('error', (error: ServiceError) => resolve(failure(error)));
      });
    }
    return new Promise((resolve) => {
      client[method]?.(request, metadata, options, (error: ServiceError | null, response: Message) => {
        if (error) return resolve(failure(error));
        const result = operation.result;
        resolve(success(result.kind === 'json' ? shapes.toJson(response.body, result.type) : undefined));
      });
    });
  }
}
