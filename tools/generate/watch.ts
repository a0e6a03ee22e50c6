import { existsSync, readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { generate, type GenerateOptions } from '../generate.ts';
import { listFiles } from './output.ts';

/**
 * `generate --watch`: generates once, then again whenever a watched document (or a file it
 * references in the same folders) is saved, printing the diagnostics of each run. It runs until
 * `signal` aborts (the CLI aborts on Ctrl-C). Lock files and the output folder are not watched,
 * so its own writes never trigger it.
 */
export async function watchGenerate(options: GenerateOptions, signal: AbortSignal): Promise<void> {
  const log = options.log ?? ((line: string) => console.log(line));
  const root = resolve(options.root);
  const outDir = resolve(root, options.outDir ?? 'generated');
  const targets = (options.contracts ?? ['contracts']).map((path) => resolve(root, path));
  const run = async (): Promise<void> => {
    const started = performance.now();
    const result = await generate({ ...options, watch: true });
    const time = new Date().toTimeString().slice(0, 8);
    const took = Math.round(performance.now() - started);
    log(result.ok ? `[${time}] up to date in ${took} ms; watching for changes (Ctrl-C stops).` : `[${time}] errors above; watching for changes (Ctrl-C stops).`);
  };

  const relevant = (file: string): boolean => {
    if (file.startsWith(outDir + sep) || file === outDir) return false;
    if (file.split(sep).some((part) => part === 'node_modules' || part === '.cache' || part.startsWith('.git'))) return false;
    const name = basename(file);
    return /\.(ya?ml|json)$/i.test(name) && !name.endsWith('.lock.json') && !name.includes('.tmp-');
  };
  // Editors save through temporary files whose names say nothing (`sedX1y2`, `4913`, `.x.swp`), so
  // any event leads to a look at the documents themselves: a run follows only a real change.
  const folders = targets.map((target) => (existsSync(target) && statSync(target).isDirectory() ? target : dirname(target)));
  const snapshot = (): string => {
    const stamps: string[] = [];
    for (const folder of folders) {
      for (const file of listFiles(folder)) {
        if (!relevant(file)) continue;
        try {
          const { mtimeMs, size } = statSync(file);
          stamps.push(`${file}:${mtimeMs}:${size}`);
        } catch {
          // Gone between listing and looking: the next event says more.
        }
      }
    }
    return stamps.sort().join('\n');
  };

  let seen = snapshot();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const schedule = (): void => {
    clearTimeout(timer);
    // Editors save in several steps (write, rename); one look follows the last of them.
    timer = setTimeout(() => {
      running = running.then(async () => {
        const now = snapshot();
        if (now === seen) return;
        seen = now;
        await run();
      }).catch((error: unknown) => log(`watch: ${(error as Error).message}`));
    }, 120);
  };

  // One watcher per folder: a folder's own watch sees every file created, renamed or written in
  // it, also one an editor replaced, which a recursive watch on Linux may lose track of.
  const watchers: FSWatcher[] = [];
  for (const folder of new Set(folders.flatMap((folder) => [folder, ...subfolders(folder)]))) {
    if (folder === outDir || folder.startsWith(outDir + sep)) continue;
    const watcher = watch(folder, { signal }, () => schedule());
    watcher.on('error', () => {});
    watchers.push(watcher);
  }
  await run();
  seen = snapshot();
  await new Promise<void>((done) => {
    if (signal.aborted) done();
    else signal.addEventListener('abort', () => done(), { once: true });
  });
  clearTimeout(timer);
  for (const watcher of watchers) watcher.close();
  await running;
}

function subfolders(folder: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const path = join(folder, entry.name);
    found.push(path, ...subfolders(path));
  }
  return found;
}
