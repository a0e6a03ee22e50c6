import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { createRequire } from 'node:module';
import { compileContract, identityOf, type CompiledContract } from '../src/compiler/compile.ts';
import { formatDiagnostic, hasErrors, sortDiagnostics, type Diagnostic } from '../src/compiler/diagnostics.ts';

const require = createRequire(import.meta.url);

export interface GenerateOptions {
  /** The repository root; contracts and `generated/` are found beneath it. */
  root: string;
  /** Contract files to compile; by default every `contracts/<api>/v<major>/openapi.yaml`. */
  contracts?: string[];
  /** Where the output goes, relative to the root. */
  outDir?: string;
  /** Compare with what is on disk instead of writing. */
  check?: boolean;
  /** Print info-level diagnostics too. */
  verbose?: boolean;
  log?: (line: string) => void;
}

export interface GenerateResult {
  ok: boolean;
  diagnostics: Diagnostic[];
  /** Files that `--check` found missing, changed or extra (relative to the root). */
  stale: string[];
  written: number;
}

/** Finds `contracts/<api>/v<major>/openapi.yaml` under the root, in a stable order. */
export function discoverContracts(root: string): string[] {
  const base = join(root, 'contracts');
  if (!existsSync(base)) return [];
  const found: string[] = [];
  for (const api of readdirSync(base).sort()) {
    const apiDir = join(base, api);
    if (!statSync(apiDir).isDirectory()) continue;
    for (const version of readdirSync(apiDir).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))) {
      const candidate = join('contracts', api, version, 'openapi.yaml');
      if (/^v\d+$/.test(version) && existsSync(join(root, candidate))) found.push(candidate.split(sep).join('/'));
    }
  }
  return found;
}

/**
 * Compiles every contract and writes `generated/` and the locks, or with `check` reports what is
 * stale. On any error nothing is written: the whole output is built in memory first and then
 * swapped in as one directory.
 */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const root = resolve(options.root);
  const outDir = options.outDir ?? 'generated';
  const contracts = options.contracts ?? discoverContracts(root);
  const readText = (path: string): string | undefined => {
    try {
      return readFileSync(join(root, path), 'utf8');
    } catch {
      return undefined;
    }
  };

  const compiled: CompiledContract[] = [];
  for (const path of contracts) {
    const identity = identityOf(path) ?? { name: 'api', version: 1 };
    compiled.push(await compileContract(path, readText, identity));
  }
  const diagnostics = sortDiagnostics(compiled.flatMap((entry) => entry.diagnostics));
  const sources = new Map(compiled.flatMap((entry) => [...entry.sources]));
  for (const entry of diagnostics) {
    if (entry.severity !== 'info' || options.verbose) log(formatDiagnostic(entry, sources.get(entry.file)));
  }
  if (hasErrors(diagnostics)) {
    const count = diagnostics.filter((entry) => entry.severity === 'error').length;
    log(`${count} error${count === 1 ? '' : 's'}; nothing was written.`);
    return { ok: false, diagnostics, stale: [], written: 0 };
  }

  const files = new Map<string, string>();
  for (const entry of compiled) for (const [path, text] of entry.files) files.set(path, text);
  for (const [path, text] of generateGrpcTypescript(files)) files.set(path, text);
  const locks = new Map(compiled.flatMap((entry) => (entry.lock ? [[entry.lock.path, entry.lock.text] as const] : [])));

  if (options.check) {
    const stale = findStale(root, outDir, files, locks);
    for (const path of stale) log(`stale: ${path}`);
    if (stale.length > 0) log(`${stale.length} generated file${stale.length === 1 ? ' is' : 's are'} out of date; run \`npm run generate\` and commit the result.`);
    else log(`generated/ and ${locks.size} lock file${locks.size === 1 ? '' : 's'} are up to date (${files.size} files).`);
    return { ok: stale.length === 0, diagnostics, stale, written: 0 };
  }
  swapDirectory(join(root, outDir), files);
  for (const [path, text] of locks) writeIfChanged(join(root, path), text);
  log(`wrote ${files.size} files to ${outDir}/ from ${compiled.length} contract${compiled.length === 1 ? '' : 's'}.`);
  return { ok: true, diagnostics, stale: [], written: files.size };
}

// ts-proto runs as a local buf plugin over the proto files, in a scratch directory.
function generateGrpcTypescript(files: ReadonlyMap<string, string>): Map<string, string> {
  const protos = [...files].filter(([path]) => path.startsWith('proto/'));
  const output = new Map<string, string>();
  if (protos.length === 0) return output;
  const scratch = mkdtempSync(join(tmpdir(), 'trident-buf-'));
  try {
    for (const [path, text] of protos) writeFileEnsuringDir(join(scratch, path), text);
    const template = {
      version: 'v2',
      plugins: [{
        local: [process.execPath, require.resolve('ts-proto/protoc-gen-ts_proto')],
        out: 'grpc',
        include_imports: true,
        opt: ['outputServices=grpc-js', 'env=node', 'esModuleInterop=true', 'forceLong=string', 'useDate=string', 'importSuffix=.js', 'enumsAsLiterals=true'],
      }],
    };
    execFileSync(bufBinary(), ['generate', join(scratch, 'proto'), '--template', JSON.stringify(template), '-o', scratch], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const path of listFiles(join(scratch, 'grpc'))) {
      output.set(`ts/grpc/${relative(join(scratch, 'grpc'), path).split(sep).join('/')}`, readFileSync(path, 'utf8'));
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return output;
}

/** The buf binary shipped in the `@bufbuild/buf` npm package. */
export function bufBinary(): string {
  return join(dirname(require.resolve('@bufbuild/buf/package.json')), 'bin', 'buf');
}

function findStale(root: string, outDir: string, files: ReadonlyMap<string, string>, locks: ReadonlyMap<string, string>): string[] {
  const stale: string[] = [];
  const onDisk = new Set(listFiles(join(root, outDir)).map((path) => relative(join(root, outDir), path).split(sep).join('/')));
  for (const [path, text] of files) {
    if (!onDisk.has(path)) stale.push(`${outDir}/${path} (missing)`);
    else if (readFileSync(join(root, outDir, path), 'utf8') !== text) stale.push(`${outDir}/${path} (changed)`);
  }
  for (const path of onDisk) if (!files.has(path)) stale.push(`${outDir}/${path} (not generated by any contract)`);
  for (const [path, text] of locks) {
    const current = existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : undefined;
    if (current !== text) stale.push(`${path} (${current === undefined ? 'missing' : 'changed'})`);
  }
  return stale.sort();
}

// Builds the new tree beside the old one, then renames: a failure leaves the old tree whole.
function swapDirectory(target: string, files: ReadonlyMap<string, string>): void {
  const staging = `${target}.staging-${process.pid}`;
  const retired = `${target}.retired-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  for (const [path, text] of files) writeFileEnsuringDir(join(staging, path), text);
  if (existsSync(target)) renameSync(target, retired);
  renameSync(staging, target);
  rmSync(retired, { recursive: true, force: true });
}

function writeIfChanged(path: string, text: string): void {
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return;
  const temporary = `${path}.tmp-${process.pid}`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

function writeFileEnsuringDir(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

function listFiles(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}
