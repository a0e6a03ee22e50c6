import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from './workspace.ts';

describe('trident generate --watch', () => {
  const root = mkdtempSync(join(tmpdir(), 'trident-watch-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('regenerates on save, shows diagnostics without exiting, and stops on Ctrl-C', async () => {
    copyFileSync(join(repoRoot, 'test/fixtures/foreign-path-templates/input/openapi.yaml'), join(root, 'pets.yaml'));
    const child = spawn(join(repoRoot, 'node_modules/.bin/node'), [join(repoRoot, 'tools/trident.ts'), 'generate', 'pets.yaml', '--out', 'out', '--watch', '--only', 'graphql,proto'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (data: Buffer) => { output += data.toString(); });
    child.stderr.on('data', (data: Buffer) => { output += data.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Waits until `pattern` appears in what the watcher printed after `from`.
    const waitFor = async (pattern: RegExp, from: number): Promise<number> => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const match = pattern.exec(output.slice(from));
        if (match) return from + match.index + match[0].length;
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`no ${pattern} in:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    try {
      let at = await waitFor(/up to date in \d+ ms; watching for changes/, 0);
      const sdl = (): string => readFileSync(join(root, 'out/graphql/pets/v2/schema.graphql'), 'utf8');
      expect(sdl()).toContain('getPet(');

      const original = readFileSync(join(root, 'pets.yaml'), 'utf8');
      writeFileSync(join(root, 'pets.yaml'), original.replace("$ref: '#/components/schemas/Pet' }\n  /pets/{id}", "$ref: '#/components/schemas/Pett' }\n  /pets/{id}"));
      at = await waitFor(/errors above; watching for changes/, at);
      expect(output).toMatch(/pets\.yaml:\d+:\d+ error ref-unresolved: \$ref '#\/components\/schemas\/Pett' points to nothing/);
      expect(child.exitCode).toBeNull();

      writeFileSync(join(root, 'pets.yaml'), original.replace('operationId: getPet', 'operationId: fetchPet'));
      await waitFor(/up to date in \d+ ms; watching for changes/, at);
      expect(sdl()).toContain('fetchPet(');
      expect(sdl()).not.toContain('getPet(');
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  }, 90_000);
});
