import { posix } from 'node:path';
import { buildApi, type ApiIdentity, type BuildOptions } from './build-ir.ts';
import { deepestNode, isStackOverflow } from './depth.ts';
import { diagnostic, hasErrors, type Diagnostic, type Location } from './diagnostics.ts';
import { writeOpenapiDocument } from './emit/openapi.ts';
import type { ProtoFile } from './emit/proto/ast.ts';
import { resolveProtoClashes } from './emit/proto/clashes.ts';
import { writeProtoFile } from './emit/proto/print.ts';
import { toProtoFile } from './emit/proto/transform.ts';
import { grpcMethodName, writeGrpcClient } from './emit/clients/grpc.ts';
import { writeRestClient } from './emit/clients/rest.ts';
import { writeServerTypes } from './emit/server.ts';
import { typesHeader, writeTypesDocument, writeTypescriptTypes } from './emit/typescript.ts';
import { typesCuts } from './emit/typescript-cycles.ts';
import type { Api } from './ir.ts';
import { loadContract, type LoadedContract, type ReadText } from './load.ts';
import { pascalCase } from './names.ts';
import { LossLog, type Loss } from './losses.ts';
import { applyLock, lockFileName, readLock, writeLock, type NumberLock } from './lock.ts';
import { NameBook } from './chosen-names.ts';
import type { SourceText } from './source-text.ts';
import { parseSource, type SourceFile } from './source.ts';

/** What one contract compiles to: files under `generated/` (by relative path) and its lock. */
export interface CompiledContract {
  identity: ApiIdentity;
  api?: Api;
  files: Map<string, string>;
  lock?: { path: string; text: string };
  diagnostics: Diagnostic[];
  /** The texts of every file read, so diagnostics can show the offending line. */
  sources: Map<string, SourceText>;
  /** What GraphQL and proto could not carry exactly (the lossiness report, unlocated). */
  losses: Loss[];
  /** Where a pointer of the bundled document is in the source files (set once loaded). */
  locate?: LoadedContract['locate'];
  locateAll?: LoadedContract['locateAll'];
  /** The numbered proto model and the lock it was numbered by, brought up to date (what `lock` holds as text). */
  numbered?: { proto: ProtoFile; lock: NumberLock };
  /** With `deferTypes`: what the types still need, for finishTypes once the caller has let go of the rest. */
  typesLater?: PendingTypes;
}

/**
 * The TypeScript types of a compiled contract, not yet written: the document openapi-typescript
 * reads, as JSON text (a fraction of the memory of the parsed document and the IR, which can then
 * be collected before openapi-typescript builds its own syntax tree).
 */
export interface PendingTypes {
  /** The document's path, where a failure is reported. */
  file: string;
  /** Where the types go; the REST client, which imports them, goes when they cannot be written. */
  path: string;
  restClient: string;
  header: string;
  /**
   * Writes the JSON text in pieces (see writeTypesDocument), so that whoever holds it may keep it
   * elsewhere than in memory; until then it holds the IR.
   */
  writeDocument: (write: (chunk: string) => void) => void;
  lenient: boolean;
}

/** The outputs of one API version. */
export type OutputKind = 'openapi' | 'graphql' | 'proto' | 'types' | 'server' | 'clients';

export const allOutputs: readonly OutputKind[] = ['openapi', 'graphql', 'proto', 'types', 'server', 'clients'];

