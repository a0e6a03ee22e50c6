/**
 * Compiles a staged client package to ES module JavaScript and declarations with the TypeScript
 * compiler API. The sources were type-checked where they were generated, and the package's
 * dependencies need not be installed where it is built, so the emit does not check again.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { StagedFiles } from './stage.ts';

const require = createRequire(import.meta.url);

/** JavaScript and declaration files by path relative to the package's dist/. */
export function compileStaged(files: StagedFiles): Map<string, string> {
  const ts = require('typescript') as typeof import('typescript');
  const root = '/package/src';
  const options: import('typescript').CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    declaration: true,
    rewriteRelativeImportExtensions: true,
    allowImportingTsExtensions: true,
    verbatimModuleSyntax: true,
    noCheck: true,
    skipLibCheck: true,
    noResolve: true,
    noLib: true,
    types: [],
    rootDir: root,
    outDir: '/package/dist',
    newLine: ts.NewLineKind.LineFeed,
  };
  const sources = new Map([...files].map(([path, text]) => [join(root, path), text]));
  const host = ts.createCompilerHost(options);
  const output = new Map<string, string>();
  host.getSourceFile = (fileName, language) => {
    const text = sources.get(fileName);
    return text === undefined ? undefined : ts.createSourceFile(fileName, text, language, true);
  };
  host.fileExists = (fileName) => sources.has(fileName);
  host.readFile = (fileName) => sources.get(fileName);
  host.writeFile = (fileName, text) => void output.set(fileName.slice('/package/dist/'.length), text);
  const program = ts.createProgram([...sources.keys()], options, host);
  const result = program.emit();
  const problems = [...program.getOptionsDiagnostics(), ...program.getSyntacticDiagnostics(), ...result.diagnostics];
  if (problems.length > 0) throw new Error(ts.formatDiagnostics(problems, { getCanonicalFileName: (name) => name, getCurrentDirectory: () => root, getNewLine: () => '\n' }));
  return output;
}
