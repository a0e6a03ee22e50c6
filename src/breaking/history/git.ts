/**
 * What the changelog reads from git: whether a folder is a work tree, the commits that touched a
 * set of paths, and which file contents a commit (or the working tree) holds. Only reading
 * commands are run; the checkout and the index are never touched.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { ChangelogCommit } from './model.ts';

/** Runs git in `root` and returns its standard output; throws on a non-zero exit. */
export function git(root: string, args: string[], input?: string): string {
  return execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 1 << 30, ...(input !== undefined ? { input } : {}) });
}

/** Whether `root` lies inside a git work tree (git installed, a repository around it). */
export function isWorkTree(root: string): boolean {
  try {
    return git(root, ['rev-parse', '--is-inside-work-tree']).trim() === 'true';
  } catch {
    return false;
  }
}

/** The full hash of a revision that names a commit; undefined when it names none. */
export function commitOf(root: string, revision: string): string | undefined {
  try {
    // `--end-of-options` keeps a revision such as `--all` from being read as an option.
    return git(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${revision}^{commit}`]).trim() || undefined;
  } catch {
    return undefined;
  }
}

const field = '\u001f';

/**
 * The commits that changed any of `paths` (relative to `root`), oldest first, following the first
 * parent from HEAD: a branch merged into the mainline counts as its merge commit, so consecutive
 * commits are always a change and what it was made on. With `since`, only commits after it.
 */
export function commitsTouching(root: string, paths: readonly string[], since?: string): ChangelogCommit[] {
  if (commitOf(root, 'HEAD') === undefined) return [];
  const range = since === undefined ? 'HEAD' : `${since}..HEAD`;
  const text = git(root, ['log', '--first-parent', '--reverse', `--format=%H${field}%h${field}%cI${field}%s`, range, '--', ...paths]);
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [hash = '', shortHash = '', date = '', subject = ''] = line.split(field);
      return { hash, shortHash, date, subject };
    });
}

/**
 * The files under `paths` at a commit, each with the id of its content (`path` relative to
 * `root`, sorted): two listings are equal exactly when the files hold the same bytes.
 */
export function filesAt(root: string, commit: string, paths: readonly string[]): Map<string, string> {
  const text = git(root, ['ls-tree', '-r', '-z', commit, '--', ...paths]);
  const files = new Map<string, string>();
  for (const record of text.split('\0')) {
    const match = /^\d+ blob ([0-9a-f]+)\t(.*)$/s.exec(record);
    if (match?.[1] && match[2] !== undefined) files.set(match[2], match[1]);
  }
  return sortedMap(files);
}

/** The same listing for the working tree: what `git add` would store for each file under `paths`. */
export function filesInWorkTree(root: string, paths: readonly string[]): Map<string, string> {
  const found: string[] = [];
  for (const path of paths) {
    const full = join(root, path);
    if (!existsSync(full)) continue;
    if (!statSync(full).isDirectory()) {
      found.push(path.replace(/\/$/, ''));
      continue;
    }
    for (const entry of readdirSync(full, { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) found.push(relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'));
    }
  }
  const unique = [...new Set(found)];
  if (unique.length === 0) return new Map();
  const ids = git(root, ['hash-object', '--stdin-paths'], `${unique.join('\n')}\n`).trim().split('\n');
  return sortedMap(new Map(unique.map((path, index) => [path, ids[index] ?? ''])));
}

/** The text of a file at a commit (`path` relative to `root`); undefined when it has none. */
export function textAt(root: string, commit: string, path: string): string | undefined {
  try {
    return git(root, ['show', `${commit}:./${path}`]);
  } catch {
    return undefined;
  }
}

function sortedMap(map: Map<string, string>): Map<string, string> {
  return new Map([...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
