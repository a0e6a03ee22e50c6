import { describe, expect, it } from 'vitest';
import { outcomeOf } from '../../src/breaking/gate.ts';
import { gate, renamedWeight, renumberedSize, template, withoutDelete, withSunset } from './sides.ts';

describe('the version policy', () => {
  it('passes an unchanged version without diffing it', async () => {
    const report = await gate([template], [template]);
    expect(report.versions.map((version) => [version.api, version.version, version.change])).toEqual([['fixture', 1, 'unchanged']]);
    expect(outcomeOf(report)).toBe('pass');
  });

  it('fails a breaking change inside a major version', async () => {
    const report = await gate([template], [renamedWeight(template)]);
    const failing = report.versions[0]?.findings.filter((finding) => finding.status === 'fail').map((finding) => finding.rule);
    expect(failing).toEqual(['response-optional-property-removed']);
    expect(outcomeOf(report)).toBe('fail');
  });

  it('passes it once the changelog acknowledges its fingerprint, and keeps the reason', async () => {
    const failing = (await gate([template], [renamedWeight(template)])).versions[0]?.findings.find((finding) => finding.status === 'fail');
    const changelog = `acknowledged:\n  - fingerprint: ${failing?.fingerprint ?? ''}\n    reason: Every client reads mass since 2.3.\n`;
    const report = await gate([template], [renamedWeight(template)], { changelog });
    const acknowledged = report.versions[0]?.findings.find((finding) => finding.rule === 'response-optional-property-removed');
    expect(acknowledged?.status).toBe('acknowledged');
    expect(acknowledged?.acknowledgement).toMatchObject({ reason: 'Every client reads mass since 2.3.', file: 'contracts/fixture/v1/CHANGELOG.yaml', line: 2, col: 5 });
    expect(outcomeOf(report)).toBe('pass');
  });

  it('also accepts an acknowledgement by rule and subject', async () => {
    const changelog = 'acknowledged:\n  - rule: response-optional-property-removed\n    subject: Thing.weight\n    reason: Renamed.\n';
    expect(outcomeOf(await gate([template], [renamedWeight(template)], { changelog }))).toBe('pass');
  });

  it('cannot judge with a malformed changelog', async () => {
    const report = await gate([template], [renamedWeight(template)], { changelog: 'acknowledged:\n  - fingerprint: abc\n' });
    expect(report.problems.map((problem) => problem.text)).toEqual([
      'contracts/fixture/v1/CHANGELOG.yaml:2:5 an acknowledgement needs a `reason`: why is this change acceptable to existing clients?',
    ]);
    expect(outcomeOf(report)).toBe('error');
  });

  it('advises restoring the lock for numbers moved on the wire, and takes no acknowledgement without --accept-renumbering', async () => {
    const changelog = 'acknowledged:\n  - rule: proto-number-changed\n    subject: Thing.size\n    reason: No binary client yet.\n';
    for (const options of [{}, { changelog }]) {
      const report = await gate([template], [renumberedSize(template)], options);
      const moved = report.versions[0]?.findings.find((finding) => finding.rule === 'proto-number-changed');
      expect(moved?.status).toBe('fail');
      expect(moved?.note).toContain('restore the lock (`git checkout base -- contracts/fixture/v1/proto.lock.json`');
      expect(moved?.note?.startsWith('the changelog acknowledges it, but only --accept-renumbering lets it')).toBe(options.changelog !== undefined);
      expect(outcomeOf(report)).toBe('fail');
    }
    const accepted = await gate([template], [renumberedSize(template)], { changelog, acceptRenumbering: true });
    expect(accepted.versions[0]?.findings.find((finding) => finding.rule === 'proto-number-changed')?.status).toBe('acknowledged');
    expect(outcomeOf(accepted)).toBe('pass');
  });

  it('cannot judge with a misspelt key in the changelog, at the top or in an entry', async () => {
    const changelog = 'acknowleged:\n  - rule: response-optional-property-removed\n    subject: Thing.weight\n    reason: Renamed.\nacknowledged:\n  - rule: response-optional-property-removed\n    subjet: Thing.weight\n    subject: Thing.weight\n    reason: Renamed.\n';
    const report = await gate([template], [renamedWeight(template)], { changelog });
    expect(report.problems.map((problem) => problem.text)).toEqual([
      "contracts/fixture/v1/CHANGELOG.yaml:1:1 'acknowleged' is not a key of a changelog\n  hint: a changelog holds one list, `acknowledged`; a misspelt key would leave its entries unread",
      "contracts/fixture/v1/CHANGELOG.yaml:7:5 'subjet' is not a key of an acknowledgement\n  hint: an acknowledgement has `fingerprint`, `rule`, `subject`, `reason`",
    ]);
    expect(outcomeOf(report)).toBe('error');
  });

  it('cannot judge with a new acknowledgement that matches no finding, and names the findings it could mean', async () => {
    const failing = (await gate([template], [renamedWeight(template)])).versions[0]?.findings.find((finding) => finding.status === 'fail');
    const changelog = 'acknowledged:\n  - fingerprint: 0123456789ab\n    reason: Renamed.\n';
    const report = await gate([template], [renamedWeight(template)], { changelog });
    expect(report.problems.map((problem) => problem.text)).toEqual([
      `contracts/fixture/v1/CHANGELOG.yaml:2:5 the acknowledgement of 0123456789ab matches no finding between the base and this revision\n  hint: check the fingerprint against this change's findings: ${failing?.fingerprint ?? ''} (response-optional-property-removed Thing.weight), ${report.versions[0]?.findings.find((finding) => finding.rule === 'response-property-added')?.fingerprint ?? ''} (response-property-added Thing.mass)`,
    ]);
    const malformed = await gate([template], [renamedWeight(template)], { changelog: 'acknowledged:\n  - fingerprint: 0123456789a\n    reason: Renamed.\n' });
    expect(malformed.problems.map((problem) => problem.text)).toEqual([
      "contracts/fixture/v1/CHANGELOG.yaml:2:5 '0123456789a' is not a fingerprint\n  hint: copy the twelve hex digits `trident breaking` prints in brackets after the rule",
    ]);
    // An entry the base already had acknowledges an earlier change: history, not a mistake.
    expect((await gate([template], [template.replace('title: ', 'title: The ')], { changelog, baseChangelog: changelog })).problems).toEqual([]);
  });

  it('sees no wire change when a property returns under a name the lock reserved: it gets its old number back', async () => {
    const removed = template.replace(/ {8}weight:\n(?: {10}.*\n)+/, '');
    expect(removed).not.toBe(template);
    const report = await gate([removed], [template], { history: [template] });
    const findings = report.versions[0]?.findings ?? [];
    expect(findings.map((finding) => finding.rule)).toEqual(['response-property-added']);
    expect(findings.filter((finding) => finding.verdicts['grpc-wire'] !== 'safe' || finding.rule.startsWith('proto-'))).toEqual([]);
    expect(outcomeOf(report)).toBe('pass');
  });

  it('warns on a dangerous change without failing', async () => {
    const report = await gate([template], [template.replace('enum: [public, private]', 'enum: [public, private, internal]')]);
    expect(report.versions[0]?.findings.map((finding) => [finding.rule, finding.status])).toEqual([['response-enum-value-added', 'warning']]);
    expect(outcomeOf(report)).toBe('pass');
  });

  it('fails removing an operation before its sunset date, even when acknowledged', async () => {
    const base = withSunset(template, '2027-06-30');
    const changelog = 'acknowledged:\n  - rule: operation-removed\n    subject: deleteThing\n    reason: Nobody calls it.\n';
    const report = await gate([base], [withoutDelete(base)], { changelog });
    const removal = report.versions[0]?.findings.find((finding) => finding.rule === 'operation-removed');
    expect(removal?.status).toBe('fail');
    expect(removal?.note).toMatch(/^removed before its sunset date 2027-06-30/);
    expect(outcomeOf(report)).toBe('fail');
  });

  it('allows removing an operation once its sunset date has passed', async () => {
    const base = withSunset(template, '2026-05-31');
    const report = await gate([base], [withoutDelete(base)]);
    expect(report.versions[0]?.findings.map((finding) => [finding.rule, finding.status])).toEqual([['operation-removed', 'retired']]);
    expect(outcomeOf(report)).toBe('pass');
  });

  it('fails removing a version before its sunset date and allows it after', async () => {
    const early = await gate([withSunset(template, '2027-01-01')], []);
    expect(early.versions[0]?.findings.map((finding) => [finding.rule, finding.status])).toEqual([['version-removed', 'fail']]);
    const late = await gate([withSunset(template, '2026-01-01')], []);
    expect(late.versions[0]?.findings.map((finding) => [finding.rule, finding.status])).toEqual([['version-removed', 'retired']]);
    const never = await gate([template], []);
    expect(never.versions[0]?.findings[0]?.note).toMatch(/only be removed after the sunset date/);
  });

  it('lets a new major version break anything, as a migration guide from the previous one', async () => {
    const report = await gate([withSunset(template, '2027-06-30')], [withSunset(template, '2027-06-30'), withoutDelete(renamedWeight(template))]);
    const added = report.versions.find((version) => version.version === 2);
    expect(added).toMatchObject({ change: 'added', mode: 'migration', from: 1, violations: [] });
    expect(added?.findings.map((finding) => [finding.rule, finding.status])).toEqual([
      ['response-property-added', 'migration'],
      ['operation-removed', 'migration'],
      ['response-optional-property-removed', 'migration'],
    ]);
    expect(outcomeOf(report)).toBe('pass');
  });

  it('requires the previous major version to carry a sunset date', async () => {
    const report = await gate([template], [template, template]);
    const added = report.versions.find((version) => version.version === 2);
    expect(added?.violations).toEqual([
      {
        message: "fixture v1 must carry a sunset date now that v2 replaces it: add `x-sunset: 'YYYY-MM-DD'` (and `deprecated` operations) to its info",
        file: 'contracts/fixture/v1/openapi.yaml',
        line: 2,
        col: 1,
      },
    ]);
    expect(outcomeOf(report)).toBe('fail');
  });

  it('cannot judge a contract that does not compile', async () => {
    const report = await gate([template], [template.replace("$ref: '#/components/schemas/Status'", "$ref: '#/components/schemas/Statu'")]);
    expect(report.problems[0]?.text).toMatch(/^contracts\/fixture\/v1\/openapi.yaml does not compile in revision:\n.*ref-unresolved/);
    expect(outcomeOf(report)).toBe('error');
  });
});
