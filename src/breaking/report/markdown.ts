import { outcomeOf, type GateReport, type VersionReport } from '../gate.ts';
import { targetLabels, targets } from '../model.ts';
import type { JudgedFinding } from '../policy.ts';
import { areaOrder, ruleTable } from '../rules.ts';
import { acknowledgementSnippet, changelogPath, countLine, ordered, outcomeLine, subjectLine, versionName, where } from './common.ts';

const statusLabels = { fail: '**fail**', acknowledged: 'acknowledged', retired: 'retired', warning: 'dangerous', migration: 'change', info: 'safe' } as const;

/**
 * Markdown for a pull-request comment: a verdict table per API version (one column per kind of
 * client), then the explanation of every change that needs attention and how to acknowledge it.
 * A new major version is written as a migration guide, grouped by area.
 */
export function writeMarkdownReport(report: GateReport): string {
  const outcome = outcomeOf(report);
  const lines = [`## Breaking-change gate: ${outcome === 'pass' ? 'passed' : outcome === 'fail' ? 'failed' : 'could not judge'}`, '', `Compared: ${report.revision} against \`${report.base}\`, on ${report.today}.`, ''];
  for (const problem of report.problems) lines.push('```text', problem.text, '```', '');
  for (const version of report.versions) lines.push(...(version.mode === 'migration' ? migrationGuide(version, report) : versionSection(version, report)));
  lines.push(outcomeLine(report), '');
  return lines.join('\n');
}

function versionSection(version: VersionReport, report: GateReport): string[] {
  const lines = [`### ${versionName(version)}: ${countLine(version)}`, ''];
  if (version.change === 'unchanged') return lines;
  for (const violation of version.violations) lines.push(`- **fail** \`${violation.file}:${violation.line}:${violation.col}\`: ${violation.message}`, '');
  const findings = ordered(version.findings);
  if (findings.length > 0) lines.push(...table(findings, report, version), '');
  const attention = findings.filter((finding) => finding.status !== 'info');
  if (attention.length > 0) {
    lines.push(`<details><summary>Why${report.acknowledgeable ? ', and how to acknowledge' : ''}</summary>`, '');
    for (const finding of attention) lines.push(...explanation(finding, version, report));
    lines.push('</details>', '');
  }
  return lines;
}

function migrationGuide(version: VersionReport, report: GateReport): string[] {
  const lines = [`### Migrating from ${version.api} v${version.from ?? '?'} to v${version.version}`, ''];
  for (const violation of version.violations) lines.push(`- **fail** \`${violation.file}:${violation.line}:${violation.col}\`: ${violation.message}`, '');
  for (const area of areaOrder) {
    const inArea = version.findings.filter((finding) => ruleTable[finding.rule].area === area);
    if (inArea.length === 0) continue;
    lines.push(`#### ${area[0]?.toUpperCase()}${area.slice(1)}`, '', ...table(inArea, report, version), '');
  }
  if (version.findings.length === 0) lines.push('Nothing a client can see changes.', '');
  return lines;
}

function table(findings: readonly JudgedFinding[], report: GateReport, version: VersionReport): string[] {
  const header = `| | Change | ${targets.map((target) => targetLabels[target]).join(' | ')} | Where |`;
  const rows = findings.map((finding) => {
    const verdicts = targets.map((target) => (finding.verdicts[target] === 'breaking' ? '**breaking**' : finding.verdicts[target]));
    return `| ${statusLabels[finding.status]} | \`${finding.rule}\`: ${cell(finding.message)} | ${verdicts.join(' | ')} | \`${where(finding.location, report, version)}\` |`;
  });
  return [header, `|---|---|${targets.map(() => '---|').join('')}---|`, ...rows];
}

function explanation(finding: JudgedFinding, version: VersionReport, report: GateReport): string[] {
  const lines = [`**\`${finding.rule}\`** \`${finding.fingerprint}\` at \`${where(finding.location, report, version)}\`: ${finding.message}.`, ''];
  const subjects = subjectLine(finding);
  if (subjects) lines.push(`Affects ${subjects}.`, '');
  lines.push(ruleTable[finding.rule].explanation, '');
  if (finding.typescript?.reason !== undefined) lines.push(`TypeScript compiler: ${finding.typescript.reason}`, '');
  if (finding.grpc) lines.push(`gRPC: ${finding.grpc.reason}`, '');
  if (finding.note) lines.push(`Note: ${finding.note}.`, '');
  if (finding.acknowledgement) lines.push(`Acknowledged in \`${finding.acknowledgement.file}\`: ${finding.acknowledgement.reason}`, '');
  if (finding.status === 'fail' && finding.note === undefined && report.acknowledgeable) {
    lines.push(`To accept it, add to \`${changelogPath(version)}\`:`, '', '```yaml', 'acknowledged:', ...acknowledgementSnippet(finding).map((line) => `  ${line}`), '```', '');
  }
  return lines;
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}