export interface CompileOptions extends BuildOptions {
  /** Where the number lock is read (given the API's identity); by default `proto.lock.json` beside the contract. */
  lockPath?: string | ((identity: ApiIdentity) => string);
  /** Which outputs to emit; by default all of them. */
  outputs?: readonly OutputKind[];
  /** Writes the TypeScript types (default: openapi-typescript). */
  writeTypes?: (api: Api) => Promise<string>;
  /** Called with the proto file (its output path and text) as soon as it is printed, before the types are done. */
  onProto?: (path: string, text: string) => void;
  /**
   * Leaves the types to the caller: `typesLater` holds what they need and finishTypes writes them,
   * so that a very large document's IR need not stay in memory beside openapi-typescript's tree.
   */
  deferTypes?: boolean;
  /** The map the outputs are put in (a new one by default): a caller may pass one that keeps them elsewhere than in memory. */
  files?: Map<string, string>;
  /**
   * The lock as another compile left it, used instead of reading the lock file (the second of two
   * documents is numbered by the first one's lock); it is only read.
   */
  lock?: NumberLock;
  /**
   * The contract as the caller loaded it (with the same `readText`), compiled instead of loading
   * it again; the caller may have changed its document, e.g. left out parts it need not compile.
   */
  loaded?: ReturnType<typeof loadContract>;
}

const contractPaths = new Map<string, RegExp>();
function contractPath(contracts: string): RegExp {
  let pattern = contractPaths.get(contracts);
  if (!pattern) {
    const folder = contracts.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    pattern = new RegExp(`(?:^|/)${folder}/([a-z][a-z0-9_-]*)/v([0-9]+)/openapi\\.(?:ya?ml|json)$`);
    contractPaths.set(contracts, pattern);
  }
  return pattern;
}

/** `contracts/study/v1/openapi.yaml` is the study API, major version 1 (`contracts` is the project's contracts folder). */
export function identityOf(path: string, contracts = 'contracts'): ApiIdentity | undefined {
  const match = contractPath(contracts).exec(path);
  if (!match?.[1] || !match[2]) return undefined;
  return { name: match[1], version: Number(match[2]) };
}

/** Where each output of an API version goes, relative to `generated/`. */
export function outputPaths(identity: ApiIdentity, proto: Pick<ProtoFile, 'path'>): Record<'openapi' | 'graphql' | 'proto' | 'types' | 'server' | 'restClient' | 'graphqlClient' | 'grpcClient' | 'grpc', string> {
  const folder = `${identity.name}/v${identity.version}`;
  return {
    openapi: `openapi/${folder}/openapi.json`,
    graphql: `graphql/${folder}/schema.graphql`,
    proto: `proto/${proto.path}`,
    types: `ts/${folder}/types.ts`,
    server: `ts/${folder}/server.ts`,
    restClient: `ts/${folder}/clients/rest.ts`,
    graphqlClient: `ts/${folder}/clients/graphql.ts`,
    grpcClient: `ts/${folder}/clients/grpc.ts`,
    // Written by buf and ts-proto, not by the compiler.
    grpc: `ts/grpc/${proto.path.replace(/\.proto$/, '.ts')}`,
  };
}

/**
 * Compiles one contract: load and bundle, check and build the IR, number the proto fields through
 * the lock beside the contract, and run every emitter. Nothing is written; on any error the file
 * map is empty.
 */
export async function compileContract(
  path: string,
  readText: ReadText,
  identity: ApiIdentity | ((document: Record<string, unknown> | undefined) => ApiIdentity),
  options: CompileOptions = {},
): Promise<CompiledContract> {
  const sources = new Map<string, SourceText>();
  const trackedRead: ReadText = (filePath) => {
    const text = readText(filePath);
    if (text !== undefined) sources.set(filePath, text);
    return text;
  };
  const identify = typeof identity === 'function' ? identity : () => identity;
  const result: CompiledContract = { identity: identify(undefined), files: options.files ?? new Map(), diagnostics: [], sources, losses: [] };
  try {
    await compileInto(result, path, trackedRead, identify, options);
  } catch (error) {
    compileFailed(result, path, error);
  }
  return result;
}

// A document the compiler does not expect gets a diagnostic, never a crash; nothing is written.
function compileFailed(result: CompiledContract, path: string, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  result.files.clear();
  delete result.lock;
  result.diagnostics.push(diagnostic('compiler-failure', `compiling '${path}' failed: ${message}`, { file: path, line: 1, col: 1, pointer: '' }));
}

