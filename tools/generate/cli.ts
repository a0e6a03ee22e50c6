import { parseArgs } from 'node:util';
import type { ValidationPolicy } from '../../src/compiler/build-ir.ts';
import type { GenerateOptions } from '../generate.ts';
import { UsageError } from '../usage-error.ts';
import { terminalProgress } from './progress.ts';
import { generateTargets, wants, type GenerateTarget } from './targets.ts';
import { isLargeDocument, typesThread } from './types.ts';

/**
 * `trident generate ...`: parses the arguments and runs `generate` (or `watchGenerate`). A wrong
 * argument throws (a `UsageError`, or `parseArgs`' own error), which the command line prints with the usage.
 * The thread that loads openapi-typescript starts before the compiler loads, so the two load on
 * two cores; when every document comes from the cache it is left unused.
 */
export async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      check: { type: 'boolean' },
      verbose: { type: 'boolean' },
      out: { type: 'string' },
      watch: { type: 'boolean' },
      report: { type: 'string' },
      'report-file': { type: 'string' },
      only: { type: 'string' },
      lock: { type: 'string' },
      name: { type: 'string' },
      'api-version': { type: 'string' },
      validate: { type: 'boolean' },
      'no-validate': { type: 'boolean' },
      strict: { type: 'boolean' },
      'no-cache': { type: 'boolean' },
    },
  });
  const report = values.report ?? 'text';
  const only = values.only?.split(',').map((target) => target.trim()) as GenerateTarget[] | undefined;
  const unknownTarget = only?.find((target) => !generateTargets.includes(target));
  const version = values['api-version'] === undefined ? undefined : Number(values['api-version']);
  const problems = [
    report !== 'text' && report !== 'json' ? `--report takes text or json, not '${report}'` : '',
    unknownTarget !== undefined ? `--only takes a list of ${generateTargets.join(', ')}, not '${unknownTarget}'` : '',
    version !== undefined && !/^\d+$/.test(values['api-version'] ?? '') ? `--api-version takes a whole number, not '${values['api-version']}'` : '',
    values.name !== undefined && !/^[a-z][a-z0-9_]*$/.test(values.name) ? `--name takes a snake_case name starting with a letter, not '${values.name}'` : '',
    values.validate && values['no-validate'] ? '--validate and --no-validate exclude each other' : '',
  ].filter(Boolean);
  if (problems.length > 0) throw new UsageError(problems.join('; '));
  // With --report json the report is the output: everything else goes to stderr.
  const log = report === 'json' ? (line: string) => console.error(line) : (line: string) => console.log(line);
  const validate: ValidationPolicy | undefined = values.validate ? 'always' : values['no-validate'] ? 'never' : undefined;
  // The types' thread loads while the documents compile, unless one is large enough for its types
  // to be written after its compile (see largeDocument).
  if (wants(only, 'types') && !positionals.some(isLargeDocument)) typesThread().start();
  return run({
    root: process.cwd(),
    ...(positionals.length > 0 ? { contracts: positionals } : {}),
    ...(values.out !== undefined ? { outDir: values.out } : {}),
    check: values.check === true,
    verbose: values.verbose === true,
    log,
    // Findings are not the output: standard error, whatever --report says.
    diagnosticLog: (line: string) => console.error(line),
    ...(values.lock !== undefined ? { lock: values.lock } : {}),
    ...(values.name !== undefined ? { name: values.name } : {}),
    ...(version !== undefined ? { apiVersion: version } : {}),
    ...(validate !== undefined ? { validate } : {}),
    strict: values.strict === true,
    ...(only !== undefined ? { only } : {}),
    ...(values['report-file'] !== undefined ? { reportFile: values['report-file'] } : {}),
    cache: values['no-cache'] !== true,
    progress: terminalProgress(process.stderr),
  }, values.watch === true, report);
}

// The compiler loads here, once the types thread has started.
async function run(options: GenerateOptions, watch: boolean, report: string): Promise<number> {
  if (watch) {
    const { watchGenerate } = await import('./watch.ts');
    const controller = new AbortController();
    process.once('SIGINT', () => controller.abort());
    process.once('SIGTERM', () => controller.abort());
    await watchGenerate(options, controller.signal);
    return 0;
  }
  const { generate } = await import('../generate.ts');
  const result = await generate(options);
  if (report === 'json') console.log(JSON.stringify({ documents: result.reports }, null, 2));
  return result.ok ? 0 : 1;
}
