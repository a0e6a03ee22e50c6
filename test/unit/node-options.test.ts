import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../e2e/workspace.ts';

// The `trident` command sizes V8's young generation for a batch compile. Node reads that option
// only from its command line, so it is written on the `#!` line of the command and in every npm
// script that compiles; bench:scale reads it from the `#!` line. They must agree.
const shebang = readFileSync(join(repoRoot, 'tools/trident.ts'), 'utf8').split('\n', 1)[0] ?? '';
const scripts = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
const optionsOf = (command: string): string[] => (/\bnode((?: --[^\s]+)*) tools\/trident\.ts\b/.exec(command)?.[1] ?? '').trim().split(/\s+/).filter(Boolean);

describe('the Node options of the trident command', () => {
  const options = shebang.replace(/^#!\/usr\/bin\/env -S node/, '').trim().split(/\s+/).filter(Boolean);

  it('are on the #! line, which `env -S` splits into node and its options', () => {
    expect(shebang).toMatch(/^#!\/usr\/bin\/env -S node /);
    expect(options).toContain('--max-semi-space-size=8');
  });

  for (const name of ['generate', 'check', 'trident']) {
    it(`are the options of npm run ${name}`, () => {
      expect(scripts[name]).toContain('tools/trident.ts');
      expect(optionsOf(scripts[name] ?? '')).toEqual(options);
    });
  }

  it('start the command when it is run as a program (as npx and node_modules/.bin run it)', () => {
    const path = `${join(repoRoot, 'node_modules/.bin')}:${process.env.PATH ?? ''}`;
    const output = execFileSync(join(repoRoot, 'tools/trident.ts'), ['diagnostics'], { encoding: 'utf8', env: { ...process.env, PATH: path } });
    expect(output).toContain('openapi-invalid');
  });
});