async function compileInto(
  result: CompiledContract,
  path: string,
  readText: ReadText,
  identify: (document: Record<string, unknown> | undefined) => ApiIdentity,
  options: CompileOptions,
): Promise<void> {
  const loaded = options.loaded ?? loadContract(path, readText);
  if (options.loaded?.contract) for (const file of options.loaded.contract.files.values()) result.sources.set(file.path, file.source);
  result.diagnostics.push(...loaded.diagnostics);
  if (!loaded.contract || hasErrors(result.diagnostics)) return;
  result.locate = loaded.contract.locate;
  result.locateAll = loaded.contract.locateAll;
  const identity = identify(loaded.contract.document);
  result.identity = identity;
  try {
    await buildInto(result, loaded.contract, identity, readText, options);
  } catch (error) {
    // A tool the compiler runs (openapi-typescript) recursed past the call stack: the diagnostic
    // names the deepest place of the document, where flattening helps.
    if (!isStackOverflow(error)) throw error;
    result.files.clear();
    delete result.lock;
    result.diagnostics.push(tooDeep(loaded.contract, 'the compiler or openapi-typescript'));
  }
}

// A diagnostic at the deepest place of the document, naming who could not follow it there.
function tooDeep(contract: LoadedContract, who: string, code: 'schema-too-deep' | 'typescript-types-failed' = 'schema-too-deep'): Diagnostic {
  const deepest = deepestNode(contract.document);
  return outOfStack(who, deepest.depth, contract.locate(deepest.pointer), code);
}

function outOfStack(who: string, depth: number, at: Location, code: 'schema-too-deep' | 'typescript-types-failed'): Diagnostic {
  return diagnostic(code, `${who} ran out of call stack on this document, which nests ${depth} levels deep here (references may lead deeper)`, at);
}

async function buildInto(
  result: CompiledContract,
  contract: LoadedContract,
  identity: ApiIdentity,
  readText: ReadText,
  options: CompileOptions,
): Promise<void> {
  const path = contract.path;

  const losses = new LossLog();
  // The lock is read first: the names it keeps are chosen again while the IR is built.
  const lockPath = typeof options.lockPath === 'function' ? options.lockPath(identity) : options.lockPath ?? posix.join(posix.dirname(path), lockFileName);
  const lockProblems: Diagnostic[] = [];
  const lock = options.lock ?? readLockFile(lockPath, readText, lockProblems);
  const book = new NameBook(lock.names);
  const built = await buildApi(contract, identity, { ...options, losses, book });
  result.diagnostics.push(...built.diagnostics);
  result.losses = losses.entries;
  if (!built.api || hasErrors(result.diagnostics)) return;
  const api = built.api;

  result.diagnostics.push(...lockProblems);
  const numbered = hasErrors(lockProblems) ? undefined : numberProto(api, contract, lock, book, result.diagnostics, losses, options.lenient === true);
  if (!numbered || hasErrors(result.diagnostics)) return;

  const outputs = new Set(options.outputs ?? allOutputs);
  const paths = outputPaths(identity, numbered.file);
  result.api = api;
  result.numbered = { proto: numbered.file, lock: numbered.lock };
  if (outputs.has('openapi')) result.files.set(paths.openapi, writeOpenapiDocument(api));
  const emitGraphql = outputs.has('graphql') || outputs.has('clients') ? await graphqlEmitters() : undefined;
  const graphql = emitGraphql?.toGraphqlDocument(api, (loss) => losses.entries.push(loss));
  if (emitGraphql && graphql && outputs.has('graphql')) result.files.set(paths.graphql, emitGraphql.writeGraphqlSchema(graphql));
  if (outputs.has('proto')) {
    const proto = writeProtoFile(numbered.file);
    result.files.set(paths.proto, proto);
    options.onProto?.(paths.proto, proto);
  }
  // The types come last, so that whoever received the proto file (buf) works while
  // openapi-typescript loads; their place among the outputs is kept.
  if (outputs.has('types')) result.files.set(paths.types, '');
  // The server interface imports the runtime's types from the package, so it works wherever it is written.
  if (outputs.has('server')) result.files.set(paths.server, writeServerTypes(api));
  if (emitGraphql && graphql && outputs.has('clients')) {
    // The clients import their runtime from the package, so they work wherever they are written.
    result.files.set(paths.restClient, writeRestClient(api, 'trident/client/rest'));
    result.files.set(paths.graphqlClient, emitGraphql.writeGraphqlClient(api, graphql, 'trident/client/graphql'));
    result.files.set(paths.grpcClient, writeGrpcClient(api, numbered.file, 'trident/client/grpc', posix.relative(posix.dirname(paths.grpcClient), paths.grpc)));
    for (const operation of api.operations) {
      // The REST and GraphQL clients call the method `assignIPv4s`; ts-proto's gRPC TypeScript spells it its own way.
      const rpc = pascalCase(operation.id);
      const method = grpcMethodName(rpc);
      if (method !== rpc.charAt(0).toLowerCase() + rpc.slice(1)) losses.add(operation.pointer, 'renamed', `gRPC TypeScript method '${rpc.charAt(0).toLowerCase() + rpc.slice(1)}'`, { proto: `'${method}' (ts-proto's spelling)` });
    }
  }
  result.lock = lockFile(lockPath, numbered.lock);
  const cuts = outputs.has('types') ? typesCuts(api.document) : [];
  for (const cut of cuts) {
    result.diagnostics.push(diagnostic('typescript-reference-cut', `'${cut.target}' leads back to itself here through no object's property, which TypeScript cannot type; in types.ts this reference is unknown`, contract.locate(cut.pointer)));
  }
  if (outputs.has('types') && options.deferTypes === true) {
    result.typesLater = { file: contract.path, path: paths.types, restClient: paths.restClient, header: typesHeader(api), writeDocument: (write) => writeTypesDocument(api, write, cuts), lenient: options.lenient === true };
  } else if (outputs.has('types')) {
    try {
      result.files.set(paths.types, await (options.writeTypes ?? writeTypescriptTypes)(api));
    } catch (error) {
      // A contract must type; a foreign document whose shape openapi-typescript rejects keeps its other outputs.
      if (options.lenient !== true) throw error;
      result.files.delete(paths.types);
      result.files.delete(paths.restClient);
      result.diagnostics.push(isStackOverflow(error) ? tooDeep(contract, 'openapi-typescript', 'typescript-types-failed') : typesFailed(error, contract.locate('')));
    }
  }
}

