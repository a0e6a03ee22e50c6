import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './harness.ts';

// `npm run size:clients` bundles each browser client with Vite and gzips it.
describe('size of the browser clients', () => {
  it('prints a row per entry, measured against openapi-fetch alone, within the budget of 2x', () => {
    const result = spawnSync(join(repoRoot, 'node_modules/.bin/node'), ['tools/size-clients.ts', '--api', 'study/v2', '--json', '--budget', '2'], { cwd: repoRoot, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    const rows = JSON.parse(result.stdout) as Array<{ name: string; minified: number; gzip: number }>;
    const size = (name: string) => rows.find((row) => row.name === name)?.gzip ?? Number.NaN;
    expect(rows.map((row) => row.name)).toEqual(['openapi-fetch alone', 'TridentError alone', 'study/v2 REST client', 'study/v2 GraphQL client, every operation', 'GraphQL runner, no documents']);
    // The REST client ships openapi-fetch itself, so it cannot be smaller.
    expect(size('study/v2 REST client')).toBeGreaterThan(size('openapi-fetch alone'));
    for (const row of rows) expect(row.gzip).toBeLessThan(row.minified);
  });

  it('an API version without clients is a usage error', () => {
    const result = spawnSync(join(repoRoot, 'node_modules/.bin/node'), ['tools/size-clients.ts', '--api', 'nothing/v9'], { cwd: repoRoot, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/no generated clients for nothing\/v9; known: .*study\/v2/);
  });
});
