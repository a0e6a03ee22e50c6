import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { clientPackageName, ConfigError, defaultConfig, loadConfig } from '../../src/config/index.ts';

const dirs: string[] = [];
function project(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'trident-config-'));
  dirs.push(dir);
  for (const [name, value] of Object.entries(files)) writeFileSync(join(dir, name), typeof value === 'string' ? value : JSON.stringify(value));
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the project configuration', () => {
  it('is the default layout without a file or a package.json key', () => {
    expect(loadConfig(project({ 'package.json': { name: 'x' } }))).toEqual(defaultConfig);
  });

  it('reads trident.config.json, or the trident key of package.json', () => {
    const own = loadConfig(project({ 'trident.config.json': { contracts: 'api/', output: './out', protoPackage: 'acme.imaging', clients: { scope: '@acme' }, serve: { handlers: 'src/app.ts' } } }));
    expect(own).toMatchObject({ contracts: 'api', output: 'out', protoPackage: 'acme.imaging', clients: { scope: '@acme', name: '{api}-v{major}-client' }, serve: { handlers: 'src/app.ts' }, source: 'trident.config.json' });
    expect(loadConfig(project({ 'package.json': { trident: { output: 'gen' } } }))).toMatchObject({ output: 'gen', contracts: 'contracts', source: 'package.json#trident' });
  });

  const refused: Array<[string, unknown, RegExp]> = [
    ['an unknown key', { contract: 'x' }, /"contract" is not a configuration key[\s\S]*hint: the keys are contracts, output/],
    ['a folder outside the project', { output: '../elsewhere' }, /"output" is "..\/elsewhere"[\s\S]*a folder inside the project/],
    ['a proto package with capitals', { protoPackage: 'Acme' }, /"protoPackage" is "Acme"/],
    ['a scope without @', { clients: { scope: 'acme' } }, /"clients.scope" is "acme"[\s\S]*an npm scope/],
    ['a name without {major}', { clients: { name: '{api}-client' } }, /"clients.name" is "\{api\}-client"/],
    ['clients that are not an object', { clients: '@acme' }, /"clients" must be an object/],
    ['the output in the contracts folder', { output: 'contracts' }, /"output" is the contracts folder too/],
  ];
  for (const [what, raw, message] of refused) {
    it(`refuses ${what}, naming the file and the key`, () => {
      const dir = project({ 'trident.config.json': raw });
      expect(() => loadConfig(dir)).toThrow(ConfigError);
      expect(() => loadConfig(dir)).toThrow(message);
    });
  }

  it('refuses a file that is not JSON', () => {
    expect(() => loadConfig(project({ 'trident.config.json': '{ contracts: "x", }' }))).toThrow(/trident.config.json: is not valid JSON/);
  });

  it('names client packages from the template and the scope', () => {
    expect(clientPackageName(defaultConfig, 'study', 2)).toBe('study-v2-client');
    expect(clientPackageName({ clients: { scope: '@acme', name: 'api-{api}-{major}' } }, 'study', 2)).toBe('@acme/api-study-2');
  });
});
