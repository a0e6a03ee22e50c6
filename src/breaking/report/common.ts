import { changelogFileName } from '../changelog.ts';
import type { GateReport, VersionReport } from '../gate.ts';
import { outcomeOf } from '../gate.ts';
import { targetLabels, targets, type SourceLocation } from '../model.ts';
import type { JudgedFinding, Status } from '../policy.ts';

/** What every report format shares: ordering, counts, and the sentences that explain the outcome. */

const statusOrder: Status[] = ['fail', 'acknowledged', 'retired', 'warning', 'migration', 'info'];

/** Findings in the order a reader should see them: what blocks first, safe changes last. */
export function ordered(findings: readonly JudgedFinding[]): JudgedFinding[] {
  return statusOrder.flatMap((status) => findings.filter((finding) => finding.status === status));
}

/** `study v1`. */
export function versionName(version: Pick<VersionReport, 'api' | 'version'>): string {
  return `${version.api} v${version.version}`;
}

/**
 * `path:line:col`, with the base named for a place that only exists there. A migration guide
 * compares two versions of the working tree, whose paths already tell them apart.
 */
export function where(location: SourceLocation, report: Pick<GateReport, 'base'>, version?: Pick<VersionReport, 'mode'>): string {
  const place = `${location.file}:${location.line}:${location.col}`;
  return location.side === 'base' && version?.mode !== 'migration' ? `${place} (in ${report.base})` : place;
}

/** Whether a finding is listed in one line: a safe change, in a gate or a migration guide. */
export function isMinor(finding: JudgedFinding): boolean {
  return finding.status === 'info' || (finding.status === 'migration' && finding.severity === 'safe');
}

/** `REST/JSON breaking · GraphQL safe · ...` */
export function verdictLine(finding: JudgedFinding): string {
  return targets.map((target) => `${targetLabels[target]} ${finding.verdicts[target]}`).join(' · ');
}

/** The names of the subject in each protocol, as one line. */
export function subjectLine(finding: JudgedFinding): string | undefined {
  const parts: string[] = [];
  const routes = finding.subjects.rest ?? [];
  if (routes.length > 0) parts.push(routes.length > 5 ? `${routes.slice(0, 4).join(', ')} and ${routes.length - 4} more` : routes.join(', '));
  if (finding.subjects.graphql) parts.push(`GraphQL ${finding.subjects.graphql}`);
  if (finding.subjects.proto) parts.push(`proto ${finding.subjects.proto}`);
  return parts.length > 0 ? parts.join('; ') : undefined;
}

/** What a version's changes come to, e.g. `1 failing, 1 acknowledged, 3 safe`. */
export function countLine(version: VersionReport): string {
  if (version.change === 'unchanged') return 'unchanged';
  const count = (status: Status): number => version.findings.filter((finding) => finding.status === status).length;
  if (version.mode === 'migration') {
    const breaking = version.findings.filter((finding) => finding.severity === 'breaking').length;
    return `new major version: migration guide from v${version.from ?? '?'} (${version.findings.length} changes, ${breaking} breaking)`;
  }
  const parts = ([['fail', 'failing'], ['acknowledged', 'acknowledged'], ['retired', 'retired after sunset'], ['warning', 'dangerous'], ['info', 'safe']] as const)
    .map(([status, label]) => [count(status), label] as const)
    .filter(([number]) => number > 0)
    .map(([number, label]) => `${number} ${label}`);
  return `${version.change}: ${parts.length > 0 ? parts.join(', ') : 'no change any client can see'}`;
}

/** The changelog entry that would acknowledge a finding, ready to paste. */
export function acknowledgementSnippet(finding: JudgedFinding): string[] {
  return [
    `- fingerprint: ${finding.fingerprint}`,
    `  rule: ${finding.rule}`,
    `  subject: ${finding.subject}`,
    '  reason: <why existing clients are not affected>',
  ];
}

/** Where the changelog of a contract is: beside it. */
export function changelogPath(version: Pick<VersionReport, 'path'>): string {
  return version.path.replace(/[^/]*$/, changelogFileName);
}

/** The last line of every report: the outcome, the reason and the exit code. */
export function outcomeLine(report: GateReport): string {
  const outcome = outcomeOf(report);
  if (outcome === 'error') return `Result: ERROR: the gate could not judge (${report.problems.length} problem${report.problems.length === 1 ? '' : 's'} above); exit code 2.`;
  const failing = report.versions.flatMap((version) => version.findings).filter((finding) => finding.status === 'fail');
  const breaking = failing.filter((finding) => finding.severity === 'breaking').length;
  const dangerous = failing.length - breaking;
  const violations = report.versions.flatMap((version) => version.violations).length;
  if (outcome === 'fail') {
    const reasons = [
      breaking > 0 ? `${breaking} breaking change${breaking === 1 ? ' is' : 's are'} not allowed` : '',
      dangerous > 0 ? `${dangerous} dangerous change${dangerous === 1 ? ' is' : 's are'} not allowed (--fail-on dangerous)` : '',
      violations > 0 ? `${violations} policy violation${violations === 1 ? '' : 's'}` : '',
    ].filter(Boolean);
    return `Result: FAILED: ${reasons.join(' and ')}; exit code 1.`;
  }
  const acknowledged = report.versions.flatMap((version) => version.findings).filter((finding) => finding.status === 'acknowledged').length;
  return `Result: PASSED${acknowledged > 0 ? ` with ${acknowledged} acknowledged change${acknowledged === 1 ? '' : 's'}` : ''}; exit code 0.`;
}
