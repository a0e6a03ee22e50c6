import { readFileSync, writeFileSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import type { ValidationPolicy } from '../src/compiler/build-ir.ts';
import { compileContract, finishTypes, identityOf, type CompiledContract, type CompileOptions, type OutputKind } from '../src/compiler/compile.ts';
import { formatDiagnostic, hasErrors, sortDiagnostics, type Diagnostic } from '../src/compiler/diagnostics.ts';
import type { SourceText } from '../src/compiler/source-text.ts';
import { foreignIdentity } from '../src/compiler/identity.ts';
import { loadConfig, type TridentConfig } from '../src/config/index.ts';
import type { Api } from '../src/compiler/ir.ts';
import { manifestPath, writeManifest } from '../src/runtime/generated.ts';
import { ownPackage } from './own-package.ts';
import { buildLossReport, formatLossReport, type LossReport } from '../src/compiler/losses.ts';
import { CompileCache, inputHashes, type CachedCompilation } from './generate/cache.ts';
import { GrpcGenerator } from './generate/grpc.ts';
import { discoverContracts, foreignLockPath, resolveInputs, type GenerateInput } from './generate/inputs.ts';
import { findStale, foreignContent, swapDirectory, writeIfChanged } from './generate/output.ts';
import { silentProgress, type Progress } from './generate/progress.ts';
import { generateTargets, wants, type GenerateTarget } from './generate/targets.ts';
import { releaseMemory } from './generate/memory.ts';
import { SpilledFiles } from './generate/spill.ts';
import { isLargeDocument, largeDocumentTypes, typesThread, type TypesThread } from './generate/types.ts';

export { bufBinary } from './generate/buf.ts';
export { discoverContracts, foreignLockPath } from './generate/inputs.ts';

export { generateTargets, type GenerateTarget } from './generate/targets.ts';

/**
 * A foreign document whose proto file is larger than this gets no gRPC TypeScript unless asked:
 * ts-proto holds a whole file's code at once, about 200 MB per MB of proto (GitHub's 5.4 MB
 * proto: 1.06 GB, 54 MB of TypeScript), so this keeps its process under 400 MB.
 */
export const largeProto = 1_000_000;


export interface GenerateOptions {
  /** The repository root (or the working folder); relative paths are resolved from it. */
  root: string;
  /**
   * Files or folders to compile. A path like `contracts/<api>/v<major>/openapi.yaml` is a contract
   * (strict rules, lock beside it); anything else is a foreign document (derived names, lock under
   * `<out>/locks`). By default every contract of the root.
   */
  contracts?: string[];
  /** Where the output goes, relative to the root; `generated` by default, required for foreign documents. */
  outDir?: string;
  /** Compare with what is on disk instead of writing. */
  check?: boolean;
  /** Print info-level diagnostics and every warning. */
  verbose?: boolean;
  log?: (line: string) => void;
  /** Where diagnostics go: `log` when it is given, else standard error. */
  diagnosticLog?: (line: string) => void;
  /** The lock file of the one foreign document being compiled. */
  lock?: string;
  /** The API name and major version of the one foreign document (else derived from it). */
  name?: string;
  apiVersion?: number;
  /** Validation of foreign documents with @readme/openapi-parser; contracts are always validated. */
  validate?: ValidationPolicy;
  /**
   * Hold foreign documents to the rules of contracts: clashes and missing operationIds are errors.
   * For every document, names that would leave the lock's numbers for its reservations are an error.
   */
  strict?: boolean;
  /** A run of `--watch`: like `strict`, it never reserves numbers in a lock (one save could). */
  watch?: boolean;
  /** Only these outputs (by default all; `server` only for contracts). */
  only?: readonly GenerateTarget[];
  /** Write the lossiness report of every document there, as JSON. */
  reportFile?: string;
  /** Reuse results from `.cache/trident` when nothing they depend on changed (default true). */
  cache?: boolean;
  progress?: Progress;
  /** Warnings printed in full before the rest are only counted (default 20; all with `verbose`). */
  maxWarnings?: number;
  /** The project's configuration; read from the root (trident.config.json or package.json) when absent. */
  config?: TridentConfig;
}

export interface GenerateResult {
  ok: boolean;
  diagnostics: Diagnostic[];
  /** Files that `--check` found missing, changed or extra (relative to the root). */
  stale: string[];
  written: number;
  /** The lossiness report of each document that has losses. */
  reports: LossReport[];
}

interface Compiled extends CachedCompilation {
  path: string;
  sources: Map<string, SourceText>;
  /** Taken from the cache rather than compiled. */
  cached: boolean;
}

/**
 * Compiles the contracts (or the given documents) and writes the output folder and the locks, or
 * with `check` reports what is stale. On any error nothing is written: the whole output is built
 * in memory first and then swapped in as one directory.
 */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const progress = options.progress ?? silentProgress;
  const failed = (line: string): GenerateResult => {
    log(line);
    return { ok: false, diagnostics: [], stale: [], written: 0, reports: [] };
  };
  const root = resolve(options.root);
  const config = options.config ?? loadConfig(root);
  const outDir = options.outDir ?? config.output;
  const inputs: GenerateInput[] = options.contracts
    ? resolveInputs(root, options.contracts, [outDir], config.contracts)
    : discoverContracts(root, config.contracts).map((path) => ({ path, contract: true }));
  if (options.contracts && inputs.length === 0) return failed(`no OpenAPI document found in ${options.contracts.join(', ')}.`);
  const foreign = inputs.filter((input) => !input.contract);
  if (foreign.length > 0 && options.outDir === undefined) {
    return failed(`${foreign[0]?.path ?? ''} is not a contract of this repository (${config.contracts}/<api>/v<major>/openapi.yaml); pass --out DIR to say where its output goes.`);
  }
  if ((options.lock !== undefined || options.name !== undefined || options.apiVersion !== undefined) && foreign.length !== 1) {
    return failed('--lock, --name and --api-version apply to exactly one document outside contracts/.');
  }
  const intruder = options.check ? undefined : foreignContent(resolve(root, outDir));
  if (intruder !== undefined) return failed(`refusing to replace ${outDir}/: it holds '${intruder}', which trident did not write; choose an empty or new folder.`);

  const cache = options.cache === false ? undefined : new CompileCache(root);
  const readText = (path: string): string | undefined => {
    try {
      return readFileSync(resolve(root, path), 'utf8');
    } catch {
      return undefined;
    }
  };
  const taken = new Set<string>();
  const compiled: Compiled[] = [];
  // ts-proto starts on each proto file as soon as it is printed, while the next documents compile.
  const grpc = wants(options.only, 'grpc') ? new GrpcGenerator(cache) : undefined;
  // openapi-typescript loads on a thread of its own while the documents parse.
  const types = wants(options.only, 'types') ? typesThread() : undefined;
  // ts-proto's memory grows with the proto file: a very large API's is left out unless --only
  // asks for gRPC TypeScript by name.
  const skippedGrpc: string[] = [];
  const protoFor = (input: GenerateInput) => (path: string, text: string): void => {
    if (!input.contract && options.only === undefined && text.length > largeProto) {
      skippedGrpc.push(`${input.path} (${(text.length / 1_000_000).toFixed(1)} MB of proto)`);
      return;
    }
    grpc?.add(path, text);
  };
  try {
    for (const [index, input] of inputs.entries()) {
      progress.document(index + 1, inputs.length, input.path);
      const entry = await compileInput(input, options, config, outDir, readText, cache, taken, protoFor(input), types, grpc);
      taken.add(`${entry.identity.name}/v${entry.identity.version}`);
      progress.compiled(input.path, entry.operations, entry.cached);
      compiled.push(entry);
    }
  } finally {
    progress.done();
    // Every proto file has been handed over: a ts-proto process started ahead and not taken is stopped.
    grpc?.dispose();
  }

  const diagnostics = sortDiagnostics(compiled.flatMap((entry) => entry.diagnostics).map((entry) => lockReservation(entry, options)));
  printDiagnostics(diagnostics, new Map(compiled.flatMap((entry) => [...entry.sources])), readText, options, options.diagnosticLog ?? options.log ?? ((line: string) => console.error(line)));
  if (hasErrors(diagnostics)) {
    progress.done();
    const count = diagnostics.filter((entry) => entry.severity === 'error').length;
    log(`${count} error${count === 1 ? '' : 's'}; nothing was written.`);
    return { ok: false, diagnostics, stale: [], written: 0, reports: [] };
  }

  const files = new Map<string, string>();
  const locks = new Map<string, string>();
  const outPrefix = `${outDir.replace(/\/+$/, '')}/`;
  for (const entry of compiled) {
    for (const [path, text] of entry.files) files.set(path, text);
    if (!entry.lock) continue;
    // A foreign document's lock inside the output folder is part of that folder's contents.
    if (entry.lock.path.startsWith(outPrefix)) files.set(entry.lock.path.slice(outPrefix.length), entry.lock.text);
    else locks.set(entry.lock.path, entry.lock.text);
  }
  if (grpc) {
    progress.step('gRPC TypeScript (ts-proto)');
    try {
      for (const [path, text] of await grpc.files()) files.set(path, text);
    } catch (error) {
      progress.done();
      return failed(`${(error as Error).message.trim()}\nnothing was written.`);
    }
  }
  progress.done();
  dropUnbackedGrpcClients(files);

  for (const skipped of skippedGrpc) log(`gRPC TypeScript left out for ${skipped}: ts-proto would need about 200 MB per MB of proto; --only ...,grpc writes it.`);
  const reports = compiled.flatMap((entry) => (entry.report && (entry.report.targets.graphql.count > 0 || entry.report.targets.proto.count > 0) ? [entry.report] : []));
  for (const report of reports) for (const line of formatLossReport(report)) log(line);
  if (options.reportFile !== undefined) writeFileSync(resolve(root, options.reportFile), `${JSON.stringify({ documents: reports }, null, 2)}\n`);
  const what = foreign.length === 0 ? `contract${compiled.length === 1 ? '' : 's'}` : `document${compiled.length === 1 ? '' : 's'}`;

  if (options.check) {
    const stale = findStale(root, outDir, files, locks);
    for (const path of stale) log(`stale: ${path}`);
    if (stale.length > 0) log(`${stale.length} generated file${stale.length === 1 ? ' is' : 's are'} out of date; run \`npm run generate\` and commit the result.`);
    else log(`${outDir}/ and ${locks.size} lock file${locks.size === 1 ? '' : 's'} are up to date (${files.size} files).`);
    return { ok: stale.length === 0, diagnostics, stale, written: 0, reports };
  }
  swapDirectory(resolve(root, outDir), files);
  for (const [path, text] of locks) writeIfChanged(resolve(root, path), text);
  log(`wrote ${files.size} files to ${outDir}/ from ${compiled.length} ${what}.`);
  return { ok: true, diagnostics, stale: [], written: files.size, reports };
}


