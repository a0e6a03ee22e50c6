import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The repository root, where `node_modules/.bin/tsc` and the package's own exports are. */
export const repoRoot = join(import.meta.dirname, '..', '..');

/**
 * The compiler options of a fresh `npm create vite` TypeScript app: `template-vanilla-ts/tsconfig.json`
 * of create-vite 9.3.0, word for word, plus what its TypeScript (7) does by default and the
 * TypeScript of this repository (5.9) must be told: `strict`, `noUncheckedSideEffectImports`, and a
 * `DOM` library that holds the iterable DOM types.
 */
export const viteAppOptions = {
  target: 'es2023',
  module: 'esnext',
  lib: ['ES2023', 'DOM', 'DOM.Iterable', 'DOM.AsyncIterable'],
  types: ['vite/client'],
  allowArbitraryExtensions: true,
  skipLibCheck: true,
  moduleResolution: 'bundler',
  allowImportingTsExtensions: true,
  verbatimModuleSyntax: true,
  moduleDetection: 'force',
  noEmit: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  erasableSyntaxOnly: true,
  noFallthroughCasesInSwitch: true,
  strict: true,
  noUncheckedSideEffectImports: true,
} as const;

/**
 * The same app's options for code that runs on Node (the create-vite templates'
 * `tsconfig.node.json`): Node's module resolution and types, no DOM. The gRPC client and the
 * server interfaces are Node code.
 */
export const nodeAppOptions = {
  ...viteAppOptions,
  module: 'nodenext',
  moduleResolution: 'nodenext',
  lib: ['ES2023'],
  types: ['node'],
} as const;

/**
 * Type-checks `files` as part of an app with `options`, from a tsconfig in a scratch folder under
 * `.tmp/` (inside the repository, so that `trident/...` imports resolve through this package's
 * exports; the `trident-source` condition picks its TypeScript sources, as nothing is built).
 * Returns tsc's diagnostics, one a line; none when everything compiles.
 */
export function typecheckAsApp(name: string, options: Record<string, unknown>, files: readonly string[]): string[] {
  const root = join(repoRoot, '.tmp', `${name}-${process.pid}`);
  mkdirSync(root, { recursive: true });
  try {
    const tsconfig = { compilerOptions: { ...options, customConditions: ['trident-source'] }, files: files.map((file) => relative(root, file)) };
    writeFileSync(join(root, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
    try {
      execFileSync(join(repoRoot, 'node_modules/.bin/tsc'), ['-p', join(root, 'tsconfig.json'), '--pretty', 'false'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
      return [];
    } catch (error) {
      const output = String((error as { stdout?: Buffer }).stdout ?? '') + String((error as { stderr?: Buffer }).stderr ?? '');
      const lines = output.split('\n').filter((line) => line.trim() !== '');
      return lines.length > 0 ? lines : [String(error)];
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
