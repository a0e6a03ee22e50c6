import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The base of a comparison on disk: its root (holding `contracts/`), its label, and how to remove it. */
export type Base = { root: string; label: string; cleanup: () => void } | { error: string };

/**
 * Puts the base of `trident breaking` on disk. A directory is read in place; a git revision has
 * its `contracts/` extracted with `git archive` into a scratch directory, never checked out, so
 * the working tree and the index are left alone.
 */
export function materialiseBase(root: string, base: string, contracts = 'contracts'): Base {
  const directory = resolve(root, base);
  if (existsSync(directory) && statSync(directory).isDirectory()) {
    if (!existsSync(join(directory, contracts))) return { error: `${base} is a directory without a ${contracts}/ folder` };
    return { root: directory, label: base, cleanup: () => undefined };
  }
  const git = (args: string[], input?: Buffer): Buffer =>
    execFileSync('git', ['-C', root, ...args], { stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 1 << 30, ...(input ? { input } : {}) });
  try {
    git(['rev-parse', '--verify', '--quiet', `${base}^{commit}`]);
  } catch {
    return { error: `'${base}' is neither a directory nor a git revision of ${root}` };
  }
  const scratch = mkdtempSync(join(tmpdir(), 'trident-base-'));
  const cleanup = (): void => rmSync(scratch, { recursive: true, force: true });
  try {
    const prefix = git(['rev-parse', '--show-prefix']).toString().trim();
    // A revision from before the first contract has none: everything is then added.
    const listed = git(['ls-tree', '-d', '--name-only', `${base}:${prefix}`, contracts]).toString().trim();
    if (listed !== '') {
      const archive = git(['archive', '--format=tar', `${base}:${prefix}`, contracts]);
      execFileSync('tar', ['-x', '-C', scratch], { input: archive, stdio: ['pipe', 'ignore', 'pipe'] });
    }
    return { root: scratch, label: base, cleanup };
  } catch (error) {
    cleanup();
    return { error: `could not read ${contracts}/ at ${base}: ${(error as Error).message.split('\n')[0] ?? ''}` };
  }
}
