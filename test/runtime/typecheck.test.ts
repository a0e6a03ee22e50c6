import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../e2e/workspace.ts';

// Compiles one implementation file with the project's strict settings and returns tsc's errors.
function typeErrors(source: string): string[] {
  const directory = mkdtempSync(join(repoRoot, 'test/runtime/.typecheck-'));
  try {
    writeFileSync(join(directory, 'handler.ts'), source);
    writeFileSync(join(directory, 'tsconfig.json'), JSON.stringify({ extends: '../../../tsconfig.json', include: ['handler.ts'] }));
    try {
      execFileSync(join(repoRoot, 'node_modules/.bin/tsc'), ['-p', join(directory, 'tsconfig.json')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      return [];
    } catch (error) {
      // The error lines and their elaboration, which names the offending property or value.
      return String((error as { stdout?: string }).stdout).split('\n').filter((line) => line.trim() !== '');
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

const header = `import type { StudyV1Handlers } from '../../../generated/ts/study/v1/server.ts';\n`;
const study = (status: string, path: string) => `
export const handlers = {
  async getStudy(input, context) {
    return {
      id: ${path}, orgId: context.principal.orgId, studyInstanceUid: '2.25.1', accessionNumber: null,
      subject: { patientId: 'P-1', patientName: 'Doe^Jane', sex: 'female' }, description: null, modalities: ['XC'],
      startedAt: null, numberOfImages: 0, status: ${status}, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', version: 1,
    };
  },
} satisfies Pick<StudyV1Handlers, 'getStudy'>;
`;

describe('typed server interfaces', () => {
  it('an implementation that follows the contract type-checks', () => {
    expect(typeErrors(header + study("'registered'", 'input.path.studyId'))).toEqual([]);
  });

  it('an implementation that drifts from the contract does not', () => {
    const wrongEnum = typeErrors(header + study("'archived'", 'input.path.studyId')).join('\n');
    expect(wrongEnum).toMatch(/"archived"/);
    expect(typeErrors(header + study("'registered'", 'input.path.studyID')).join('\n')).toMatch(/studyID/);
    const missing = study("'registered'", 'input.path.studyId').replace('version: 1,', '');
    expect(typeErrors(header + missing).join('\n')).toMatch(/version/);
  });
});
