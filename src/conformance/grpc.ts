import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual, promisify } from 'node:util';
import { fromBinary, toJson } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, FileDescriptorSetSchema, type FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import { Client, loadPackageDefinition, Metadata, type ServiceError } from '@grpc/grpc-js';
import { loadSync, type MethodDefinition } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import type { Api, Operation } from '../compiler/ir.ts';
import { pascalCase, snakeCase } from '../compiler/names.ts';
import { protoPackage, protoServiceName } from '../compiler/emit/proto/transform.ts';
import { protoLoaderOptions, writeProtoTree } from '../runtime/load.ts';
import { grpcCaller, grpcRequest } from './callers/grpc.ts';
import type { RunContext } from './context.ts';
import { firstDifference, messageDifference } from './message-difference.ts';
import { expectThat, fail, skip } from './model.ts';
import { apiKey, type Target } from './target.ts';
import { callDeadline, callSignal } from './time-limit.ts';

const require = createRequire(import.meta.url);
const run = promisify(execFile);
const serviceOf = (api: Api): string => `${protoPackage(api)}.${protoServiceName(api)}`;
const infrastructure = new Set(['grpc.health.v1.Health', 'grpc.reflection.v1.ServerReflection', 'grpc.reflection.v1alpha.ServerReflection']);

type Message = Record<string, unknown>;
type AnyClient = Client & Record<string, (...args: unknown[]) => unknown>;

function clientOf(path: string, files: string[], includeDirs: string[], target: Target): AnyClient {
  const loaded = loadPackageDefinition(loadSync(files, { ...protoLoaderOptions, includeDirs }));
  const Service = path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], loaded) as new (address: string, creds: unknown) => AnyClient;
  return new Service(target.grpcAddress, target.grpcCredentials());
}

/** One server-reflection request and its first answer. */
function reflect(client: AnyClient, request: Message): Promise<Message> {
  return new Promise((resolve, reject) => {
    const call = client.ServerReflectionInfo?.({ deadline: callDeadline() }) as NodeJS.EventEmitter & { write(message: Message): void; end(): void };
    call.on('data', (message: Message) => {
      resolve(message);
      call.end();
    });
    call.on('error', reject);
    call.write(request);
  });
}

function unary(client: AnyClient, method: string, request: Message, deadlineMs = 10_000): Promise<{ response?: Message; error?: ServiceError }> {
  return new Promise((resolve) => {
    client[method]?.(request, new Metadata(), { deadline: callDeadline(deadlineMs) }, (error: ServiceError | null, response: Message) => resolve(error ? { error } : { response }));
  });
}

/** A descriptor reduced to what the wire and the generated code depend on. */
function shapeOf(file: FileDescriptorProto): unknown {
  const json = toJson(FileDescriptorProtoSchema, file) as Record<string, unknown>;
  const messages = (list: unknown): unknown =>
    ((list as Array<Record<string, unknown>> | undefined) ?? []).map((message) => ({
      name: message.name,
      fields: ((message.field as Array<Record<string, unknown>> | undefined) ?? []).map((field) => ({ name: field.name, number: field.number, label: field.label, type: field.type, typeName: field.typeName, oneofIndex: field.oneofIndex, proto3Optional: field.proto3Optional })),
      nested: messages(message.nestedType),
      enums: enums(message.enumType),
      oneofs: ((message.oneofDecl as Array<Record<string, unknown>> | undefined) ?? []).map((oneof) => oneof.name),
      reserved: message.reservedRange,
    }));
  const enums = (list: unknown): unknown => ((list as Array<Record<string, unknown>> | undefined) ?? []).map((item) => ({ name: item.name, values: item.value }));
  return {
    name: json.name,
    package: json.package,
    dependency: [...((json.dependency as string[] | undefined) ?? [])].sort(),
    messages: messages(json.messageType),
    enums: enums(json.enumType),
    services: ((json.service as Array<Record<string, unknown>> | undefined) ?? []).map((service) => ({ name: service.name, methods: service.method })),
  };
}

/** The generated proto files compiled by Debian's protoc when it is installed, else by buf. */
async function expectedDescriptors(context: RunContext): Promise<{ files: FileDescriptorProto[]; compiler: string }> {
  const tree = writeProtoTree(context.target.apis);
  try {
    const output = join(tree.dir, 'expected.binpb');
    const wellKnown = ['/usr/include', '/usr/local/include'].find((dir) => existsSync(join(dir, 'google/protobuf/timestamp.proto')));
    const protoc = await run('protoc', ['--version']).then(() => true, () => false);
    if (protoc && wellKnown) {
      await run('protoc', [`-I${tree.dir}`, `-I${wellKnown}`, '--include_imports', `--descriptor_set_out=${output}`, ...tree.files], { timeout: 60_000, signal: callSignal(60_000) });
    } else {
      // buf is an optional peer of the installed package; without it and without protoc there is no reference compiler.
      let buf = '';
      try {
        buf = join(dirname(require.resolve('@bufbuild/buf/package.json')), 'bin', 'buf');
      } catch {
        skip('needs a reference proto compiler: install protoc (with its well-known types) or the npm package @bufbuild/buf');
      }
      await run(buf, ['build', tree.dir, '-o', output], { timeout: 60_000, signal: callSignal(60_000) });
    }
    return { files: fromBinary(FileDescriptorSetSchema, readFileSync(output)).file, compiler: protoc && wellKnown ? 'protoc' : 'buf' };
  } finally {
    tree.dispose();
  }
}

