import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Readable, Writable } from 'node:stream';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { CodeGeneratorRequestSchema, CodeGeneratorResponseSchema, type CodeGeneratorResponse } from '@bufbuild/protobuf/wkt';
import { toFileDescriptorSet } from '../../src/compiler/emit/proto/descriptor.ts';
import { readProtoFile } from '../../src/compiler/emit/proto/parse.ts';
import type { CompileCache } from './cache.ts';

/** ts-proto's options, as a plugin parameter. */
const tsProtoParameter = ['outputServices=grpc-js', 'env=node', 'esModuleInterop=true', 'forceLong=string', 'useDate=string', 'importSuffix=.ts', 'enumsAsLiterals=true', 'stringEnums=true', 'useOptionals=messages'].join(',');

/**
 * The gRPC TypeScript of proto files (paths relative to the output folder, `proto/...`): ts-proto
 * runs as a protoc plugin, given the files' descriptors (and those of the well-known types they
 * import) as protoc would. Proto files arrive one by one as documents compile; ts-proto starts on
 * the first at once, in the background, and takes every file that arrived meanwhile in its next
 * run. Files whose text the cache has seen are not generated again.
 */
export class GrpcGenerator {
  private readonly cache: CompileCache | undefined;
  private readonly output = new Map<string, string>();
  private waiting: Array<[string, string]> = [];
  private running: Promise<void> = Promise.resolve();
  private busy = false;
  private failure: unknown;
  private spare: PluginProcess | undefined;

  constructor(cache: CompileCache | undefined) {
    this.cache = cache;
  }

  /**
   * Starts ts-proto's process now, so that it loads while documents compile; its first run
   * takes it. Called when a document is about to compile (its proto file will likely be new).
   */
  prepare(): void {
    if (this.spare === undefined && !this.busy) this.spare = startPlugin();
  }

  /** Stops a process that `prepare` started and no run took. */
  dispose(): void {
    this.spare?.child.kill();
    this.spare = undefined;
  }

  /** A proto file is ready: generate its TypeScript (now, or in the next run of ts-proto). */
  add(path: string, text: string): void {
    const cached = this.cache?.lookupGrpc(path, text);
    if (cached) {
      for (const [file, content] of cached) this.output.set(file, content);
      return;
    }
    this.waiting.push([path, text]);
    if (!this.busy) this.drain();
  }

  /** Every file generated, once ts-proto is done with all that was added. */
  async files(): Promise<Map<string, string>> {
    for (;;) {
      const current = this.running;
      await current;
      if (current === this.running && !this.busy) break;
    }
    if (this.failure !== undefined) throw this.failure;
    return new Map([...this.output].sort(([a], [b]) => a.localeCompare(b)));
  }

  private drain(): void {
    const batch = this.waiting;
    this.waiting = [];
    if (batch.length === 0) return;
    this.busy = true;
    const plugin = this.spare ?? startPlugin();
    this.spare = undefined;
    this.running = runTsProto(plugin, batch)
      .then((generated) => {
        for (const [path, text] of generated) this.output.set(path, text);
        // Each proto file's own output, plus the well-known types it imports, goes to the cache.
        for (const [path, text] of batch) {
          const own = `ts/grpc/${path.slice('proto/'.length).replace(/\.proto$/, '.ts')}`;
          const imports = [...text.matchAll(/^import "(google\/protobuf\/[a-z_]+)\.proto";$/gm)].map((match) => `ts/grpc/${match[1]}.ts`);
          const entries = [own, ...imports].flatMap((file) => (generated.has(file) ? [[file, generated.get(file) ?? ''] as [string, string]] : []));
          this.cache?.storeGrpc(path, text, entries);
        }
      })
      .catch((error: unknown) => {
        this.failure ??= error;
      })
      .finally(() => {
        this.busy = false;
        this.drain();
      });
  }
}

/**
 * Runs ts-proto on a batch of printed proto files: their descriptors, with the well-known types
 * they import, go to the plugin as a `CodeGeneratorRequest` on its standard input. Every file is
 * generated, the imported ones too, as `buf generate` with `include_imports` did.
 */
async function runTsProto(plugin: PluginProcess, batch: ReadonlyArray<[string, string]>): Promise<Map<string, string>> {
  const files = toFileDescriptorSet(batch.map(([path, text]) => readProtoFile(path.slice('proto/'.length), text)));
  const request = create(CodeGeneratorRequestSchema, { fileToGenerate: files.map((file) => file.name), parameter: tsProtoParameter, protoFile: files });
  plugin.child.stdin.end(toBinary(CodeGeneratorRequestSchema, request));
  const response = await plugin.response;
  if (response.error !== '') throw new Error(`ts-proto failed: ${response.error}`);
  return new Map(response.file.map((file) => [`ts/grpc/${file.name}`, file.content]));
}

/** ts-proto's process, waiting for its request, and the response it will give. */
interface PluginProcess {
  child: ChildProcessByStdio<Writable, Readable, Readable>;
  response: Promise<CodeGeneratorResponse>;
}

// A protoc plugin reads its request from standard input and writes its response to standard output.
// The plugin is ts-proto behind `ts-proto-plugin.ts`, which bounds its cost on large files; like
// the CLI, it runs with a small young generation (it keeps most of what it allocates).
function startPlugin(): PluginProcess {
  const plugin = new URL(`./ts-proto-plugin${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
  const child = spawn(process.execPath, ['--max-semi-space-size=8', fileURLToPath(plugin)], { stdio: ['pipe', 'pipe', 'pipe'] });
  const response = new Promise<CodeGeneratorResponse>((resolve, reject) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0) reject(new Error(`ts-proto failed (${signal ?? `exit code ${code}`}): ${Buffer.concat(stderr).toString('utf8')}`));
      else {
        try {
          resolve(fromBinary(CodeGeneratorResponseSchema, Buffer.concat(stdout)));
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      }
    });
  });
  // A spare process that is stopped unused rejects with nobody waiting.
  response.catch(() => {});
  // A plugin that fails before reading all of its input closes the pipe; its exit code says why.
  child.stdin.on('error', () => {});
  return { child, response };
}
