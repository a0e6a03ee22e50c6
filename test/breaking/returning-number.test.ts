import { describe, expect, it } from 'vitest';
import { outcomeOf } from '../../src/breaking/gate.ts';
import { gate, template } from './sides.ts';

const withoutWeight = (text: string): string => text.replace(/ {8}weight:\n(?: {10}.*\n)+/, '');

describe('a property that returns under a name the lock reserved', () => {
  it('gets its old number back, and the gate sees no change on the gRPC wire', async () => {
    const removed = withoutWeight(template);
    expect(removed).not.toBe(template);
    const report = await gate([removed], [template], { history: [template] });
    const findings = report.versions[0]?.findings ?? [];
    expect(findings.map((finding) => finding.rule)).toEqual(['response-property-added']);
    expect(findings.filter((finding) => finding.verdicts['grpc-wire'] !== 'safe' || finding.rule.startsWith('proto-'))).toEqual([]);
    expect(outcomeOf(report)).toBe('pass');
  });
});
