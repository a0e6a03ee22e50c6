import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { diagnosticLimits, generate } from '../../tools/generate.ts';

// A contract with 70 unresolved references: 70 errors. What generate prints stays bounded.
const root = mkdtempSync(join(tmpdir(), 'trident-limits-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, 'contracts/many/v1'), { recursive: true });
writeFileSync(
  join(root, 'contracts/many/v1/openapi.yaml'),
  stringify({
    openapi: '3.1.0',
    info: { title: 'many', version: '1.0.0' },
    paths: {
      '/things': {
        get: {
          operationId: 'listThings',
          responses: { '200': { description: 'things', content: { 'application/json': { schema: { type: 'object', properties: Object.fromEntries(Array.from({ length: 70 }, (_, index) => [`p${index}`, { $ref: `#/components/schemas/Missing${index}` }])) } } } } },
        },
      },
    },
  }),
);

async function run(verbose: boolean) {
  const log: string[] = [];
  const diagnostics: string[] = [];
  const result = await generate({ root, verbose, cache: false, log: (line) => log.push(line), diagnosticLog: (line) => diagnostics.push(line) });
  return { result, log, diagnostics };
}

describe('diagnostics of a run with many findings', () => {
  it('prints the first errors and counts the rest in one line, apart from the summary', async () => {
    const { result, log, diagnostics } = await run(false);
    expect(result.ok).toBe(false);
    const errors = diagnostics.filter((line) => / error ref-unresolved: /.test(line));
    expect(errors).toHaveLength(diagnosticLimits.errors);
    expect(diagnostics.at(-1)).toBe('20 errors more not shown (--verbose shows more; --report json lists every loss).');
    expect(log.join('\n')).not.toMatch(/ref-unresolved/);
    expect(log.at(-1)).toBe('70 errors; nothing was written.');
  });

  it('--verbose prints them all while they stay under its bound', async () => {
    const { diagnostics } = await run(true);
    expect(diagnostics.filter((line) => / error ref-unresolved: /.test(line))).toHaveLength(70);
    expect(diagnostics.join('\n')).not.toMatch(/not shown/);
  });
});
