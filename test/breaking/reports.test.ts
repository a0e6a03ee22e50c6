import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GateReport } from '../../src/breaking/gate.ts';
import { reportFormats, writeReport, writeRuleTable, type ReportFormat } from '../../src/breaking/report/index.ts';
import { listRules } from '../../src/breaking/rules.ts';
import { recording } from './fixtures.ts';
import { gate, renamedWeight, template, withoutDelete, withSunset } from './sides.ts';

const goldenRoot = join(import.meta.dirname, 'reports');
const goldenFile: Record<ReportFormat, string> = { text: 'report.txt', markdown: 'report.md', json: 'report.json', github: 'report.github.txt', junit: 'report.junit.xml' };

// One report with every status: a failing change, an acknowledged one, a warning, safe changes,
// and a new major version read as a migration guide.
let report: GateReport;
beforeAll(async () => {
  const v1 = withSunset(template, '2027-06-30');
  const revision = renamedWeight(v1)
    .replace('enum: [public, private]', 'enum: [public, private, internal]')
    .replace('        - bearerAuth: [reader]\n        - bearerAuth: [admin]\n', '        - bearerAuth: [admin]\n')
    .replace('        - bearerAuth: [admin]\n      requestBody', '        - bearerAuth: [admin]\n        - bearerAuth: [editor]\n      requestBody');
  const changelog = 'acknowledged:\n  - rule: security-requirement-removed\n    subject: listThings\n    reason: Readers list things through the search API since 1.4.\n';
  report = await gate([v1], [revision, withoutDelete(template).replace('version: 1.0.0', 'version: 2.0.0')], { changelog });
});

describe('report formats (TRIDENT_RECORD=1 re-records)', () => {
  for (const format of reportFormats) {
    it(format, () => {
      const text = writeReport(report, format);
      const path = join(goldenRoot, goldenFile[format]);
      if (recording) writeFileSync(path, text);
      expect(existsSync(path), path).toBe(true);
      expect(text).toBe(readFileSync(path, 'utf8'));
    });
  }

  it('JSON carries each finding with its fingerprint, verdicts and status, and the exit code', () => {
    const document = JSON.parse(writeReport(report, 'json')) as { exitCode: number; versions: Array<{ findings: Array<{ fingerprint: string; rule: string; status: string }> }> };
    expect(document.exitCode).toBe(1);
    const findings = document.versions.flatMap((version) => version.findings);
    expect(findings.every((finding) => /^[0-9a-f]{12}$/.test(finding.fingerprint))).toBe(true);
    expect(findings.filter((finding) => finding.status === 'fail').map((finding) => finding.rule)).toEqual(['response-optional-property-removed']);
  });

  it('GitHub annotations are workflow commands, deletions annotated where they still have a place', () => {
    const lines = writeReport(report, 'github').trimEnd().split('\n');
    expect(lines.slice(0, -1).every((line) => /^::(error|warning|notice) (file=[^,]+,line=\d+,col=\d+,)?title=[^:]+::/.test(line))).toBe(true);
    expect(lines.find((line) => line.includes('response-optional-property-removed'))).toMatch(/^::error file=contracts\/fixture\/v1\/openapi.yaml,line=\d+,col=\d+,title=response-optional-property-removed \[[0-9a-f]{12}\]::property 'weight' of Thing was removed/);
    expect(lines.at(-1)).toBe('Result: FAILED: 1 breaking change is not allowed; exit code 1.');
  });

  it('GitHub annotations outside the lines of the diff go on the file, naming the line', () => {
    const removed = (text: string): string | undefined => text.split('\n').find((line) => line.includes('response-optional-property-removed'));
    const line = Number(/,line=(\d+),/.exec(removed(writeReport(report, 'github')) ?? '')?.[1]);
    expect(line).toBeGreaterThan(1);
    const inside = writeReport(report, 'github', { diffLines: () => [[line - 3, line + 3]] });
    expect(removed(inside)).toMatch(new RegExp(`^::error file=contracts/fixture/v1/openapi.yaml,line=${line},col=\\d+,title=`));
    const outside = writeReport(report, 'github', { diffLines: (file) => (file.endsWith('v1/openapi.yaml') ? [[1, 1]] : undefined) });
    expect(removed(outside)).toMatch(new RegExp(`^::error file=contracts/fixture/v1/openapi.yaml,title=response-optional-property-removed \\[[0-9a-f]{12}\\]::property 'weight' of Thing was removed .*\\(line ${line}, outside the diff\\)%0A`));
  });

  it('JUnit counts each finding as a test case and each blocking one as a failure', () => {
    const xml = writeReport(report, 'junit');
    const count = (pattern: RegExp): number => xml.match(pattern)?.length ?? 0;
    expect(Number(/<testsuites [^>]*tests="(\d+)"/.exec(xml)?.[1])).toBe(count(/<testcase /g));
    expect(Number(/<testsuites [^>]*failures="(\d+)"/.exec(xml)?.[1])).toBe(count(/<failure /g));
    expect(count(/<failure /g)).toBe(1);
  });
});

describe('the rule table', () => {
  it('is documented in the README exactly as `trident breaking --rules --format markdown` prints it', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    expect(readme).toContain(writeRuleTable('markdown'));
  });

  it('gives every rule a one-line purpose and an explanation', () => {
    for (const rule of listRules()) {
      expect(rule.purpose, rule.id).toMatch(/^[A-Z].*\.$/);
      expect(rule.purpose.includes('\n'), rule.id).toBe(false);
      expect(rule.explanation.length, rule.id).toBeGreaterThan(20);
    }
  });
});
