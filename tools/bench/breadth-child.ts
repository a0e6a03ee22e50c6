/**
 * The worker of the breadth benchmark. For each document named in a list file:
 * - compiles it as a foreign document (OpenAPI, GraphQL and proto), checks the SDL with
 *   graphql-js, counts the operations of the document and of each protocol, compares the
 *   properties of every merged `allOf` with the emitted types, and writes the proto file into the
 *   batch folder for buf and protoc;
 * - runs `trident generate` on it as a user would (every output, gRPC TypeScript included) under
 *   `/usr/bin/time`, for its wall time and peak memory (ts-proto's process included), then `tsc`
 *   over the TypeScript it wrote.
 * It prints one JSON line per document.
 *
 *   node tools/bench/breadth-child.ts LIST_FILE BATCH_DIR [--compile-only]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildSchema, validateSchema, type GraphQLSchema } from 'graphql';
import { compileContract } from '../../src/compiler/compile.ts';
import { readProtoFile } from '../../src/compiler/emit/proto/parse.ts';
import { foreignIdentity } from '../../src/compiler/identity.ts';
import { checkMergedProperties, documentOperations, graphqlOperations, protoOperations, type MergeCheck } from './breadth-checks.ts';

export interface BreadthRecord {
  path: string;
  ms: number;
  operations: number;
  /** Fields of the GraphQL root types: every operation should be one. */
  errors: Array<{ code: string; message: string }>;
  warnings: number;
  sdl?: { valid: boolean; error?: string };
  proto?: string;
  /** Operations of the document, and those each protocol serves. */
  counts?: { document: number; rest: number; graphql: number; grpc: number };
  merge?: MergeCheck;
  /** The whole `trident generate`: exit status, wall time, peak resident memory, whether gRPC TypeScript was written. */
  generate?: { status: number; ms: number; maxRssMb: number; grpcTs: boolean };
  /** `tsc` over every TypeScript file `generate` wrote. */
  tsc?: { pass: boolean; ms: number; error?: string };
}

const repoRoot = join(import.meta.dirname, '..', '..');
const tscBinary = join(repoRoot, 'node_modules', '.bin', 'tsc');
// Each run's output stays inside the repository, so generated clients resolve `trident/client/*`.
const outRoot = join(repoRoot, '.cache', 'bench-breadth', 'out');
const tsconfig = { compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', allowImportingTsExtensions: true, skipLibCheck: true, customConditions: ['trident-source'], types: ['node'] }, include: ['ts/**/*.ts'] };

const [listFile = '', batchDir = '', mode] = process.argv.slice(2);
const entries = JSON.parse(readFileSync(listFile, 'utf8')) as Array<{ path: string; name: string }>;
for (const { path, name } of entries) {
  const record = await compileOne(path, name, batchDir);
  if (record.errors.length === 0 && mode !== '--compile-only') generateOne(path, name, record);
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

async function compileOne(path: string, name: string, batch: string): Promise<BreadthRecord> {
  const started = performance.now();
  const compiled = await compileContract(path, readText, (document) => ({ name, version: foreignIdentity(path, document).version }), { lenient: true, validate: 'auto', outputs: ['openapi', 'graphql', 'proto'], lockPath: join(batch, 'locks', `${name}.json`) });
  const record: BreadthRecord = {
    path,
    ms: Math.round(performance.now() - started),
    operations: compiled.api?.operations.length ?? 0,
    errors: compiled.diagnostics.filter((entry) => entry.severity === 'error').map((entry) => ({ code: entry.code, message: entry.message.slice(0, 300) })),
    warnings: compiled.diagnostics.filter((entry) => entry.severity === 'warning').length,
  };
  let schema: GraphQLSchema | undefined;
  let proto: ReturnType<typeof readProtoFile> | undefined;
  let rest = 0;
  for (const [file, text] of compiled.files) {
    if (file.endsWith('.graphql')) {
      try {
        schema = buildSchema(text);
        const problems = validateSchema(schema);
        record.sdl = problems.length === 0 ? { valid: true } : { valid: false, error: problems.map((problem) => problem.message).join('; ').slice(0, 300) };
      } catch (error) {
        record.sdl = { valid: false, error: (error as Error).message.slice(0, 300) };
      }
    }
    if (file.endsWith('.proto')) {
      const target = join(batch, file.slice('proto/'.length));
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, text);
      record.proto = file.slice('proto/'.length);
      proto = readProtoFile(record.proto, text);
    }
    if (file.startsWith('openapi/') && file.endsWith('.json')) rest = documentOperations(JSON.parse(text));
  }
  if (compiled.api) {
    const document = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    record.counts = { document: documentOperations(document), rest, graphql: schema ? graphqlOperations(schema) : 0, grpc: proto ? protoOperations(proto) : 0 };
    record.merge = checkMergedProperties(document, compiled.api, schema, proto);
  }
  return record;
}

function generateOne(path: string, name: string, record: BreadthRecord): void {
  const out = join(outRoot, name);
  const timeFile = `${out}.time`;
  mkdirSync(outRoot, { recursive: true });
  const run = spawnSync('/usr/bin/time', ['-o', timeFile, '-f', '%e %M', process.execPath, '--max-semi-space-size=8', join(repoRoot, 'tools', 'trident.ts'), 'generate', path, '--out', out, '--name', name, '--no-cache'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 300_000 });
  const [seconds = '0', kilobytes = '0'] = (readText(timeFile) ?? '').trim().split('\n').at(-1)?.split(' ') ?? [];
  const grpcTs = !/gRPC TypeScript left out/.test(run.stdout + run.stderr);
  record.generate = { status: run.status ?? -1, ms: Math.round(Number(seconds) * 1000), maxRssMb: Math.round(Number(kilobytes) / 1024), grpcTs };
  if (run.status === 0) {
    writeFileSync(join(out, 'tsconfig.json'), JSON.stringify(tsconfig));
    const started = performance.now();
    const tsc = spawnSync(tscBinary, ['-p', join(out, 'tsconfig.json')], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 600_000 });
    const firstError = (tsc.stdout + tsc.stderr).split('\n').find((line) => line.trim() !== '');
    record.tsc = { pass: tsc.status === 0, ms: Math.round(performance.now() - started), ...(tsc.status === 0 ? {} : { error: (firstError ?? `tsc ended by ${tsc.signal ?? 'an error'}`).slice(0, 300) }) };
  }
  rmSync(out, { recursive: true, force: true });
  rmSync(timeFile, { force: true });
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