/**
 * Numbers reserved in a lock are reserved for good; under `--strict` and in `--watch` (where one
 * save of a half-edited or mis-indented contract would do it) that is refused until a plain
 * `generate` run accepts it.
 */
function lockReservation(entry: Diagnostic, options: GenerateOptions): Diagnostic {
  if (entry.code !== 'lock-numbers-reserved' || (options.strict !== true && options.watch !== true)) return entry;
  const how = options.watch === true ? '--watch' : '--strict';
  return { ...entry, severity: 'error', hint: `${how} reserves no numbers: look above them for a line indented too little or too much, which hides what follows; if they were removed on purpose, run \`trident generate\` without ${how} once` };
}

/**
 * A gRPC client stands on the ts-proto file it imports; where that file is not written (gRPC
 * TypeScript left out, or not asked for), the client is left out too.
 */
function dropUnbackedGrpcClients(files: Map<string, string>): void {
  for (const [path, text] of files) {
    if (!path.endsWith('/clients/grpc.ts')) continue;
    const imports = [...text.matchAll(/^import \{[^}]*\} from '(\.[^']+)';$/gm)].map((match) => posix.join(posix.dirname(path), match[1] ?? ''));
    const protoModule = imports.find((target) => target.startsWith('ts/grpc/'));
    if (protoModule !== undefined && !files.has(protoModule)) files.delete(path);
  }
}