// The generated gRPC code imports its siblings as `.js`; Node's type stripping needs the `.ts` files.
let hooksRegistered = false;
function registerGeneratedCodeHooks(): void {
  if (hooksRegistered || typeof module.registerHooks !== 'function') return;
  hooksRegistered = true;
  module.registerHooks({
    resolve(specifier, context, next) {
      if (specifier.startsWith('.') && specifier.endsWith('.js') && context.parentURL?.includes('/generated/ts/grpc/')) {
        const candidate = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
        if (existsSync(candidate)) return next(candidate.href, context);
      }
      return next(specifier, context);
    },
  });
}

interface MessageCodec {
  encode(message: unknown): { finish(): Uint8Array };
  decode(bytes: Uint8Array): unknown;
}

const reflectionProto = (): string => join(dirname(require.resolve('@grpc/reflection/package.json')), 'build', 'proto', 'grpc', 'reflection', 'v1', 'reflection.proto');

/** Item 3, for the whole server: reflection lists exactly the generated services (plus health and reflection). */
export async function grpcServerChecks(context: RunContext): Promise<void> {
  const { checks, target } = context;
  const reflection = clientOf('grpc.reflection.v1.ServerReflection', [reflectionProto()], [], target);
  try {
    const generated = new Set(target.apis.map((loaded) => serviceOf(loaded.api)));
    await checks.run('grpc', '*', 'reflection lists exactly the generated services', 'reflection', async () => {
      const answer = await reflect(reflection, { list_services: '' });
      const listed = ((answer.list_services_response as { service?: Array<{ name: string }> } | undefined)?.service ?? []).map((service) => service.name);
      const missing = [...generated].filter((name) => !listed.includes(name));
      const extra = listed.filter((name) => !generated.has(name) && !infrastructure.has(name));
      expectThat(missing.length === 0 && extra.length === 0, `missing: ${missing.join(', ') || 'none'}; not in the contracts: ${extra.join(', ') || 'none'}`);
      return listed.join(', ');
    });
  } finally {
    reflection.close();
  }
}

// The generated proto files compiled once per target, however many API versions are checked.
const compiled = new WeakMap<RunContext['target'], Promise<Awaited<ReturnType<typeof expectedDescriptors>>>>();

/**
 * Item 3, per API version: reflection describes the service as the generated proto does (compiled
 * by protoc); health answers for it; unknown methods are UNIMPLEMENTED; a passed deadline is
 * DEADLINE_EXCEEDED; responses decode with proto-loader and with the generated ts-proto code alike.
 */
