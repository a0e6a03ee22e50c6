import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { breaking } from '../../tools/breaking.ts';
import { copyContracts, repoRoot } from '../e2e/workspace.ts';

const git = (root: string, ...args: string[]): string =>
  execFileSync('git', ['-C', root, '-c', 'user.name=Trident', '-c', 'user.email=trident@example.com', ...args], { encoding: 'utf8' });

// Renames the response property `description` of Study in study v1 (a new user's first change).
function renameDescription(root: string): void {
  const path = join(root, 'contracts/study/v1/openapi.yaml');
  const text = readFileSync(path, 'utf8');
  const study = text.indexOf('    Study:\n');
  const renamed = text.slice(study).replace('        - description\n', '        - summary\n').replace('        description:\n          type: [string, ', '        summary:\n          type: [string, ');
  writeFileSync(path, text.slice(0, study) + renamed);
}

describe('trident breaking in a workspace', () => {
  let root: string;
  const scratch: string[] = [];
  const output: string[] = [];
  const log = (text: string): void => {
    output.push(text);
  };

  beforeAll(() => {
    root = copyContracts();
    scratch.push(root);
    git(root, 'init', '-q');
    git(root, 'add', '.');
    git(root, 'commit', '-q', '-m', 'contracts');
    renameDescription(root);
  });
  afterAll(() => {
    for (const directory of scratch) rmSync(directory, { recursive: true, force: true });
  });

  let fingerprint = '';

  it('fails a breaking change against a git revision, read with git archive, leaving the checkout alone', async () => {
    const head = git(root, 'rev-parse', 'HEAD');
    const status = git(root, 'status', '--porcelain');
    output.length = 0;
    const { exitCode, report } = await breaking({ root, base: 'HEAD', today: '2026-06-01', log });
    expect(exitCode).toBe(1);
    fingerprint = report?.versions.flatMap((version) => version.findings).find((finding) => finding.status === 'fail')?.fingerprint ?? '';
    const study = report?.versions.find((version) => version.api === 'study' && version.version === 1);
    expect(study?.findings.filter((finding) => finding.status === 'fail').map((finding) => `${finding.rule} ${finding.subject}`)).toEqual(['response-property-removed Study.description']);
    expect(report?.versions.filter((version) => version.change === 'unchanged').map((version) => `${version.api} v${version.version}`)).toEqual(['image v1', 'review v1', 'study v2']);
    // The README shows this very run.
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const shown = /`npm run trident -- breaking --base HEAD`, prints:\n\n```text\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(output.join('')).toBe(shown);
    expect(git(root, 'rev-parse', 'HEAD')).toBe(head);
    expect(git(root, 'status', '--porcelain')).toBe(status);
  });

  it('passes once the change is acknowledged in the changelog, and shows the acknowledgement', async () => {
    expect(fingerprint).toMatch(/^[0-9a-f]{12}$/);
    // As the README says: the entry joins the acknowledgements the changelog already holds.
    const changelog = join(root, 'contracts/study/v1/CHANGELOG.yaml');
    const before = readFileSync(changelog, 'utf8');
    writeFileSync(changelog, `${before}  - fingerprint: ${fingerprint}\n    reason: The viewer reads summary since 4.2.\n`);
    const place = /acknowledged in\s+(contracts\/study\/v1\/CHANGELOG\.yaml:\d+:\d+): The viewer/.exec(readFileSync(join(repoRoot, 'README.md'), 'utf8'))?.[1];
    output.length = 0;
    try {
      const result = await breaking({ root, base: 'HEAD', today: '2026-06-01', log });
      expect(result.exitCode).toBe(0);
      expect(place).toBeDefined();
      expect(output.join('')).toContain(`acknowledged in ${place}: The viewer reads summary since 4.2.`);
    } finally {
      writeFileSync(changelog, before);
    }
  });

  it('compares with a directory, cross-checks, and writes the report to a file', async () => {
    const base = mkdtempSync(join(tmpdir(), 'trident-base-dir-'));
    scratch.push(base);
    cpSync(join(root, 'contracts'), join(base, 'contracts'), { recursive: true });
    writeFileSync(join(base, 'contracts/study/v1/openapi.yaml'), git(root, 'show', 'HEAD:contracts/study/v1/openapi.yaml'));
    const { exitCode } = await breaking({ root, base, format: 'json', output: 'report.json', crosscheck: true, today: '2026-06-01', log });
    expect(exitCode).toBe(1);
    const document = JSON.parse(readFileSync(join(root, 'report.json'), 'utf8')) as { base: string; outcome: string; versions: Array<{ api: string; version: number; crosscheck?: unknown }> };
    expect(document).toMatchObject({ base, outcome: 'fail' });
    expect(document.versions.find((version) => version.api === 'study' && version.version === 1)?.crosscheck).toEqual({
      runs: [
        { tool: 'oasdiff', breaking: 5, agreed: 5 },
        { tool: 'buf', breaking: 1, agreed: 1 },
        { tool: 'graphql-inspector', breaking: 1, agreed: 1 },
      ],
      disagreements: [],
    });
  });

  it('treats every contract as added when the revision had none', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'trident-empty-'));
    scratch.push(empty);
    writeFileSync(join(empty, 'README.md'), 'nothing yet\n');
    git(empty, 'init', '-q');
    git(empty, 'add', '.');
    git(empty, 'commit', '-q', '-m', 'start');
    cpSync(join(repoRoot, 'contracts'), join(empty, 'contracts'), { recursive: true });
    const { exitCode, report } = await breaking({ root: empty, base: 'HEAD', today: '2026-06-01', log });
    expect(report?.versions.map((version) => `${version.api} v${version.version} ${version.change} ${version.mode}`)).toEqual([
      'image v1 added gate',
      'review v1 added gate',
      'study v1 added gate',
      'study v2 added migration',
    ]);
    expect(exitCode).toBe(0);
  });

  it('exits 2 when the base is neither a directory nor a revision', async () => {
    output.length = 0;
    const { exitCode } = await breaking({ root, base: 'no-such-branch', log });
    expect(exitCode).toBe(2);
    expect(output.join('')).toBe(`trident breaking: 'no-such-branch' is neither a directory nor a git revision of ${root}\n`);
    output.length = 0;
    const outside = await breaking({ root: join(root, 'contracts'), base: 'HEAD', log });
    expect(outside.exitCode).toBe(2);
    expect(output.join('')).toMatch(/has no contracts\/ folder; run it from the root of the repository\n$/);
  });

  it('runs from the command line', () => {
    const run = (...args: string[]): { status: number; stdout: string } => {
      try {
        // Node 24 of the dev dependencies, as `npm run trident` uses it.
        const node = join(repoRoot, 'node_modules', '.bin', 'node');
        return { status: 0, stdout: execFileSync(node, [join(repoRoot, 'tools/trident.ts'), ...args], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) };
      } catch (error) {
        const failure = error as { status: number; stdout: string };
        return { status: failure.status, stdout: failure.stdout };
      }
    };
    expect(run('breaking', '--format', 'yaml', '--base', 'HEAD').status).toBe(2);
    const rules = run('breaking', '--rules');
    expect(rules.status).toBe(0);
    expect(rules.stdout).toMatch(/^rule +REST\/JSON +GraphQL +gRPC wire +gRPC JSON +TypeScript/);
  });
});