// One document, from the cache when every file it read is unchanged.
async function compileInput(
  input: GenerateInput,
  options: GenerateOptions,
  config: TridentConfig,
  outDir: string,
  readText: (path: string) => string | undefined,
  cache: CompileCache | undefined,
  taken: ReadonlySet<string>,
  onProto: (path: string, text: string) => void,
  types: TypesThread | undefined,
  grpc: GrpcGenerator | undefined,
): Promise<Compiled> {
  const outputs = generateTargets.filter((target): target is OutputKind => target !== 'grpc' && wants(options.only, target) && (input.contract || target !== 'server'));
  const compileOptions: CompileOptions = input.contract
    ? { validate: 'always', outputs }
    : {
        lenient: options.strict !== true,
        validate: options.validate ?? 'auto',
        outputs,
        lockPath: options.lock ?? ((identity) => foreignLockPath(outDir, identity)),
      };
  const identify = (document: Record<string, unknown> | undefined) => {
    const contractIdentity = identityOf(input.path, config.contracts);
    // The proto package prefix is part of an identity only where the configuration changes it.
    const prefix = config.protoPackage === 'trident' ? {} : { protoPackage: config.protoPackage };
    if (input.contract && contractIdentity) return { ...contractIdentity, ...prefix };
    const derived = foreignIdentity(input.path, document);
    const identity = { name: options.name ?? derived.name, version: options.apiVersion ?? derived.version, ...prefix };
    // Two documents of one run that would share a name: the later one gets a suffix.
    const base = identity.name;
    for (let n = 2; taken.has(`${identity.name}/v${identity.version}`); n += 1) identity.name = `${base}_${n}`;
    return identity;
  };
  const key = JSON.stringify({ path: input.path, contract: input.contract, outDir, options: { ...compileOptions, lockPath: options.lock ?? null }, name: options.name, version: options.apiVersion, protoPackage: config.protoPackage, taken: input.contract ? [] : [...taken].sort() });
  const cached = cache?.lookup(key, readText);
  if (cached) {
    for (const [path, text] of cached.files) if (path.startsWith('proto/')) onProto(path, text);
    return { ...cached, path: input.path, sources: new Map(), cached: true };
  }

  // A very large document keeps its outputs on disk while it compiles, and gets its types after
  // the rest (see largeDocument): each of its outputs is the size of a small document's whole compile.
  const large = isLargeDocument(resolve(options.root, input.path));
  const deferTypes = types !== undefined && outputs.includes('types') && large;
  if (!deferTypes) types?.start();
  // ts-proto is started ahead for a document of ordinary size; a very large one's proto is
  // usually left out (see largeProto), and is otherwise generated by a process started then.
  if (!large) grpc?.prepare();
  const read = new Map<string, string | undefined>();
  const recordingRead = (path: string): string | undefined => {
    const text = readText(path);
    read.set(path, text);
    return text;
  };
  const spilled = large ? new SpilledFiles() : undefined;
  try {
    const result = await compileContract(input.path, recordingRead, identify, {
      ...compileOptions,
      onProto,
      ...(spilled ? { files: spilled } : {}),
      ...(types === undefined ? {} : deferTypes ? { deferTypes: true } : { writeTypes: types.write }),
    });
    const report = result.locateAll && result.losses.length > 0 ? buildLossReport(input.path, result.identity, result.losses, result.locateAll) : undefined;
    if (input.contract && result.api) {
      const manifest = servingManifest(result.api, result.files, read, result.lock);
      if (manifest) result.files.set(manifestPath(result.identity.name, result.identity.version), manifest);
    }
    // What the cache needs of the inputs is their hashes.
    const inputs = inputHashes(read);
    read.clear();
    const operations = result.api?.operations.length ?? 0;
    if (result.typesLater && spilled && types) await typesAfterCompile(result, spilled);
    const entry: CachedCompilation = {
      identity: result.identity,
      files: [...(spilled ? spilled.load() : result.files)],
      ...(result.lock ? { lock: result.lock } : {}),
      diagnostics: result.diagnostics,
      ...(report ? { report } : {}),
      operations,
    };
    cache?.store(key, inputs, entry);
    return { ...entry, path: input.path, sources: result.sources, cached: false };
  } finally {
    spilled?.dispose();
  }
}


