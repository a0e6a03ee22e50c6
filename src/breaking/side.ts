import type { ApiIdentity } from '../compiler/build-ir.ts';
import { compileContract, type CompileOptions } from '../compiler/compile.ts';
import type { Diagnostic, Location } from '../compiler/diagnostics.ts';
import type { ProtoFile } from '../compiler/emit/proto/ast.ts';
import type { Api } from '../compiler/ir.ts';
import type { SourceText } from '../compiler/source-text.ts';
import type { ReadText } from '../compiler/load.ts';
import { writeLock, type NumberLock } from '../compiler/lock.ts';
import { parseSource, type SourceFile } from '../compiler/source.ts';
import type { Side } from './model.ts';

/** One compiled contract, with what the diff needs to name and locate every change in it. */
export interface ContractSide {
  side: Side;
  /** `contracts/study/v1/openapi.yaml`, relative to the root of its side. */
  path: string;
  identity: ApiIdentity;
  api: Api;
  /** Maps a pointer of the bundled document to the file, line and column it came from. */
  locate: (pointer: string) => Location;
  /** The same for many pointers at once: one pass over each file instead of every position in it. */
  locateAll?: (pointers: Iterable<string>) => Map<string, Location>;
  /** The numbers the generated proto uses: the committed lock brought up to date. */
  lock: NumberLock;
  lockPath: string;
  /** The lock file as committed (or as generated when there is none), for positions. */
  lockSource?: SourceFile;
  /** The numbered proto model, which names every field and links it to the contract. */
  proto: ProtoFile;
  /** Every file the contract read, by path. */
  sources: ReadonlyMap<string, SourceText>;
  /** What `trident generate` writes for this contract, by path under `generated/`. */
  files: ReadonlyMap<string, string>;
}

/** A contract that did not compile: its diagnostics and the texts they point into. */
export interface BrokenSide {
  path: string;
  diagnostics: Diagnostic[];
  sources: ReadonlyMap<string, SourceText>;
}

/**
 * What the gate compiles: the layers the cross-checks read. The TypeScript emitters are left out;
 * the diff judges TypeScript from the IR.
 */
export const gateOutputs: NonNullable<CompileOptions['outputs']> = ['openapi', 'graphql', 'proto'];

/**
 * Compiles a contract with `compileContract`, as `trident generate` does, and keeps what the diff
 * reads beside the IR. `readText` reads files of one side (the working tree or the base); the
 * identity may be derived from the document, as for a foreign one.
 */
export async function readSide(
  path: string,
  readText: ReadText,
  identity: ApiIdentity | ((document: Record<string, unknown> | undefined) => ApiIdentity),
  side: Side,
  options: CompileOptions = {},
): Promise<ContractSide | BrokenSide> {
  // The gate reads a side's errors only: the converters' warnings are not located.
  const compiled = await compileContract(path, readText, identity, { outputs: gateOutputs, warnings: false, ...options });
  const { api, lock: written, numbered, locate, locateAll } = compiled;
  if (!api || !written || !numbered || !locate) return { path, diagnostics: compiled.diagnostics, sources: compiled.sources };
  // The lock file as committed (a lock handed over by another compile stands for it), or as
  // written when there is none: for the positions of lock findings, parsed when the first needs it.
  const committed = options.lock ? undefined : readText(written.path);
  const handed = options.lock;
  let lockSource: SourceFile | undefined;
  return {
    side,
    path,
    identity: compiled.identity,
    api,
    locate,
    ...(locateAll ? { locateAll } : {}),
    // The proto model and lock the compiler numbered (in a lenient compile with the proto names
    // made to fit, as the generated proto has them).
    lock: numbered.lock,
    lockPath: written.path,
    get lockSource() {
      lockSource ??= parseSource(written.path, committed ?? (handed ? writeLock(handed) : written.text)).file;
      return lockSource;
    },
    proto: numbered.proto,
    sources: compiled.sources,
    files: compiled.files,
  };
}

/** Whether a contract failed to compile. */
export function isBroken(side: ContractSide | BrokenSide): side is BrokenSide {
  return 'diagnostics' in side;
}