export async function grpcChecks(context: RunContext): Promise<void> {
  const { checks, target } = context;
  const reflection = clientOf('grpc.reflection.v1.ServerReflection', [reflectionProto()], [], target);
  const health = clientOf('grpc.health.v1.Health', [healthProtoPath], [], target);
  try {
    for (const loaded of context.apis) {
      const api = loaded.api;
      const key = apiKey(api);
      const service = serviceOf(api);
      await checks.run('grpc', key, 'reflected descriptors equal the generated proto', service, async () => {
        let compiling = compiled.get(target);
        if (!compiling) {
          compiled.set(target, (compiling = expectedDescriptors(context)));
          // A failed compilation is reported by this check and tried again by the next.
          compiling.catch(() => compiled.delete(target));
        }
        const expected = await compiling;
        const answer = await reflect(reflection, { file_containing_symbol: service });
        const files = ((answer.file_descriptor_response as { file_descriptor_proto?: Uint8Array[] } | undefined)?.file_descriptor_proto ?? []).map((bytes) => fromBinary(FileDescriptorProtoSchema, bytes));
        const reflected = files.find((file) => file.service.some((candidate) => `${file.package}.${candidate.name}` === service));
        if (!reflected) fail(`reflection has no file describing ${service}`);
        const wanted = expected.files.find((file) => file.name === reflected!.name);
        if (!wanted) fail(`${reflected!.name} is not a generated proto file`);
        expectThat(isDeepStrictEqual(shapeOf(reflected!), shapeOf(wanted!)), `${reflected!.name} as reflected differs from the generated proto compiled by ${expected.compiler}: ${firstDifference(shapeOf(wanted!), shapeOf(reflected!))}`);
        return `compared with ${expected.compiler}`;
      });
      await checks.run('grpc', key, 'health answers SERVING for the service', service, async () => {
        const { response, error } = await unary(health, 'Check', { service });
        expectThat(!error, `Check failed: ${error?.code} ${error?.details}`);
        expectThat(response?.status === 'SERVING', `status ${String(response?.status)}`);
      });
      await checks.run('grpc', key, 'an unknown method is UNIMPLEMENTED', service, async () => {
        const client = new Client(target.grpcAddress, target.grpcCredentials());
        const code = await new Promise<number>((resolve) => {
          client.makeUnaryRequest(`/${service}/NoSuchMethod`, (value: Buffer) => value, (value: Buffer) => value, Buffer.alloc(0), new Metadata(), { deadline: callDeadline() }, (error) => resolve(error?.code ?? 0));
        });
        client.close();
        expectThat(code === 12, `status ${code}, expected UNIMPLEMENTED (12)`);
      });
      await checks.run('grpc', key, 'a passed deadline is DEADLINE_EXCEEDED', service, async () => {
        const operation = api.operations.find((candidate) => candidate.kind === 'query' && candidate.result.kind === 'json');
        if (!operation) skip('no unary query to call');
        const prepared = await context.prepared(api, operation!);
        const token = await target.tokens.token('valid', prepared.role);
        if (typeof token !== 'string') skip(token.skipped);
        const hurried = grpcCaller(target.grpcAddress, [loaded], 1, target.grpcCredentials);
        try {
          const outcome = await hurried.call(api, operation!.id, prepared.input, token as string);
          expectThat(!outcome.ok && outcome.exchange?.status === 4, `got ${outcome.ok ? 'a result' : `${outcome.code} (${outcome.exchange?.status})`}, expected DEADLINE_EXCEEDED (4)`);
        } finally {
          hurried.close();
        }
      });
      for (const operation of api.operations.filter((candidate) => candidate.kind === 'query' && candidate.result.kind === 'json')) {
        await checks.run('grpc', key, 'the response decodes with proto-loader and with the generated code alike', operation.id, () => decodeBoth(context, api, operation));
      }
    }
  } finally {
    reflection.close();
    health.close();
  }
}

let files: { dir: string; files: string[] } | undefined;
function loadedFiles(context: RunContext): { dir: string; files: string[] } {
  if (!files) {
    const tree = writeProtoTree(context.target.apis);
    files = { dir: tree.dir, files: tree.files };
    process.once('exit', () => tree.dispose());
  }
  return files;
}

async function decodeBoth(context: RunContext, api: Api, operation: Operation): Promise<string> {
  const { target } = context;
  const prepared = await context.prepared(api, operation);
  const token = await target.tokens.token('valid', prepared.role);
  if (typeof token !== 'string') skip(token.skipped);
  const service = serviceOf(api);
  const tree = loadedFiles(context);
  const definition = loadSync(tree.files, { ...protoLoaderOptions, includeDirs: [tree.dir] });
  const method = (definition[service] as Record<string, MethodDefinition<Message, Message>> | undefined)?.[pascalCase(operation.id)];
  if (!method) fail(`${service} has no method ${pascalCase(operation.id)}`);
  const client = new Client(target.grpcAddress, target.grpcCredentials());
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token as string}`);
  const bytes = await new Promise<Buffer>((resolve, reject) => {
    client.makeUnaryRequest(method!.path, method!.requestSerialize, (value: Buffer) => value, grpcRequest(api, operation, prepared.input), metadata, { deadline: callDeadline() }, (error, value) => (error || !value ? reject(error ?? new Error('no response')) : resolve(value)));
  }).finally(() => client.close());
  const byLoader = method!.responseDeserialize(bytes);
  // Where `trident generate` writes it: the proto file's path (its package's segments, the API's snake_case name) under ts/grpc.
  const source = join(target.root, 'generated', 'ts', 'grpc', ...protoPackage(api).split('.'), `${snakeCase(api.name)}.ts`);
  if (!existsSync(source)) skip(`no generated gRPC code at ${source}`);
  registerGeneratedCodeHooks();
  const generated = (await import(pathToFileURL(source).href)) as Record<string, MessageCodec | undefined>;
  const codec = generated[`${pascalCase(operation.id)}Response`];
  if (!codec) fail(`the generated code has no ${pascalCase(operation.id)}Response`);
  const decoded = codec!.decode(bytes);
  // Encoded again by the generated code, the message must read back the same through proto-loader.
  const difference = messageDifference(byLoader, method!.responseDeserialize(Buffer.from(codec!.encode(decoded).finish())));
  expectThat(!difference, `the generated code reads the message differently: ${difference}`);
  return `${bytes.length} bytes`;
}
