import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, createLogger, type InlineConfig } from 'vite';
import { clientTarballs, installInto } from '../clients/packages.ts';

export const repoRoot = join(import.meta.dirname, '..', '..');
export const appSource = join(import.meta.dirname, 'app');

/**
 * A fresh Vite app as a frontend team would have it: its own folder outside this repository, the
 * client packages of image v1, review v1 and study v2 installed from their tarballs (as
 * `trident package` writes them), and the page of test/browser/app.
 */
export async function scaffoldApp(files: Record<string, string> = {}): Promise<{ dir: string; dispose(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'trident-vite-app-'));
  for (const name of ['index.html', 'main.ts']) cpSync(join(appSource, name), join(dir, name));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'studies-page', private: true, type: 'module' }, null, 2));
  await installInto(dir, [...(await clientTarballs()).values()]);
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Built {
  outDir: string;
  warnings: string[];
  /** Every emitted file's text, by name. */
  files: Map<string, string>;
}

/** `vite build` of the app, with every warning kept. */
export async function buildApp(dir: string, config: InlineConfig = {}): Promise<Built> {
  const warnings: string[] = [];
  const logger = createLogger('warn', { allowClearScreen: false });
  logger.warn = (message) => void warnings.push(message);
  logger.warnOnce = (message) => void warnings.push(message);
  const outDir = join(dir, 'dist');
  await build({ root: dir, configFile: false, logLevel: 'warn', customLogger: logger, build: { outDir, emptyOutDir: true }, ...config });
  const files = new Map<string, string>();
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else files.set(path.slice(outDir.length + 1), readFileSync(path, 'utf8'));
    }
  };
  walk(outDir);
  return { outDir, warnings, files };
}
