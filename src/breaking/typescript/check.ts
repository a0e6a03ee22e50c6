/**
 * Runs the TypeScript compiler over probes, all in one program, and says which fail and why. The
 * program is self-contained: a few lines stand in for the standard library (the probes use only
 * objects, arrays, literals and comparisons), so checking a hundred probes takes milliseconds
 * after the compiler has loaded.
 */
import { createRequire } from 'node:module';
import type * as TypeScript from 'typescript';

/** The least of a standard library that the checker needs to type arrays, literals and functions. */
const library = [
  'interface Array<T> { length: number; [index: number]: T }',
  'interface Boolean {}',
  'interface CallableFunction {}',
  'interface Function {}',
  'interface IArguments {}',
  'interface NewableFunction {}',
  'interface Number {}',
  'interface Object {}',
  'interface RegExp {}',
  'interface String {}',
].join('\n');

let compiler: typeof TypeScript | undefined;

// Loaded on the first diff that has probes: most runs of the gate never need it.
function typescript(): typeof TypeScript {
  compiler ??= createRequire(import.meta.url)('typescript') as typeof TypeScript;
  return compiler;
}

/**
 * Checks each probe (statements) after the prelude (declarations). The result has, for each probe
 * that does not compile, the compiler's first message about it, by index.
 */
export function checkProbes(prelude: string, probes: readonly string[]): Map<number, string> {
  const failures = new Map<number, string>();
  if (probes.length === 0) return failures;
  const ts = typescript();
  const starts: number[] = [];
  let text = `${prelude}\n`;
  for (const probe of probes) {
    starts.push(text.length);
    text += `${probe}\n`;
  }
  const files = new Map([
    ['/probes/lib.d.ts', library],
    ['/probes/probes.ts', text],
  ]);
  const options: TypeScript.CompilerOptions = { noLib: true, strict: true, noEmit: true, types: [], target: ts.ScriptTarget.ES2022, noUnusedLocals: false };
  const host: TypeScript.CompilerHost = {
    getSourceFile: (name, version) => {
      const content = files.get(name);
      return content === undefined ? undefined : ts.createSourceFile(name, content, version);
    },
    getDefaultLibFileName: () => '/probes/lib.d.ts',
    writeFile: () => undefined,
    getCurrentDirectory: () => '/probes',
    getCanonicalFileName: (name) => name,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    fileExists: (name) => files.has(name),
    readFile: (name) => files.get(name),
    getDirectories: () => [],
  };
  const program = ts.createProgram({ rootNames: [...files.keys()], options, host });
  const source = program.getSourceFile('/probes/probes.ts');
  const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
  for (const diagnostic of diagnostics) {
    const start = diagnostic.start ?? 0;
    const message = describe(diagnostic.messageText);
    if (start < (starts[0] ?? 0)) throw new Error(`the TypeScript probes' declarations do not compile: ${message}`);
    const index = upperBound(starts, start) - 1;
    if (!failures.has(index)) failures.set(index, message);
  }
  return failures;
}

// The compiler's first and most specific sentence, without the probes' own scaffolding (the
// brands of opaque types, the property that makes an object type refuse unknown ones).
function describe(text: string | TypeScript.DiagnosticMessageChain): string {
  const chain: string[] = [];
  for (let link: string | TypeScript.DiagnosticMessageChain | undefined = text; link !== undefined; link = typeof link === 'string' ? undefined : link.next?.[0]) {
    chain.push(typeof link === 'string' ? link : link.messageText);
  }
  const head = chain[0] ?? '';
  const tail = chain.at(-1) ?? head;
  const sentences = tail === head || tail.includes('__') ? [head] : [head, tail];
  return sentences
    .join(' ')
    .replace(/ ?__probe\?: undefined;/g, '').replace(/\{ \}/g, '{}')
    .replace(/\bOpaque_/g, '');
}

// The number of entries of a sorted list that are at most `value`.
function upperBound(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((sorted[middle] ?? 0) <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}
