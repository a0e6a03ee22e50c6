import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { ApiIdentity } from '../../src/compiler/build-ir.ts';
import { identityOf } from '../../src/compiler/compile.ts';

/** One document to compile: one of this repository's contracts, or a foreign OpenAPI document. */
export interface GenerateInput {
  /** As given (relative to the root, or absolute); diagnostics name it so. */
  path: string;
  /** `contracts/<api>/v<major>/openapi.yaml` of a repository: strict rules, lock beside it. */
  contract: boolean;
}

export { discoverContracts } from '../../src/config/contracts.ts';

const documentExtension = /\.(ya?ml|json)$/i;
const skippedFolders = new Set(['node_modules', 'generated']);

/**
 * The documents named on the command line: a file is compiled as given; a folder contributes
 * every `.yaml`, `.yml` and `.json` file beneath it that starts like an OpenAPI 3 document (a
 * top-level `openapi` key), in path order, leaving out dot-folders, node_modules and `exclude`.
 */
export function resolveInputs(root: string, paths: readonly string[], exclude: readonly string[] = [], contracts = 'contracts'): GenerateInput[] {
  const inputs: GenerateInput[] = [];
  const seen = new Set<string>();
  const excluded = new Set(exclude.map((path) => resolve(root, path)));
  const add = (path: string): void => {
    const absolute = resolve(root, path);
    if (seen.has(absolute)) return;
    seen.add(absolute);
    inputs.push({ path, contract: identityOf(path.split(sep).join('/'), contracts) !== undefined });
  };
  for (const path of paths) {
    const absolute = resolve(root, path);
    if (existsSync(absolute) && statSync(absolute).isDirectory()) {
      for (const file of listDocuments(absolute, excluded)) add(toDisplayPath(root, path, absolute, file));
    } else {
      add(path);
    }
  }
  return inputs;
}

function listDocuments(directory: string, excluded: ReadonlySet<string>): string[] {
  const found: string[] = [];
  const walk = (folder: string): void => {
    if (excluded.has(folder)) return;
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && !skippedFolders.has(entry.name)) walk(full);
      } else if (documentExtension.test(entry.name) && !entry.name.endsWith('.lock.json') && looksLikeOpenapi(full)) {
        found.push(full);
      }
    }
  };
  walk(directory);
  return found;
}

// A cheap look at the first few kilobytes: an `openapi` key at the top level of YAML or JSON.
function looksLikeOpenapi(path: string): boolean {
  const head = readFileSync(path, 'utf8').slice(0, 4096);
  return /^openapi\s*:/m.test(head) || /^\s*\{[\s\S]*?"openapi"\s*:/.test(head);
}

// Files found in a folder are named relative to the root when the folder was given so.
function toDisplayPath(root: string, given: string, absoluteFolder: string, file: string): string {
  const inside = relative(absoluteFolder, file);
  const folder = given.startsWith('/') ? absoluteFolder : relative(root, absoluteFolder);
  return (folder === '' ? inside : join(folder, inside)).split(sep).join('/');
}

/** Where `generate` keeps the proto lock of a document outside the contracts folder. */
export function foreignLockPath(outDir: string, identity: ApiIdentity): string {
  return `${outDir.replace(/\/+$/, '')}/locks/${identity.name}/v${identity.version}/proto.lock.json`;
}
