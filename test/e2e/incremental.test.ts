import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../../tools/generate.ts';
import { copyContracts, readTree } from './workspace.ts';

// The cache only saves time: after a one-line edit, a run that reuses the other contracts'
// results writes exactly what a run without any cache writes.
describe('incremental generate', () => {
  const root = copyContracts();
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const quiet = { log: () => {} };

  it('recompiles only what changed, with the same result as a fresh run', async () => {
    expect((await generate({ root, ...quiet })).ok).toBe(true);
    const contract = join(root, 'contracts/study/v2/openapi.yaml');
    const text = readFileSync(contract, 'utf8');
    writeFileSync(contract, text.replace('summary: Register a study', 'summary: Register a new study'));
    const compiled: string[] = [];
    const progress = { document: () => {}, compiled: (path: string, _operations: number, cached: boolean) => (cached ? undefined : compiled.push(path)), step: () => {}, done: () => {} };
    expect((await generate({ root, progress, ...quiet })).ok).toBe(true);
    const cached = readTree(join(root, 'generated'));
    expect(cached.get('graphql/study/v2/schema.graphql')).toContain('Register a new study');
    expect(compiled).toEqual(['contracts/study/v2/openapi.yaml']);

    expect((await generate({ root, outDir: 'fresh', cache: false, ...quiet })).ok).toBe(true);
    expect(readTree(join(root, 'fresh'))).toEqual(cached);
  });
});
