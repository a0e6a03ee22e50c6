import { existsSync, statSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { generate, type GenerateOptions } from '../generate.ts';

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
    const result = await generate(options);
    const time = new Date().toTimeString().slice(0, 8);
    const took = Math.round(performance.now() - started);
    log(result.ok ? `[${time}] up to date in ${took} ms; watching for changes (Ctrl-C stops).` : `[${time}] errors above; watching for changes (Ctrl-C stops).`);
  };

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let again = false;
  const schedule = (): void => {
    clearTimeout(timer);
    // Editors save in several steps (write, rename); one run follows the last of them.
    timer = setTimeout(() => {
      if (again) return;
      again = true;
      running = running.then(async () => {
        again = false;
        await run();
      });
    }, 120);
  };
  const relevant = (file: string): boolean => {
    if (file.startsWith(outDir + sep) || file === outDir) return false;
    if (file.split(sep).some((part) => part === 'node_modules' || part === '.cache' || part.startsWith('.git'))) return false;
    const name = basename(file);
    return /\.(ya?ml|json)$/i.test(name) && !name.endsWith('.lock.json') && !name.includes('.tmp-');
  };

  const watchers: FSWatcher[] = [];
  for (const target of targets) {
    // A single file is watched through its folder: editors replace files rather than rewrite them.
    const folder = existsSync(target) && statSync(target).isDirectory() ? target : dirname(target);
    const onlyFile = folder === target ? undefined : basename(target);
    const watcher = watch(folder, { recursive: true, signal }, (_event, name) => {
      if (name === null) return;
      const file = join(folder, name.toString());
      if (onlyFile !== undefined && relative(folder, file) !== onlyFile && !relevant(file)) return;
      if (relevant(file)) schedule();
    });
    watcher.on('error', () => {});
    watchers.push(watcher);
  }
  await run();
  await new Promise<void>((done) => {
    if (signal.aborted) done();
    else signal.addEventListener('abort', () => done(), { once: true });
  });
  clearTimeout(timer);
  for (const watcher of watchers) watcher.close();
  await running;
}
