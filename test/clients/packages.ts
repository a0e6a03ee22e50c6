import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeClientPackage } from '../../tools/package.ts';
import { run } from '../e2e/packaging.ts';
import { repoRoot } from './harness.ts';

let packed: Promise<Map<string, string>> | undefined;

/**
 * The client packages of image v1, review v1 and study v2 as `trident package` writes them, each
 * packed by `npm pack`: tarball paths by API version. Made once per test file.
 */
export function clientTarballs(): Promise<Map<string, string>> {
  packed ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trident-client-packages-'));
    const tarballs = new Map<string, string>();
    for (const key of ['image/v1', 'review/v1', 'study/v2']) {
      const written = await writeClientPackage({ root: repoRoot, key, out: join(dir, key.replace('/', '-')), log: () => {} });
      if (!written) throw new Error(`trident package ${key} refused`);
      await run('npm', ['pack', '--pack-destination', dir], { cwd: written.dir });
      tarballs.set(key, join(dir, `${written.name}-${written.version}.tgz`));
    }
    return tarballs;
  })();
  return packed;
}

/** `npm install` of tarballs (and registry packages) into a project folder, as a team would. */
export async function installInto(dir: string, specs: string[]): Promise<void> {
  await run('npm', ['install', '--no-audit', '--no-fund', ...specs], { cwd: dir, timeout: 300_000 });
}
