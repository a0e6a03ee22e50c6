import type { GateReport, VersionReport } from '../gate.ts';
import type { JudgedFinding } from '../policy.ts';
import { ruleTable } from '../rules.ts';
import { acknowledgementSnippet, changelogPath, countLine, ordered, outcomeLine, subjectLine, verdictLine, versionName, where } from './common.ts';
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
  for (const finding of findings.filter((entry) => entry.status !== 'info' || verbose)) lines.push(...findingLines(report, version, finding));
  const safe = findings.filter((entry) => entry.status === 'info');
  if (safe.length > 0 && !verbose) {
    lines.push('  safe:');
    for (const finding of safe) lines.push(`    ${where(finding.location, report)}  ${finding.rule}: ${finding.message}`);
  }
  if (version.crosscheck) lines.push(...crosscheckLines(version.crosscheck).map((line) => `  ${line}`));
  lines.push('');
  return lines;
}

function findingLines(report: GateReport, version: VersionReport, finding: JudgedFinding): string[] {
  const lines = [`  ${labels[finding.status]} ${where(finding.location, report)}  ${finding.rule}  [${finding.fingerprint}]`, `      ${finding.message}`];
  if (finding.excerpt !== undefined) {
    const gutter = String(finding.location.line);
    lines.push(`      ${gutter} | ${finding.excerpt}`, `      ${' '.repeat(gutter.length)} | ${' '.repeat(Math.max(0, finding.location.col - 1))}^`);
  }
  lines.push(`      ${verdictLine(finding)}`);
  const subjects = subjectLine(finding);
  if (subjects) lines.push(`      affects ${subjects}`);
  lines.push(`      why: ${ruleTable[finding.rule].explanation}`);
  if (finding.note) lines.push(`      note: ${finding.note}`);
  if (finding.acknowledgement) {
    const { file, line, col, reason } = finding.acknowledgement;
    lines.push(`      acknowledged in ${file}:${line}:${col}: ${reason}`);
  }
  if (finding.status === 'fail' && finding.note === undefined) {
    lines.push(`      to accept it, add to ${changelogPath(version)}:`, '        acknowledged:', ...acknowledgementSnippet(finding).map((line) => `          ${line}`));
  }
  return lines;
}
