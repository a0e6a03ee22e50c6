import { outcomeOf, type GateReport } from '../gate.ts';
import { ruleTable } from '../rules.ts';

/**
 * The report as JSON for tools: every finding with its fingerprint (stable across unrelated edits
 * of the contract), rule, verdict per target, policy status and place. Keys come in a fixed order
 * so that two runs over the same change print the same bytes.
 */
export function writeJsonReport(report: GateReport): string {
  const outcome = outcomeOf(report);
  const document = {
    format: 'trident-breaking/1',
    base: report.base,
    revision: report.revision,
    today: report.today,
    outcome,
    exitCode: outcome === 'pass' ? 0 : outcome === 'fail' ? 1 : 2,
    problems: report.problems.map((problem) => problem.text),
    versions: report.versions.map((version) => ({
      api: version.api,
      version: version.version,
      path: version.path,
      change: version.change,
      mode: version.mode,
      ...(version.from !== undefined ? { from: version.from } : {}),
      violations: version.violations,
      findings: version.findings.map((finding) => ({
        fingerprint: finding.fingerprint,
        rule: finding.rule,
        area: ruleTable[finding.rule].area,
        severity: finding.severity,
        status: finding.status,
        verdicts: finding.verdicts,
        subject: finding.subject,
        message: finding.message,
        location: finding.location,
        ...(finding.anchor ? { anchor: finding.anchor } : {}),
        subjects: finding.subjects,
        ...(finding.direction ? { direction: finding.direction } : {}),
        ...(finding.typescript?.reason !== undefined ? { tsc: finding.typescript.reason } : {}),
        ...(finding.grpc ? { grpc: finding.grpc.reason } : {}),
        ...(finding.note !== undefined ? { note: finding.note } : {}),
        ...(finding.acknowledgement ? { acknowledgement: finding.acknowledgement } : {}),
      })),
      ...(version.crosscheck ? { crosscheck: version.crosscheck } : {}),
    })),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
