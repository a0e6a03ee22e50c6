import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { compileContract } from '../../src/compiler/compile.ts';
import { formatDiagnostic, sortDiagnostics } from '../../src/compiler/diagnostics.ts';
import { foreignIdentity } from '../../src/compiler/identity.ts';
import { buildLossReport } from '../../src/compiler/losses.ts';

/**
 * The folder of golden cases: `<case>/input/openapi.yaml`, expected `<case>/output/`, `<case>/diagnostics.txt`.
 * A case named `foreign-*` is compiled as a document from outside contracts/: derived names and
 * identity, clashes renamed with warnings, no server interface.
 */
export const fixturesRoot = join(import.meta.dirname, '..', 'fixtures');

/** Set to re-record every case's expected output from the current compiler. */
export const recording = process.env.TRIDENT_RECORD === '1';

export function listCases(): string[] {
  return readdirSync(fixturesRoot, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/**
 * Compiles a case as the API `fixture` v1 (a `foreign-*` case under the identity derived from its
 * document) and returns every file the case should hold besides its input: the emitters' outputs,
 * the lock and the lossiness report (`report.json`, when anything was lost) under `output/`, and
 * `diagnostics.txt` when there are any.
 */
export async function renderCase(name: string): Promise<Map<string, string>> {
  const caseDir = join(fixturesRoot, name);
  const readText = (path: string): string | undefined => {
    const full = join(caseDir, path);
    return existsSync(full) ? readFileSync(full, 'utf8') : undefined;
  };
  const path = 'input/openapi.yaml';
  const compiled = name.startsWith('foreign-')
    ? await compileContract(path, readText, (document) => foreignIdentity(path, document), { lenient: true, outputs: ['openapi', 'graphql', 'proto', 'types', 'clients'] })
    : await compileContract(path, readText, { name: 'fixture', version: 1 });
  const files = new Map<string, string>();
  for (const [output, text] of compiled.files) files.set(`output/${output.split('/').at(-1) ?? output}`, text);
  if (compiled.lock) files.set('output/proto.lock.json', compiled.lock.text);
  if (compiled.locateAll && compiled.files.size > 0 && compiled.losses.length > 0) {
    const report = buildLossReport(path, compiled.identity, compiled.losses, compiled.locateAll);
    files.set('output/report.json', `${JSON.stringify(report, null, 2)}\n`);
  }
  const diagnostics = sortDiagnostics(compiled.diagnostics);
  if (diagnostics.length > 0) {
    files.set('diagnostics.txt', `${diagnostics.map((entry) => formatDiagnostic(entry, compiled.sources.get(entry.file))).join('\n\n')}\n`);
  }
  return files;
}

/** The files a case holds now, except its input. */
export function readCase(name: string): Map<string, string> {
  const caseDir = join(fixturesRoot, name);
  const files = new Map<string, string>();
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const full = join(directory, entry.name);
      const path = relative(caseDir, full).split(sep).join('/');
      if (path === 'input' || path.startsWith('input/')) continue;
      if (entry.isDirectory()) walk(full);
      else files.set(path, readFileSync(full, 'utf8'));
    }
  };
  walk(caseDir);
  return files;
}

/** Replaces a case's expected files with `files`. */
export function recordCase(name: string, files: ReadonlyMap<string, string>): void {
  const caseDir = join(fixturesRoot, name);
  rmSync(join(caseDir, 'output'), { recursive: true, force: true });
  rmSync(join(caseDir, 'diagnostics.txt'), { force: true });
  for (const [path, text] of files) {
    mkdirSync(dirname(join(caseDir, path)), { recursive: true });
    writeFileSync(join(caseDir, path), text);
  }
}
