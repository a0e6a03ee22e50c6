import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from './workspace.ts';

// tools/ci-history.sh, which .ci/run asks for the gate's base, on real clones.
describe('the history the breaking-change gate needs in CI', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'trident-history-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.org', GIT_CONFIG_GLOBAL: '/dev/null' };
  const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, env, encoding: 'utf8' }).trim();
  const history = (cwd: string) => spawnSync(join(repoRoot, 'tools/ci-history.sh'), [], { cwd, env, encoding: 'utf8' });
  const repository = (name: string, commits: number): string => {
    const path = join(scratch, name);
    git(scratch, 'init', '--quiet', '--initial-branch=main', path);
    for (let n = 1; n <= commits; n += 1) {
      writeFileSync(join(path, 'file.txt'), `${n}\n`);
      git(path, 'add', 'file.txt');
      git(path, 'commit', '--quiet', '-m', `commit ${n}`);
    }
    return path;
  };

  it('deepens a shallow clone from its remote so that HEAD~1 is there', () => {
    const origin = repository('origin', 3);
    const clone = join(scratch, 'shallow');
    git(scratch, 'clone', '--quiet', '--depth=1', `file://${origin}`, clone);
    expect(git(clone, 'rev-parse', '--is-shallow-repository')).toBe('true');
    const result = history(clone);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('HEAD~1\n');
    expect(result.stderr).toContain('shallow clone; fetching one more commit from origin');
    expect(git(clone, 'rev-parse', 'HEAD~1')).toBe(git(origin, 'rev-parse', 'HEAD~1'));
  });

  it('says so when HEAD is the first commit, and fails when a shallow clone has nowhere to fetch from', () => {
    const first = history(repository('first', 1));
    expect(first.status).toBe(0);
    expect(first.stdout).toBe('');
    expect(first.stderr).toContain("HEAD is the repository's first commit");

    const clone = join(scratch, 'orphaned');
    git(scratch, 'clone', '--quiet', '--depth=1', `file://${repository('origin-2', 2)}`, clone);
    git(clone, 'remote', 'remove', 'origin');
    const orphaned = history(clone);
    expect(orphaned.status).toBe(1);
    expect(orphaned.stderr).toContain('shallow and has no remote');
  });
});
