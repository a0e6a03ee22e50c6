import { cpSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';

/** The repository root. */
export const repoRoot = join(import.meta.dirname, '..', '..');

/** A scratch copy of the repository's contracts, to generate into without touching the checkout. */
export function copyContracts(): string {
  const root = mkdtempSync(join(tmpdir(), 'trident-workspace-'));
  cpSync(join(repoRoot, 'contracts'), join(root, 'contracts'), { recursive: true });
  return root;
}

/** Every file under a directory, by relative path, with its text. */
export function readTree(directory: string): Map<string, string> {
  const tree = new Map<string, string>();
  for (const entry of readdirSync(directory, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    tree.set(relative(directory, full).split(sep).join('/'), readFileSync(full, 'utf8'));
  }
  return tree;
}