/**
 * The types of a very large document, written once the rest of its compile has let go of its
 * memory: only the diagnostics stay in memory. The outputs and the JSON text the types are written
 * from wait on disk, and a diagnostic reads its source file again to show its line.
 */
async function typesAfterCompile(result: CompiledContract, spilled: SpilledFiles): Promise<void> {
  const stashed = stashTypesDocument(result, spilled);
  if (!stashed) return;
  delete result.api;
  delete result.locate;
  delete result.locateAll;
  delete result.numbered;
  result.losses = [];
  result.sources = new Map();
  releaseMemory();
  await finishTypes(result, async (pending) => {
    spilled.setWritten(pending.path, (write) => {
      write(pending.header);
      largeDocumentTypes(stashed, write);
    });
  });
  // openapi-typescript's syntax tree goes before the outputs are read back.
  releaseMemory();
}

// The JSON text the pending types are written from, on disk; what is pending then reads it from
// there rather than holding the IR.
function stashTypesDocument(result: CompiledContract, spilled: SpilledFiles): { file: string } | undefined {
  const pending = result.typesLater;
  if (!pending) return undefined;
  const stashed = spilled.stash((write) => pending.writeDocument(write));
  result.typesLater = { ...pending, writeDocument: (write) => write(readFileSync(stashed.file, 'utf8')) };
  return stashed;
}

