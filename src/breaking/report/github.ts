import type { GateReport } from '../gate.ts';
import type { JudgedFinding, Status } from '../policy.ts';
import { outcomeLine, verdictLine } from './common.ts';

// Safe changes and migration steps are not annotated: a pull request shows what needs attention.
const commands: Partial<Record<Status, 'error' | 'warning' | 'notice'>> = { fail: 'error', warning: 'warning', acknowledged: 'notice', retired: 'notice' };

/**
 * GitHub Actions workflow commands (`::error file=...,line=...::message`), which the runner turns
 * into annotations on the pull request's diff. A deletion is annotated where its parent still is
 * in the revision, since the deleted line is not in the new file.
 */
export function writeGithubAnnotations(report: GateReport): string {
  const lines: string[] = [];
  for (const problem of report.problems) lines.push(`::error title=trident breaking::${escapeData(problem.text)}`);
  for (const version of report.versions) {
    for (const violation of version.violations) {
      lines.push(`::error ${properties({ file: violation.file, line: violation.line, col: violation.col, title: 'trident breaking: version policy' })}::${escapeData(violation.message)}`);
    }
    for (const finding of version.findings) {
      const command = commands[finding.status];
      if (command) lines.push(annotation(command, finding, report));
    }
  }
  lines.push(outcomeLine(report));
  return `${lines.join('\n')}\n`;
}

function annotation(command: string, finding: JudgedFinding, report: GateReport): string {
  const place = finding.location.side === 'revision' ? finding.location : finding.anchor;
  const deleted = finding.location.side === 'base' ? ` (in ${report.base} at ${finding.location.file}:${finding.location.line})` : '';
  const details = [
    `${finding.message}${deleted}`,
    verdictLine(finding),
    finding.note ?? (finding.acknowledgement ? `acknowledged: ${finding.acknowledgement.reason}` : `fingerprint ${finding.fingerprint}`),
  ];
  const where: Record<string, string | number> = place ? { file: place.file, line: place.line, col: place.col } : {};
  return `::${command} ${properties({ ...where, title: `${finding.rule} [${finding.fingerprint}]` })}::${escapeData(details.join('\n'))}`;
}

function properties(values: Record<string, string | number>): string {
  return Object.entries(values).map(([key, value]) => `${key}=${escapeProperty(String(value))}`).join(',');
}

// The escapes the runner expects: data escapes %, CR and LF; properties also : and ,.
function escapeData(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(':', '%3A').replaceAll(',', '%2C');
}
