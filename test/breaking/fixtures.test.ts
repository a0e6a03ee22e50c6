import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ruleTable } from '../../src/breaking/rules.ts';
import { caseFiles, compileLayers, fixturesRoot, gateCase, listCases, readCaseFile, recordFindings, recording, renderFindings } from './fixtures.ts';

compileLayers(false);

describe('breaking-change fixtures (TRIDENT_RECORD=1 re-records)', () => {
  const cases = listCases();

  it('has a base/revision pair for every rule, plus the identical case', () => {
    const missing = Object.keys(ruleTable).filter((rule) => !cases.includes(rule));
    expect(missing).toEqual([]);
    expect(cases).toContain('identical');
  });

  for (const name of cases) {
    it(name, async () => {
      const unexpected = readdirSync(join(fixturesRoot, name)).filter((file) => !caseFiles.includes(file));
      expect(unexpected, 'files a case may hold').toEqual([]);
      const report = await gateCase(name);
      const rendered = renderFindings(report);
      if (recording) recordFindings(name, rendered);
      expect(rendered).toBe(readCaseFile(name, 'findings.txt'));
      const rules = report.versions.flatMap((version) => version.findings.map((finding) => finding.rule));
      if (name === 'identical') expect(rules).toEqual([]);
      else expect(rules, 'the case exercises its rule').toContain(name);
    });
  }
});