/**
 * What a server starts from (see src/runtime/generated.ts): written for a contract whose OpenAPI,
 * SDL and proto are all in this run's output. The lock counts as read in the text this run
 * leaves it in, so a start does not take the run's own lock update for an edit.
 */
function servingManifest(api: Api, files: ReadonlyMap<string, string>, read: ReadonlyMap<string, string | undefined>, lock: { path: string; text: string } | undefined): string | undefined {
  const served = [...files].filter(([path]) => /^(openapi|graphql|proto)\//.test(path));
  if (!['openapi/', 'graphql/', 'proto/'].every((prefix) => served.some(([path]) => path.startsWith(prefix)))) return undefined;
  const inputs = new Map(read);
  if (lock) inputs.set(lock.path, lock.text);
  return writeManifest(ownPackage().version, api, inputs, new Map(served));
}

// Errors up to a limit, warnings up to a smaller one, infos only with --verbose; --verbose raises
// both limits but keeps a bound (a document can hold hundreds of thousands of findings). What is
// left out is counted in one line.
export const diagnosticLimits = { errors: 50, warnings: 20, verbose: 1_000 };

function printDiagnostics(
  diagnostics: readonly Diagnostic[],
  sources: ReadonlyMap<string, SourceText>,
  readText: (path: string) => string | undefined,
  options: GenerateOptions,
  log: (line: string) => void,
): void {
  const limits = options.verbose
    ? { error: diagnosticLimits.verbose, warning: diagnosticLimits.verbose, info: diagnosticLimits.verbose }
    : { error: diagnosticLimits.errors, warning: options.maxWarnings ?? diagnosticLimits.warnings, info: 0 };
  const shown = { error: 0, warning: 0, info: 0 };
  const hiddenBy = { error: 0, warning: 0, info: 0 };
  // A result from the cache has no sources: each file is read once, not once per diagnostic.
  const read = new Map<string, SourceText | undefined>();
  const sourceOf = (file: string): SourceText | undefined => {
    if (!read.has(file)) read.set(file, sources.get(file) ?? readText(file));
    return read.get(file);
  };
  for (const entry of diagnostics) {
    if (shown[entry.severity] >= limits[entry.severity]) {
      if (options.verbose || entry.severity !== 'info') hiddenBy[entry.severity] += 1;
      continue;
    }
    shown[entry.severity] += 1;
    log(formatDiagnostic(entry, sourceOf(entry.file)));
  }
  const hidden = hiddenBy.error + hiddenBy.warning + hiddenBy.info;
  const parts = (['error', 'warning', 'info'] as const).filter((severity) => hiddenBy[severity] > 0).map((severity) => `${hiddenBy[severity]} ${severity}${hiddenBy[severity] === 1 ? '' : 's'}`);
  if (hidden > 0) log(`${parts.join(', ')} more not shown (${options.verbose ? '' : '--verbose shows more; '}--report json lists every loss).`);
}
