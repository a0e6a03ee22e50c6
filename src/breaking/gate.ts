import { formatDiagnostic, sortDiagnostics } from '../compiler/diagnostics.ts';
import { linesOf, ownText, scannedText, type SourceText } from '../compiler/source-text.ts';
import { readChangelog, unmatchedAcknowledgements, type Acknowledgement, type ChangelogProblem } from './changelog.ts';
import type { CrosscheckReport } from './crosscheck/model.ts';
import { diffContracts } from './diff.ts';
import { fingerprint } from './diff/context.ts';
import type { Finding } from './model.ts';
import { blocks, judge, type FailOn, type JudgedFinding, type LockPolicy, type Mode } from './policy.ts';
import type { RuleId } from './rules.ts';
import { isBroken, type BrokenSide, type ContractSide } from './side.ts';

/** The contracts of one side (the base or the working tree), keyed by `<api>/v<n>`. */
export interface ContractTree {
  /** How reports name the side: `HEAD~1`, a directory, `working tree`. */
  label: string;
  contracts: ReadonlyMap<string, ContractSide | BrokenSide>;
  /** The text of each version's CHANGELOG.yaml, where there is one. */
  changelogs: ReadonlyMap<string, { path: string; text: string }>;
}

/** A policy problem that is not a change: a previous major version left without a sunset date. */
export interface Violation {
  message: string;
  file: string;
  line: number;
  col: number;
}

/** Something that keeps the gate from judging: a contract that does not compile, a bad changelog. */
export interface Problem {
  /** Printed as is: a diagnostic with its source line, or `file:line:col message`. */
  text: string;
}

/** What the gate found for one API version. */
export interface VersionReport {
  api: string;
  version: number;
  /** The contract path in the revision, or in the base when the version was removed. */
  path: string;
  change: 'changed' | 'unchanged' | 'added' | 'removed';
  mode: Mode;
  /** For a migration guide, the major version it starts from. */
  from?: number;
  findings: JudgedFinding[];
  violations: Violation[];
  crosscheck?: CrosscheckReport;
}

/** Everything the gate found: each API version's report and what kept it from judging. */
export interface GateReport {
  base: string;
  revision: string;
  today: string;
  versions: VersionReport[];
  problems: Problem[];
  /** False when there is no changelog to acknowledge a change in (two documents compared). */
  acknowledgeable: boolean;
}

/** `pass`, `fail` (something blocks) or `error` (the gate could not judge). */
export function outcomeOf(report: GateReport): 'pass' | 'fail' | 'error' {
  if (report.problems.length > 0) return 'error';
  return report.versions.some((version) => blocks(version.findings) || version.violations.length > 0) ? 'fail' : 'pass';
}

const keyOf = (api: string, version: number): string => `${api}/v${version}`;

/** How the gate treats lock changes that move numbers on the wire. */
export interface GateOptions {
  /** Let the changelog acknowledge them (by default they fail with the advice to restore the lock). */
  acceptRenumbering?: boolean;
  /** The command that restores a lock file from the base; by default `git checkout <base> -- <path>`. */
  restoreLock?: (path: string) => string;
  /** Fail on dangerous changes too, not only on breaking ones. */
  failOn?: FailOn;
  /** Whether CHANGELOG.yaml files can acknowledge changes (by default they can). */
  acknowledgeable?: boolean;
}

/**
 * Compares every API version of the revision with the base: a version in both is diffed and
 * gated; a new major version is diffed against the previous major as a migration guide (and that
 * one must carry a sunset date); a removed version is allowed only after its sunset date.
 */
export function runGate(base: ContractTree, revision: ContractTree, today: string, options: GateOptions = {}): GateReport {
  const restore = options.restoreLock ?? ((path: string) => `git checkout ${base.label} -- ${path}`);
  const lockPolicy = (path: string): LockPolicy => ({ restore: restore(path), acceptRenumbering: options.acceptRenumbering === true });
  const failOn = options.failOn ?? 'breaking';
  const report: GateReport = { base: base.label, revision: revision.label, today, versions: [], problems: [], acknowledgeable: options.acknowledgeable !== false };
  for (const tree of [base, revision]) {
    for (const side of tree.contracts.values()) {
      if (!isBroken(side)) continue;
      const diagnostics = sortDiagnostics(side.diagnostics).filter((entry) => entry.severity === 'error');
      report.problems.push({ text: `${side.path} does not compile in ${tree.label}:\n${diagnostics.map((entry) => formatDiagnostic(entry, side.sources.get(entry.file))).join('\n')}` });
    }
  }
  const keys = [...new Set([...base.contracts.keys(), ...revision.contracts.keys()])].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  for (const key of keys) {
    const before = base.contracts.get(key);
    const after = revision.contracts.get(key);
    if ((before && isBroken(before)) || (after && isBroken(after))) continue;
    if (before && after) {
      const acknowledgements = acknowledgementsOf(revision, key, report);
      const compared = compareVersion(before, after, acknowledgements, today, lockPolicy(before.lockPath), failOn);
      report.versions.push(compared);
      // The base's entries acknowledge earlier changes; read quietly, its mistakes are not this change's.
      const earlier = acknowledgementsOf(base, key, { problems: [] });
      for (const problem of unmatchedAcknowledgements(acknowledgements, earlier, compared.findings)) report.problems.push(problemOf(problem));
    }
    else if (after) report.versions.push(addedVersion(after, revision));
    else if (before) report.versions.push(removedVersion(before, today));
  }
  return report;
}

