import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import type { CompileCache } from './cache.ts';
import { listFiles, writeFileEnsuringDir } from './output.ts';

const require = createRequire(import.meta.url);

/** The buf binary shipped in the `@bufbuild/buf` npm package. */
export function bufBinary(): string {
  return join(dirname(require.resolve('@bufbuild/buf/package.json')), 'bin', 'buf');
}

const template = {
  version: 'v2',
  plugins: [{
    local: [process.execPath, require.resolve('ts-proto/protoc-gen-ts_proto')],
    out: 'grpc',
    include_imports: true,
    opt: ['outputServices=grpc-js', 'env=node', 'esModuleInterop=true', 'forceLong=string', 'useDate=string', 'importSuffix=.ts', 'enumsAsLiterals=true', 'stringEnums=true', 'useOptionals=messages'],
  }],
};

/**
 * The gRPC TypeScript of proto files (paths relative to the output folder, `proto/...`): ts-proto
 * runs as a local buf plugin in a scratch folder. Proto files arrive one by one as documents
 * compile; buf starts on the first at once, in the background, and takes every file that arrived
 * meanwhile in its next run. Files whose text the cache has seen are not generated again.
 */
export class GrpcGenerator {
  private readonly cache: CompileCache | undefined;
  private readonly output = new Map<string, string>();
  private waiting: Array<[string, string]> = [];
  private running: Promise<void> = Promise.resolve();
  private busy = false;
  private failure: unknown;

  constructor(cache: CompileCache | undefined) {
    this.cache = cache;
  }

  /** A proto file is ready: generate its TypeScript (now, or in the next run of buf). */
  add(path: string, text: string): void {
    const cached = this.cache?.lookupGrpc(path, text);
    if (cached) {
      for (const [file, content] of cached) this.output.set(file, content);
      return;
    }
    this.waiting.push([path, text]);
    if (!this.busy) this.drain();
  }

  /** Every file generated, once buf is done with all that was added. */
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
    this.running = runBuf(batch)
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

async function runBuf(batch: ReadonlyArray<[string, string]>): Promise<Map<string, string>> {
  const scratch = mkdtempSync(join(tmpdir(), 'trident-buf-'));
  try {
    for (const [path, text] of batch) writeFileEnsuringDir(join(scratch, path), text);
    await new Promise<void>((resolve, reject) => {
      execFile(bufBinary(), ['generate', join(scratch, 'proto'), '--template', JSON.stringify(template), '-o', scratch], { maxBuffer: 64 * 1024 * 1024 }, (error, _stdout, stderr) => {
        if (error) reject(new Error(`buf generate failed: ${stderr || error.message}`));
        else resolve();
      });
    });
    return new Map(listFiles(join(scratch, 'grpc')).map((path) => [
      `ts/grpc/${relative(join(scratch, 'grpc'), path).split(sep).join('/')}`,
      readFileSync(path, 'utf8'),
    ]));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