/**
 * The GraphQL emitters, loaded with graphql-js when a compile asks for a GraphQL output: the
 * breaking-change gate compiles without them, and starts sooner.
 */
async function graphqlEmitters(): Promise<{
  toGraphqlDocument: typeof import('./emit/graphql/transform.ts').toGraphqlDocument;
  writeGraphqlSchema: typeof import('./emit/graphql/print.ts').writeGraphqlSchema;
  writeGraphqlClient: typeof import('./emit/clients/graphql.ts').writeGraphqlClient;
}> {
  const [transform, print, client] = await Promise.all([import('./emit/graphql/transform.ts'), import('./emit/graphql/print.ts'), import('./emit/clients/graphql.ts')]);
  return { toGraphqlDocument: transform.toGraphqlDocument, writeGraphqlSchema: print.writeGraphqlSchema, writeGraphqlClient: client.writeGraphqlClient };
}

function typesFailed(error: unknown, at: Location): Diagnostic {
  const message = error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error);
  return diagnostic('typescript-types-failed', `openapi-typescript failed: ${message}`, at);
}

/**
 * Writes the types a compile with `deferTypes` left pending, with `write` (openapi-typescript over
 * the JSON text of the document, which puts the file, header first, at `pending.path` of `files`),
 * as the compile would have: a foreign document whose types fail keeps its other outputs and gets
 * a diagnostic; a contract's failure fails the whole compile.
 */
