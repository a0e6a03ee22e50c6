import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Where benchmark corpora are installed: a git-ignored folder of the repository. */
export const cacheRoot = join(import.meta.dirname, '..', '..', '.cache');

/**
 * An npm package installed on first use into `.cache/<folder>` (never into package.json), so
 * benchmarks can run on large public API descriptions without making them dependencies.
 */
export function installCorpus(folder: string, spec: string, marker: string): string {
  const prefix = join(cacheRoot, folder);
  const found = join(prefix, 'node_modules', marker);
  if (!existsSync(found)) {
    console.error(`installing ${spec} into .cache/${folder} (once)...`);
    execFileSync('npm', ['install', '--prefix', prefix, spec, '--no-save', '--no-audit', '--no-fund', '--loglevel=error'], { stdio: ['ignore', 'inherit', 'inherit'] });
  }
  return found;
}
