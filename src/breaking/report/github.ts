import { inRanges, type LineRanges } from '../diff-lines.ts';
import type { GateReport } from '../gate.ts';
import type { JudgedFinding, Status } from '../policy.ts';
import { outcomeLine, verdictLine } from './common.ts';

// Safe changes and migration steps are not annotated: a pull request shows what needs attention.
const commands: Partial<Record<Status, 'error' | 'warning' | 'notice'>> = { fail: 'error', warning: 'warning', acknowledged: 'notice', retired: 'notice' };

/** Where an annotation goes: a file, and a line when the diff shows it. */
type Place = { file: string; line?: number; col?: number };

/**
 * GitHub Actions workflow commands (`::error file=...,line=...::message`), which the runner turns
 * into annotations on the pull request's diff. A deletion is annotated where its parent still is
 * in the revision, since the deleted line is not in the new file. Given the lines each file's diff
 * shows, a place outside them is annotated on its file instead (with the line in the message):
 * GitHub does not show an annotation on a line the diff leaves out.
 */
export function writeGithubAnnotations(report: GateReport, diffLines?: (file: string) => LineRanges | undefined): string {
  const lines: string[] = [];
  const placed = (place: { file: string; line: number; col: number }): { where: Place; outside: string } => {
    const ranges = diffLines?.(place.file);
    if (ranges === undefined || inRanges(ranges, place.line)) return { where: { file: place.file, line: place.line, col: place.col }, outside: '' };
    return { where: { file: place.file }, outside: ` (line ${place.line}, outside the diff)` };
  };
  for (const problem of report.problems) lines.push(`::error title=trident breaking::${escapeData(problem.text)}`);
  for (const version of report.versions) {
    for (const violation of version.violations) {
      const { where, outside } = placed(violation);
      lines.push(`::error ${properties({ ...where, title: 'trident breaking: version policy' })}::${escapeData(`${violation.message}${outside}`)}`);
    }
    for (const finding of version.findings) {
      const command = commands[finding.status];
      if (command) lines.push(annotation(command, finding, report, placed));
    }
  }
  lines.push(outcomeLine(report));
  return `${lines.join('\n')}\n`;
}

function annotation(command: string, finding: JudgedFinding, report: GateReport, placed: (place: { file: string; line: number; col: number }) => { where: Place; outside: string }): string {
  const place = finding.location.side === 'revision' ? finding.location : finding.anchor;
  const deleted = finding.location.side === 'base' ? ` (in ${report.base} at ${finding.location.file}:${finding.location.line})` : '';
  const { where, outside } = place ? placed(place) : { where: {}, outside: '' };
  const details = [
    `${finding.message}${deleted}${outside}`,
    verdictLine(finding),
    finding.note ?? (finding.acknowledgement ? `acknowledged: ${finding.acknowledgement.reason}` : `fingerprint ${finding.fingerprint}`),
  ];
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
