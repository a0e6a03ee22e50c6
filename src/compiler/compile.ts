import { posix } from 'node:path';
import { buildApi, type ApiIdentity } from './build-ir.ts';
import { diagnostic, hasErrors, type Diagnostic } from './diagnostics.ts';
import { writeGraphqlSchema } from './emit/graphql/print.ts';
import { toGraphqlDocument } from './emit/graphql/transform.ts';
import { writeOpenapiDocument } from './emit/openapi.ts';
import type { ProtoFile } from './emit/proto/ast.ts';
import { writeProtoFile } from './emit/proto/print.ts';
import { toProtoFile } from './emit/proto/transform.ts';
import { writeServerTypes } from './emit/server.ts';
import { writeTypescriptTypes } from './emit/typescript.ts';
import type { Api } from './ir.ts';
import { loadContract, type LoadedContract, type ReadText } from './load.ts';
import { applyLock, lockFileName, readLock, writeLock } from './lock.ts';
import { parseSource, type SourceFile } from './source.ts';

/** What one contract compiles to: files under `generated/` (by relative path) and its lock. */
export interface CompiledContract {
  identity: ApiIdentity;
  api?: Api;
  files: Map<string, string>;
  lock?: { path: string; text: string };
  diagnostics: Diagnostic[];
  /** The texts of every file read, so diagnostics can show the offending line. */
  sources: Map<string, string>;
}

const contractPath = /(?:^|\/)contracts\/([a-z][a-z0-9_-]*)\/v([0-9]+)\/openapi\.(?:ya?ml|json)$/;

/** `contracts/study/v1/openapi.yaml` is the study API, major version 1. */
export function identityOf(path: string): ApiIdentity | undefined {
  const match = contractPath.exec(path);
  if (!match?.[1] || !match[2]) return undefined;
  return { name: match[1], version: Number(match[2]) };
}

/** Where each output of an API version goes, relative to `generated/`. */
export function outputPaths(identity: ApiIdentity, proto: Pick<ProtoFile, 'path'>): Record<'openapi' | 'graphql' | 'proto' | 'types' | 'server', string> {
  const folder = `${identity.name}/v${identity.version}`;
  return {
    openapi: `openapi/${folder}/openapi.json`,
    graphql: `graphql/${folder}/schema.graphql`,
    proto: `proto/${proto.path}`,
    types: `ts/${folder}/types.ts`,
    server: `ts/${folder}/server.ts`,
  };
}

/**
 * Compiles one contract: load and bundle, check and build the IR, number the proto fields through
 * the lock beside the contract, and run every emitter. Nothing is written; on any error the file
 * map is empty.
 */
export async function compileContract(path: string, readText: ReadText, identity: ApiIdentity): Promise<CompiledContract> {
  const sources = new Map<string, string>();
  const trackedRead: ReadText = (filePath) => {
    const text = readText(filePath);
    if (text !== undefined) sources.set(filePath, text);
    return text;
  };
  const result: CompiledContract = { identity, files: new Map(), diagnostics: [], sources };
  const loaded = loadContract(path, trackedRead);
  result.diagnostics.push(...loaded.diagnostics);
  if (!loaded.contract || hasErrors(result.diagnostics)) return result;

  const built = await buildApi(loaded.contract, identity);
  result.diagnostics.push(...built.diagnostics);
  if (!built.api || hasErrors(result.diagnostics)) return result;
  const api = built.api;

  const lockPath = posix.join(posix.dirname(path), lockFileName);
  const numbered = numberProto(api, loaded.contract, lockPath, trackedRead, result.diagnostics);
  if (!numbered || hasErrors(result.diagnostics)) return result;

  const paths = outputPaths(identity, numbered.file);
  result.api = api;
  result.files.set(paths.openapi, writeOpenapiDocument(api));
  result.files.set(paths.graphql, writeGraphqlSchema(toGraphqlDocument(api)));
  result.files.set(paths.proto, writeProtoFile(numbered.file));
  result.files.set(paths.types, await writeTypescriptTypes(api));
  // generated/ts/<api>/v<n>/ sits four levels below the repository root, beside src/.
  result.files.set(paths.server, writeServerTypes(api, '../../../../src/runtime/handler.ts'));
  result.lock = { path: lockPath, text: numbered.lockText };
  return result;
}

function numberProto(
  api: Api,
  contract: LoadedContract,
  lockPath: string,
  readText: ReadText,
  diagnostics: Diagnostic[],
): { file: ProtoFile; lockText: string } | undefined {
  const unnumbered = toProtoFile(api);
  diagnostics.push(...checkProtoNames(unnumbered, contract));
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
  if (hasErrors(diagnostics)) return undefined;
  const applied = applyLock(unnumbered, lock, contract.locate);
  diagnostics.push(...applied.diagnostics);
  return { file: applied.file, lockText: writeLock(applied.lock) };
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