function compareVersion(base: ContractSide, revision: ContractSide, acknowledgements: Acknowledgement[], today: string, lock: LockPolicy, failOn: FailOn): VersionReport {
  const { name, version } = revision.identity;
  const unchanged = sameSources(base, revision);
  const findings = unchanged ? [] : judge(withExcerpts(diffContracts(base, revision), base, revision), 'gate', acknowledgements, today, lock, failOn);
  return { api: name, version, path: revision.path, change: unchanged ? 'unchanged' : 'changed', mode: 'gate', findings, violations: [] };
}

// A new major version is a migration from the previous one, which must now announce its end.
function addedVersion(revision: ContractSide, tree: ContractTree): VersionReport {
  const { name, version } = revision.identity;
  const previous = [...tree.contracts.values()]
    .filter((side): side is ContractSide => !isBroken(side) && side.identity.name === name && side.identity.version < version)
    .sort((a, b) => b.identity.version - a.identity.version)[0];
  const report: VersionReport = { api: name, version, path: revision.path, change: 'added', mode: 'gate', findings: [], violations: [] };
  if (!previous) {
    report.findings = judge([versionFinding(revision, 'version-added', `${name} v${version} is added`)], 'gate', [], '');
    return report;
  }
  report.mode = 'migration';
  report.from = previous.identity.version;
  report.findings = judge(withExcerpts(diffContracts(previous, revision), previous, revision), 'migration', [], '');
  if (previous.api.sunset === undefined) {
    report.violations.push({
      message: `${name} v${previous.identity.version} must carry a sunset date now that v${version} replaces it: add \`x-sunset: 'YYYY-MM-DD'\` (and \`deprecated\` operations) to its info`,
      file: previous.path,
      ...lineOf(previous, '/info'),
    });
  }
  return report;
}

function removedVersion(base: ContractSide, today: string): VersionReport {
  const { name, version } = base.identity;
  const finding = versionFinding(base, 'version-removed', `${name} v${version} was removed`);
  const findings = judge([{ ...finding, ...(base.api.sunset !== undefined ? { baseSunset: base.api.sunset } : {}) }], 'gate', [], today);
  return { api: name, version, path: base.path, change: 'removed', mode: 'gate', findings, violations: [] };
}

function versionFinding(side: ContractSide, rule: RuleId, message: string): Finding<RuleId> {
  const scope = keyOf(side.identity.name, side.identity.version);
  return {
    rule,
    subject: scope,
    message,
    location: { side: side.side, file: side.path, ...lineOf(side, '/info'), pointer: '/info' },
    subjects: {},
    fingerprint: fingerprint(scope, rule, scope),
  };
}

function lineOf(side: ContractSide, pointer: string): { line: number; col: number } {
  const { line, col } = side.locate(pointer);
  return { line, col };
}

function acknowledgementsOf(tree: ContractTree, key: string, report: Pick<GateReport, 'problems'>): Acknowledgement[] {
  const changelog = tree.changelogs.get(key);
  if (!changelog) return [];
  const { acknowledgements, problems } = readChangelog(changelog.path, changelog.text);
  for (const problem of problems) report.problems.push(problemOf(problem));
  return acknowledgements;
}

function problemOf(problem: ChangelogProblem): Problem {
  return { text: `${problem.file}:${problem.line}:${problem.col} ${problem.message}${problem.hint !== undefined ? `\n  hint: ${problem.hint}` : ''}` };
}

function sameSources(base: ContractSide, revision: ContractSide): boolean {
  if (base.sources.size !== revision.sources.size) return false;
  for (const [path, text] of base.sources) if (!sameText(text, revision.sources.get(path))) return false;
  return true;
}

// Equal one-byte forms may still differ in their own text (an escape written in the file where
// the other has the character), which a line quoted from them would show.
function sameText(base: SourceText, revision: SourceText | undefined): boolean {
  if (revision === undefined) return false;
  if (typeof base === 'string' && typeof revision === 'string') return base === revision;
  return scannedText(base) === scannedText(revision) && ownText(base) === ownText(revision);
}

// The source line of each finding, read from the side it points into: the lines wanted of each
// file are found in one pass over its text, up to the last of them.
function withExcerpts(findings: Array<Finding<RuleId>>, base: ContractSide, revision: ContractSide): Array<Finding<RuleId>> {
  const textOf = (finding: Finding<RuleId>): SourceText | undefined => {
    const side = finding.location.side === 'base' ? base : revision;
    return side.sources.get(finding.location.file) ?? (finding.location.file === side.lockPath ? side.lockSource?.text : undefined);
  };
  const fileOf = (finding: Finding<RuleId>): string => `${finding.location.side}:${finding.location.file}`;
  const wanted = new Map<string, { text: SourceText; lines: Set<number> }>();
  for (const finding of findings) {
    const file = fileOf(finding);
    const entry = wanted.get(file) ?? (() => {
      const text = textOf(finding);
      return text === undefined ? undefined : { text, lines: new Set<number>() };
    })();
    if (!entry) continue;
    entry.lines.add(finding.location.line);
    wanted.set(file, entry);
  }
  const excerpts = new Map<string, Map<number, string>>();
  for (const [file, { text, lines }] of wanted) excerpts.set(file, linesOf(text, lines));
  return findings.map((finding) => {
    const line = excerpts.get(fileOf(finding))?.get(finding.location.line);
    return line === undefined ? finding : { ...finding, excerpt: line.trimEnd() };
  });
}
