import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { compileContract, identityOf } from '../compiler/compile.ts';
import { formatDiagnostic, hasErrors } from '../compiler/diagnostics.ts';
import type { Api } from '../compiler/ir.ts';
import { discoverContracts, loadConfig, type TridentConfig } from '../config/index.ts';

/** An API version ready to serve: its IR and the texts of its generated layers. */
export interface LoadedApi {
  key: string;
  api: Api;
  sdl: string;
  /** Generated proto files by their path inside `generated/proto`. */
  protos: Map<string, string>;
  openapi: string;
}

/**
 * Compiles every contract of the project at `root` in memory (its contracts folder and proto
 * package from the configuration); a contract with errors stops the start.
 */
export async function loadApis(root: string, config: TridentConfig = loadConfig(root)): Promise<LoadedApi[]> {
  const readText = projectReader(root);
  const loaded: LoadedApi[] = [];
  for (const path of discoverContracts(root, config.contracts)) {
    const found = identityOf(path, config.contracts);
    if (!found) continue;
    const identity = { ...found, protoPackage: config.protoPackage };
    // Only what a server reads: the TypeScript outputs (and openapi-typescript with them) stay unloaded.
    const compiled = await compileContract(path, readText, identity, { outputs: ['openapi', 'graphql', 'proto'] });
    if (!compiled.api || hasErrors(compiled.diagnostics)) {
      const errors = compiled.diagnostics.filter((entry) => entry.severity === 'error').map((entry) => formatDiagnostic(entry, compiled.sources.get(entry.file)));
      throw new Error(`${path} does not compile:\n${errors.join('\n')}`);
    }
    const protos = new Map<string, string>();
    let sdl = '';
    let openapi = '';
    for (const [file, text] of compiled.files) {
      if (file.startsWith('proto/')) protos.set(file.slice('proto/'.length), text);
      if (file.startsWith('graphql/')) sdl = text;
      if (file.startsWith('openapi/')) openapi = text;
    }
    loaded.push({ key: `${identity.name}/v${identity.version}`, api: compiled.api, sdl, protos, openapi });
  }
  return loaded;
}

/** Reads a file by its path from the project root: its text, or undefined where there is none. */
export function projectReader(root: string): (path: string) => string | undefined {
  return (path) => {
    try {
      return readFileSync(join(root, path), 'utf8');
    } catch {
      return undefined;
    }
  };
}

/** The generated proto files of some API versions, written to a scratch folder for loaders that read files. */
export interface ProtoTree {
  dir: string;
  files: string[];
  dispose(): void;
}

export function writeProtoTree(apis: readonly LoadedApi[]): ProtoTree {
  const dir = mkdtempSync(join(tmpdir(), 'trident-proto-'));
  const files: string[] = [];
  for (const api of apis) {
    for (const [path, text] of api.protos) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
      files.push(path);
    }
  }
  return { dir, files, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** proto-loader's options everywhere in Trident: proto field names, enums by name, int64 as strings. */
export const protoLoaderOptions = { keepCase: true, longs: String, enums: String, defaults: false, oneofs: true } as const;
