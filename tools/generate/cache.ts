import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Diagnostic } from '../../src/compiler/diagnostics.ts';
import type { LossReport } from '../../src/compiler/losses.ts';
import { sha256 } from '../../src/runtime/generated.ts';

const require = createRequire(import.meta.url);
const repoRoot = join(import.meta.dirname, '..', '..');

/** What a compilation left behind that a later run can reuse as is. */
export interface CachedCompilation {
  identity: { name: string; version: number };
  files: Array<[string, string]>;
  lock?: { path: string; text: string };
  diagnostics: Diagnostic[];
  report?: LossReport;
  operations: number;
}

interface Entry {
  /** Every file the compilation read (or looked for: null), with the hash of its text. */
  inputs: Array<[string, string | null]>;
  /** The result, each output file by the hash of its text (kept as a file of its own). */
  result: Omit<CachedCompilation, 'files'> & { files: Array<[string, string]> };
}

/** The hash of each text a compilation read (null for a file it looked for and did not find). */
export function inputHashes(read: ReadonlyMap<string, string | undefined>): Map<string, string | null> {
  return new Map([...read].map(([path, text]) => [path, text === undefined ? null : sha256(text)]));
}


let fingerprint: string | undefined;

/**
 * What every cached result depends on besides its inputs: the compiler's own source and the
 * versions of the libraries that print output. Editing the compiler invalidates the whole cache.
 */
export function compilerFingerprint(): string {
  if (fingerprint !== undefined) return fingerprint;
  const hash = createHash('sha256');
  const sources = [join(repoRoot, 'src', 'compiler'), join(repoRoot, 'tools', 'generate')];
  for (const folder of sources) {
    for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true }).filter((file) => file.isFile()).map((file) => join(file.parentPath, file.name)).sort()) {
      hash.update(entry).update(readFileSync(entry));
    }
  }
  // The sources as TypeScript in a checkout, as built JavaScript in an installed package.
  for (const file of ['generate.ts', 'generate.js'].map((name) => join(repoRoot, 'tools', name)).filter((path) => existsSync(path))) hash.update(readFileSync(file));
  // The manifest a server starts from is written there.
  for (const file of ['generated.ts', 'generated.js'].map((name) => join(repoRoot, 'src', 'runtime', name)).filter((path) => existsSync(path))) hash.update(readFileSync(file));
  for (const library of ['openapi-typescript', 'graphql', '@readme/openapi-parser', 'yaml', 'ts-proto', '@bufbuild/protobuf']) hash.update(`${library}@${packageVersion(library)}`);
  fingerprint = hash.digest('hex');
  return fingerprint;
}

// A package that does not export its package.json (@bufbuild/protobuf) has it above its entry point.
function packageVersion(library: string): string {
  for (let folder = dirname(require.resolve(library)); folder !== dirname(folder); folder = dirname(folder)) {
    const manifest = join(folder, 'package.json');
    if (!existsSync(manifest)) continue;
    const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
    if (name === library && version !== undefined) return version;
  }
  throw new Error(`no package.json found for ${library}`);
}

/**
 * A folder of results keyed by what produced them (`.cache/trident` under the root, git-ignored).
 * A compilation is reused only when every file it read still has the same text.
 */
export class CompileCache {
  private readonly folder: string;

  constructor(root: string) {
    this.folder = join(root, '.cache', 'trident');
  }

  private path(kind: string, key: string): string {
    return join(this.folder, kind, `${sha256(`${compilerFingerprint()}\n${key}`)}.json`);
  }

  lookup(key: string, readText: (path: string) => string | undefined): CachedCompilation | undefined {
    const entry = this.read<Entry>(this.path('compile', key));
    if (!entry) return undefined;
    for (const [path, hash] of entry.inputs) {
      const text = readText(path);
      if ((text === undefined ? null : sha256(text)) !== hash) return undefined;
    }
    const files: Array<[string, string]> = [];
    for (const [path, hash] of entry.result.files) {
      const text = this.readBlob(hash);
      if (text === undefined) return undefined;
      files.push([path, text]);
    }
    return { ...entry.result, files };
  }

  /**
   * Keeps a compilation's result. Each output file is written as a file of its own, named by its
   * hash, rather than inside one JSON text: a very large document's outputs (GitHub's: 40 MB)
   * would make that text several times their size in memory.
   */
  store(key: string, inputs: ReadonlyMap<string, string | null>, result: CachedCompilation): void {
    const files = result.files.map(([path, text]): [string, string] => [path, this.writeBlob(text)]);
    const entry: Entry = { inputs: [...inputs], result: { ...result, files } };
    this.write(this.path('compile', key), entry);
  }

  /** The generated gRPC TypeScript of one proto file, keyed by the proto's text. */
  lookupGrpc(protoPath: string, protoText: string): Array<[string, string]> | undefined {
    return this.read<Array<[string, string]>>(this.path('grpc', `${protoPath}\n${protoText}`));
  }

  storeGrpc(protoPath: string, protoText: string, files: Array<[string, string]>): void {
    this.write(this.path('grpc', `${protoPath}\n${protoText}`), files);
  }

  private blobPath(hash: string): string {
    return join(this.folder, 'blobs', hash);
  }

  private writeBlob(text: string): string {
    const hash = sha256(text);
    const path = this.blobPath(hash);
    if (!existsSync(path)) this.writeText(path, text);
    return hash;
  }

  private readBlob(hash: string): string | undefined {
    const path = this.blobPath(hash);
    if (!existsSync(path)) return undefined;
    try {
      const text = readFileSync(path, 'utf8');
      return sha256(text) === hash ? text : undefined;
    } catch {
      return undefined;
    }
  }

  private read<T>(path: string): T | undefined {
    if (!existsSync(path)) return undefined;
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as T;
    } catch {
      return undefined;
    }
  }

  private write(path: string, value: unknown): void {
    this.writeText(path, JSON.stringify(value));
  }

  private writeText(path: string, text: string): void {
    try {
      mkdirSync(dirname(path), { recursive: true });
      const temporary = `${path}.tmp-${process.pid}`;
      writeFileSync(temporary, text);
      renameSync(temporary, path);
    } catch {
      // A cache that cannot be written only costs time.
    }
  }
}
