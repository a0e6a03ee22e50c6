import type { GateReport, VersionReport } from '../gate.ts';
import type { JudgedFinding } from '../policy.ts';
import { ruleTable } from '../rules.ts';
import { acknowledgementSnippet, changelogPath, countLine, isMinor, ordered, outcomeLine, subjectLine, verdictLine, versionName, where } from './common.ts';
import { crosscheckLines } from './crosscheck-text.ts';

const labels = { fail: 'FAIL', acknowledged: 'ACKNOWLEDGED', retired: 'RETIRED', warning: 'WARNING', migration: 'CHANGE', info: 'safe' } as const;

/**
 * The default report, for a terminal and a CI log: per API version, each change that matters with
 * its place, what it means for each kind of client and why, and how to acknowledge it; safe
 * changes one line each; the outcome and exit code last.
 */
export function writeTextReport(report: GateReport, options: { verbose?: boolean } = {}): string {
  const lines = [`Breaking-change gate: ${report.revision} against ${report.base} (today ${report.today})`, ''];
  for (const problem of report.problems) lines.push(problem.text, '');
  for (const version of report.versions) lines.push(...versionLines(report, version, options.verbose === true));
  lines.push(outcomeLine(report));
  return `${lines.join('\n')}\n`;
}

function versionLines(report: GateReport, version: VersionReport, verbose: boolean): string[] {
  const lines = [`${versionName(version)}  ${countLine(version)}`];
  if (version.change === 'unchanged') return lines;
  for (const violation of version.violations) lines.push(`  FAIL ${violation.file}:${violation.line}:${violation.col}  ${violation.message}`);
  const findings = ordered(version.findings);
  // A rule's explanation is printed once per version: a renumbered message is many findings of one rule.
  const explained = new Set<string>();
  for (const finding of findings.filter((entry) => !isMinor(entry) || verbose)) lines.push(...findingLines(report, version, finding, explained));
  const safe = findings.filter(isMinor);
  if (safe.length > 0 && !verbose) {
    lines.push('  safe:');
    for (const finding of safe) lines.push(`    ${where(finding.location, report, version)}  ${finding.rule}: ${finding.message}`);
  }
  const acceptable = findings.filter((entry) => entry.status === 'fail' && entry.note === undefined);
  if (acceptable.length > 0 && report.acknowledgeable) {
    const these = acceptable.length === 1 ? 'it' : `these ${acceptable.length} changes`;
    lines.push(`  to accept ${these}, add to ${changelogPath(version)}, with ${acceptable.length === 1 ? 'a reason' : 'a reason for each'}:`, '    acknowledged:');
    for (const finding of acceptable) lines.push(...acknowledgementSnippet(finding).map((line) => `      ${line}`));
  }
  if (version.crosscheck) lines.push(...crosscheckLines(version.crosscheck).map((line) => `  ${line}`));
  lines.push('');
  return lines;
}

function findingLines(report: GateReport, version: VersionReport, finding: JudgedFinding, explained: Set<string>): string[] {
  const lines = [`  ${labels[finding.status]} ${where(finding.location, report, version)}  ${finding.rule}  [${finding.fingerprint}]`, `      ${finding.message}`];
  if (finding.excerpt !== undefined) {
    const gutter = String(finding.location.line);
    lines.push(`      ${gutter} | ${finding.excerpt}`, `      ${' '.repeat(gutter.length)} | ${' '.repeat(Math.max(0, finding.location.col - 1))}^`);
  }
  lines.push(`      ${verdictLine(finding)}`);
  if (finding.typescript?.reason !== undefined) lines.push(`      tsc: ${finding.typescript.reason}`);
  if (finding.grpc) lines.push(`      gRPC: ${finding.grpc.reason}`);
  const subjects = subjectLine(finding);
  if (subjects) lines.push(`      affects ${subjects}`);
  lines.push(`      why: ${explained.has(finding.rule) ? `as for ${finding.rule} above` : ruleTable[finding.rule].explanation}`);
  explained.add(finding.rule);
  if (finding.note) lines.push(`      note: ${finding.note}`);
  if (finding.acknowledgement) {
    const { file, line, col, reason } = finding.acknowledgement;
    lines.push(`      acknowledged in ${file}:${line}:${col}: ${reason}`);
  }
  return lines;
}