export async function finishTypes(result: CompiledContract, write: (pending: PendingTypes, files: Map<string, string>) => Promise<void>): Promise<void> {
  const pending = result.typesLater;
  if (pending === undefined) return;
  delete result.typesLater;
  try {
    await write(pending, result.files);
  } catch (error) {
    if (!pending.lenient) {
      compileFailed(result, pending.file, error);
      return;
    }
    result.files.delete(pending.path);
    result.files.delete(pending.restClient);
    const at: Location = { file: pending.file, line: 1, col: 1, pointer: '' };
    if (!isStackOverflow(error)) {
      result.diagnostics.push(typesFailed(error, at));
      return;
    }
    // The document is no longer in memory as parsed (nor its source locations): the deepest place
    // is found in the JSON text and named by its pointer.
    const chunks: string[] = [];
    pending.writeDocument((chunk) => chunks.push(chunk));
    const deepest = deepestNode(JSON.parse(chunks.join('')));
    result.diagnostics.push(outOfStack('openapi-typescript', deepest.depth, { ...at, pointer: deepest.pointer }, 'typescript-types-failed'));
  }
}

function readLockFile(lockPath: string, readText: ReadText, diagnostics: Diagnostic[]): NumberLock {
  const lockText = readText(lockPath);
  let lockSource: SourceFile | undefined;
  if (lockText !== undefined) {
    const parsed = parseSource(lockPath, lockText);
    for (const problem of parsed.problems) {
      diagnostics.push(diagnostic('yaml-invalid', problem.message, { file: lockPath, ...problem.position, pointer: '' }, `${problem.hint}, or restore the lock from version control`));
    }
    lockSource = parsed.file;
  }
  const { lock, diagnostics: lockProblems } = readLock(lockSource);
  diagnostics.push(...lockProblems);
  return lock;
}

function numberProto(
  api: Api,
  contract: LoadedContract,
  lock: NumberLock,
  book: NameBook,
  diagnostics: Diagnostic[],
  losses: LossLog,
  lenient: boolean,
): { file: ProtoFile; lock: NumberLock } | undefined {
  let unnumbered = toProtoFile(api);
  if (lenient) {
    const resolved = resolveProtoClashes(unnumbered);
    unnumbered = resolved.file;
    for (const { what, from, to, pointer } of resolved.renamed) {
      diagnostics.push(diagnostic('name-renamed', `${what} '${from}' is '${to}' in proto, where the name is taken`, contract.locate(pointer)));
      losses.add(pointer, 'renamed', `${what} '${from}'`, { proto: `'${to}'` });
    }
  }
  diagnostics.push(...checkProtoNames(unnumbered, contract));
  if (hasErrors(diagnostics)) return undefined;
  const applied = applyLock(unnumbered, lock, contract.locate);
  diagnostics.push(...applied.diagnostics);
  const names = book.chosen;
  const updated = Object.keys(names).length > 0 ? { ...applied.lock, names } : applied.lock;
  return { file: applied.file, lock: updated };
}

// The lock file a compile leaves, its text written when first read: `generate` writes it, the
// breaking-change gate mostly never reads it (a 1.5 MB lock of a very large document).
function lockFile(path: string, lock: NumberLock): { path: string; text: string } {
  let text: string | undefined;
  return {
    path,
    get text() {
      text ??= writeLock(lock);
      return text;
    },
  };
}

// A component may be named like a generated request message (`GetStudyRequest`); proto has one namespace.
// Enum values share the package scope with every type, so they are checked in the same set.
function checkProtoNames(file: ProtoFile, contract: LoadedContract): Diagnostic[] {
  const seen = new Set<string>(file.services.map((service) => service.name));
  const problems: Diagnostic[] = [];
  const claim = (name: string, pointer: string | undefined, what: string): void => {
    if (seen.has(name)) {
      problems.push(diagnostic('name-collision', `${what} '${name}' is defined twice in proto package ${file.package}`, contract.locate(pointer ?? ''), 'rename the schema or enum value; proto has one namespace per package'));
    }
    seen.add(name);
  };
  for (const definition of [...file.messages, ...file.enums]) claim(definition.name, definition.pointer, 'the name');
  for (const protoEnum of file.enums) for (const value of protoEnum.values) claim(value.name, protoEnum.pointer, 'the enum value');
  return problems;
}
