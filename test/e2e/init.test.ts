import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main as init } from '../../tools/init.ts';
import { scaffoldFiles } from '../../tools/init/templates.ts';
import { toolPackages } from '../../tools/tool-packages.ts';

const dirs: string[] = [];
const scratch = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'trident-init-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('trident init', () => {
  it('scaffolds an empty folder: contract, handlers, configuration, scripts, CI workflow', async () => {
    const dir = scratch();
    const lines: string[] = [];
    expect(await init([join(dir, 'team-notes')], (line) => lines.push(line))).toBe(0);
    const written = readdirSync(join(dir, 'team-notes'), { recursive: true }).map(String).sort();
    expect(written).toEqual(expect.arrayContaining(['.github/workflows/contracts.yml', '.gitignore', 'README.md', 'contracts/notes/v1/CHANGELOG.yaml', 'contracts/notes/v1/openapi.yaml', 'package.json', 'src/handlers.ts', 'trident.config.json', 'tsconfig.json']));
    const manifest = JSON.parse(readFileSync(join(dir, 'team-notes', 'package.json'), 'utf8')) as { name: string; scripts: Record<string, string>; devDependencies: Record<string, string>; dependencies: Record<string, string> };
    expect(manifest.name).toBe('team-notes');
    expect(manifest.scripts).toMatchObject({ generate: 'trident generate', start: 'trident serve' });
    // trident serves in production; what only generate and the other tools load is for development.
    expect(Object.keys(manifest.dependencies).sort()).toEqual(['@bufbuild/protobuf', '@grpc/grpc-js', 'openapi-fetch', 'trident']);
    expect(Object.keys(manifest.devDependencies).sort()).toEqual([...toolPackages].sort());
    for (const range of Object.values(manifest.devDependencies)) expect(range).toMatch(/^\^\d+\.\d+\.\d+$/);
    expect(JSON.parse(readFileSync(join(dir, 'team-notes', 'trident.config.json'), 'utf8'))).toMatchObject({ protoPackage: 'team_notes', serve: { handlers: 'src/handlers.ts' } });
    expect(lines.join('\n')).toContain('npx trident generate');
  });

  it('refuses a folder that is not empty and writes nothing', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const lines: string[] = [];
    expect(await init([dir], (line) => lines.push(line))).toBe(1);
    expect(lines.join('\n')).toMatch(/is not empty; nothing was written.*--force/);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  it('with --force adds the scaffold and keeps what package.json already had', async () => {
    const dir = scratch();
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'existing', scripts: { test: 'node --test' }, dependencies: { zod: '^3.0.0' } }));
    expect(await init([dir, '--force'], () => {})).toBe(0);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; scripts: Record<string, string>; dependencies: Record<string, string>; devDependencies: Record<string, string> };
    expect(manifest.name).toBe('existing');
    expect(manifest.scripts.test).toBe('node --test');
    expect(manifest.scripts.generate).toBe('trident generate');
    expect(manifest.dependencies.zod).toBe('^3.0.0');
    expect(manifest.dependencies.trident).toMatch(/^\^\d+\.\d+\.\d+/);
  });

  it('refuses a name npm would refuse', async () => {
    await expect(init([scratch(), '--name', 'Not A Name'])).rejects.toThrow(/not an npm package name/);
  });

  it('is a pure function of its options', () => {
    const options = { name: 'a', tridentRange: '^1.0.0', protoPackage: 'a', runtimeDependencies: { 'openapi-fetch': '^0.17.0' }, toolDependencies: { typescript: '^5.9.3' } };
    expect([...scaffoldFiles(options)]).toEqual([...scaffoldFiles(options)]);
  });
});
