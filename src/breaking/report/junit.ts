import { outcomeOf, type GateReport, type VersionReport } from '../gate.ts';
import type { JudgedFinding } from '../policy.ts';
import { ruleTable } from '../rules.ts';
import { verdictLine, versionName, where } from './common.ts';

/**
 * JUnit XML, which most CI systems display: one test suite per API version and one test case per
 * finding, failed when the gate blocks it. A version without changes is one passing case, so the
 * suite still shows that it was checked.
 */
export function writeJunitReport(report: GateReport): string {
  const suites = report.versions.map((version) => suite(version, report));
  if (report.problems.length > 0) {
    const cases = report.problems.map((problem, index) => `    <testcase classname="trident.breaking" name="problem ${index + 1}"><error message="${attribute(problem.text.split('\n')[0] ?? '')}">${text(problem.text)}</error></testcase>`);
    suites.unshift(`  <testsuite name="could not judge" tests="${cases.length}" failures="0" errors="${cases.length}">\n${cases.join('\n')}\n  </testsuite>`);
  }
  const tests = report.versions.reduce((sum, version) => sum + Math.max(1, version.findings.length + version.violations.length), 0) + report.problems.length;
  const failures = report.versions.reduce((sum, version) => sum + failed(version), 0);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="trident breaking: ${attribute(report.revision)} against ${attribute(report.base)}" tests="${tests}" failures="${failures}" errors="${report.problems.length}">\n${suites.join('\n')}\n</testsuites>\n<!-- ${outcomeOf(report)} -->\n`;
}

function suite(version: VersionReport, report: GateReport): string {
  const classname = `${version.api}.v${version.version}`;
  const cases = version.findings.map((finding) => testCase(classname, finding, report, version));
  for (const violation of version.violations) {
    cases.push(`    <testcase classname="${classname}" name="version policy"><failure message="${attribute(violation.message)}" type="version-policy">${text(`${violation.file}:${violation.line}:${violation.col}`)}</failure></testcase>`);
  }
  if (cases.length === 0) cases.push(`    <testcase classname="${classname}" name="${version.change}"/>`);
  return `  <testsuite name="${attribute(versionName(version))}" tests="${cases.length}" failures="${failed(version)}" errors="0">\n${cases.join('\n')}\n  </testsuite>`;
}

function testCase(classname: string, finding: JudgedFinding, report: GateReport, version: VersionReport): string {
  const name = attribute(`${finding.rule} ${finding.subject} [${finding.fingerprint}]`);
  const details = [`${where(finding.location, report, version)} ${finding.message}`, verdictLine(finding), ruleTable[finding.rule].explanation, finding.note ?? ''].filter(Boolean).join('\n');
  if (finding.status === 'fail') return `    <testcase classname="${classname}" name="${name}"><failure message="${attribute(finding.message)}" type="${finding.rule}">${text(details)}</failure></testcase>`;
  const output = finding.acknowledgement ? `acknowledged: ${finding.acknowledgement.reason}\n${details}` : `${finding.status}: ${details}`;
  return `    <testcase classname="${classname}" name="${name}"><system-out>${text(output)}</system-out></testcase>`;
}

function failed(version: VersionReport): number {
  return version.findings.filter((finding) => finding.status === 'fail').length + version.violations.length;
}

function text(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function attribute(value: string): string {
  return text(value).replaceAll('"', '&quot;').replaceAll('\n', '&#10;');
}
