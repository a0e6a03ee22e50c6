import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { compileContract } from '../../src/compiler/compile.ts';
import { formatDiagnostic, sortDiagnostics } from '../../src/compiler/diagnostics.ts';

/** The folder of golden cases: `<case>/input/openapi.yaml`, expected `<case>/output/`, `<case>/diagnostics.txt`. */
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
 * Compiles a case as the API `fixture` v1 and returns every file the case should hold besides its
 * input: the emitters' outputs and the lock under `output/`, and `diagnostics.txt` when there are any.
 */
export async function renderCase(name: string): Promise<Map<string, string>> {
  const caseDir = join(fixturesRoot, name);
  const readText = (path: string): string | undefined => {
    const full = join(caseDir, path);
    return existsSync(full) ? readFileSync(full, 'utf8') : undefined;
  };
  const compiled = await compileContract('input/openapi.yaml', readText, { name: 'fixture', version: 1 });
  const files = new Map<string, string>();
  for (const [path, text] of compiled.files) files.set(`output/${path.split('/').at(-1) ?? path}`, text);
  if (compiled.lock) files.set('output/proto.lock.json', compiled.lock.text);
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
