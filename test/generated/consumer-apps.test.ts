import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeAppOptions, repoRoot, typecheckAsApp, viteAppOptions } from './consumer-apps.ts';

const generatedTs = join(repoRoot, 'generated', 'ts');

function walk(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = join(directory, entry.name);
    return entry.isDirectory() ? walk(full) : entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** Every API version with a contract: `study/v2`, ... */
function apiVersions(): string[] {
  const contracts = join(repoRoot, 'contracts');
  return readdirSync(contracts, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'common')
    .flatMap((api) => readdirSync(join(contracts, api.name)).filter((version) => /^v\d+$/.test(version)).map((version) => `${api.name}/${version}`))
    .sort();
}

const versions = apiVersions();
const browserFiles = versions.flatMap((version) => ['types.ts', 'clients/rest.ts', 'clients/graphql.ts'].map((file) => join(generatedTs, version, file)));
const nodeFiles = [
  ...versions.flatMap((version) => ['server.ts', 'clients/grpc.ts'].map((file) => join(generatedTs, version, file))),
  // What ts-proto writes through buf; the gRPC clients import it.
  ...walk(join(generatedTs, 'grpc')),
];

describe('generated TypeScript in a fresh Vite app', () => {
  it('finds every API version', () => {
    expect(versions).toContain('study/v2');
    expect(versions.length).toBeGreaterThanOrEqual(4);
    expect(nodeFiles.filter((file) => file.includes(`${sep}grpc${sep}trident${sep}`))).toHaveLength(versions.length);
  });

  it("compiles the types and the REST and GraphQL clients under the template's tsconfig", () => {
    expect(typecheckAsApp('vite-app-browser', viteAppOptions, browserFiles)).toEqual([]);
  }, 120_000);

  it("compiles the server interfaces, the gRPC clients and ts-proto's code under its Node tsconfig", () => {
    expect(typecheckAsApp('vite-app-node', nodeAppOptions, nodeFiles)).toEqual([]);
  }, 120_000);

  it('imports packages by name and nothing outside generated/ts by path', () => {
    const escapes: string[] = [];
    for (const file of walk(generatedTs)) {
      for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/^(?:import|export)\b[^'"]*?from ['"]([^'"]+)['"]/gm)) {
        if (!specifier!.startsWith('.')) continue;
        const target = relative(generatedTs, join(file, '..', specifier!));
        if (target.startsWith('..')) escapes.push(`${relative(repoRoot, file)}: ${specifier}`);
      }
    }
    expect(escapes).toEqual([]);
  });

  it("has the server interfaces take the runtime's types from trident/server", () => {
    for (const version of versions) {
      const text = readFileSync(join(generatedTs, version, 'server.ts'), 'utf8');
      expect(text, version).toMatch(/^import type \{ [^}]*\bOperationContext\b[^}]* \} from 'trident\/server';$/m);
    }
  });
});
