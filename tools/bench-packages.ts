#!/usr/bin/env node
/**
 * `npm run bench:packages`: what a team outside this repository gets, measured. Packs the toolkit
 * (`npm pack`) and study v2's client package (`trident package` then `npm pack`), installs each
 * tarball with npm into a fresh project outside the checkout, and prints:
 *   - node_modules of a project depending only on the study v2 client package (goal <= 5 MB);
 *   - node_modules of a project with the toolkit as a dev dependency (goal <= 150 MB);
 *   - `npx trident generate` in a scaffolded project: cold (no output, no generate cache, and an
 *     empty temporary folder, so no V8 compile cache of any earlier run), then warm (goal <= 2 s
 *     cold), median of `--runs` (default 3);
 *     and what npx itself takes (`npx trident --version`);
 *   - the REST client's production bundle, gzip level 9 (stays <= 4.7 kB).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeClientPackage } from './package.ts';
import { measure } from './size-clients.ts';

const repoRoot = join(import.meta.dirname, '..');

function sh(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync(command, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20, timeout: 600_000 });
}

/** Bytes of every file under a folder, as `du --apparent-size` counts them. */
function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += statSync(join(entry.parentPath, entry.name)).size;
  }
  return total;
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

function freshProject(root: string, name: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
  return dir;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { runs: { type: 'string', default: '3' } } });
  const runs = Number(values.runs);
  const scratch = mkdtempSync(join(tmpdir(), 'trident-bench-packages-'));
  try {
    sh('npm', ['pack', '--pack-destination', scratch], repoRoot);
    const toolkit = join(scratch, readdirSync(scratch).find((name) => /^trident-.*\.tgz$/.test(name))!);
    const written = await writeClientPackage({ root: repoRoot, key: 'study/v2', out: join(scratch, 'study-v2-client'), log: () => {} });
    if (!written) throw new Error('trident package study/v2 refused');
    sh('npm', ['pack', '--pack-destination', scratch], written.dir);
    const client = join(scratch, `${written.name}-${written.version}.tgz`);

    const clientOnly = freshProject(scratch, 'client-only');
    sh('npm', ['install', '--no-audit', '--no-fund', client], clientOnly);
    const withToolkit = join(scratch, 'with-toolkit');
    sh('npx', ['--yes', '--package', toolkit, '--', 'trident', 'init', 'with-toolkit'], scratch);
    sh('npm', ['install', '--no-audit', '--no-fund', '--save-dev', toolkit], withToolkit);
    const toolkitOnly = freshProject(scratch, 'toolkit-only');
    sh('npm', ['install', '--no-audit', '--no-fund', '--save-dev', toolkit], toolkitOnly);

    const generateMs = (cold: boolean): number => {
      if (cold) {
        rmSync(join(withToolkit, 'generated'), { recursive: true, force: true });
        rmSync(join(withToolkit, '.cache'), { recursive: true, force: true });
      }
      // Node keeps its compile cache in the temporary folder unless told otherwise: a fresh one is a
      // first run on a new machine.
      const temporary = join(scratch, 'tmp');
      if (cold) rmSync(temporary, { recursive: true, force: true });
      mkdirSync(temporary, { recursive: true });
      const { NODE_COMPILE_CACHE: _ignored, ...inherited } = process.env;
      const env = { ...inherited, TMPDIR: temporary };
      const started = performance.now();
      const result = spawnSync('npx', ['--no-install', 'trident', 'generate'], { cwd: withToolkit, env, encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`npx trident generate failed:\n${result.stdout}${result.stderr}`);
      return performance.now() - started;
    };
    const cold = Array.from({ length: runs }, () => generateMs(true));
    const warm = Array.from({ length: runs }, () => generateMs(false));
    // What npx itself takes (npm starting, finding the bin) before trident runs.
    const npxOnly = Array.from({ length: runs }, () => {
      const started = performance.now();
      const result = spawnSync('npx', ['--no-install', 'trident', '--version'], { cwd: withToolkit, encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`npx trident --version failed:\n${result.stdout}${result.stderr}`);
      return performance.now() - started;
    });
    const rest = (await measure(['study/v2'])).find((row) => row.name === 'study/v2 REST client');

    const rows: Array<[string, string, string]> = [
      ['node_modules, only the study v2 client package', mb(folderBytes(join(clientOnly, 'node_modules'))), '<= 5 MB'],
      ['node_modules, the toolkit as dev dependency', mb(folderBytes(join(toolkitOnly, 'node_modules'))), '<= 150 MB'],
      ['node_modules, a scaffolded project (trident init)', mb(folderBytes(join(withToolkit, 'node_modules'))), ''],
      [`npx trident generate, cold (median of ${runs})`, `${(median(cold) / 1000).toFixed(2)} s`, '<= 2 s'],
      [`npx trident generate, warm (median of ${runs})`, `${(median(warm) / 1000).toFixed(2)} s`, ''],
      [`  of which npx itself (npx trident --version)`, `${(median(npxOnly) / 1000).toFixed(2)} s`, ''],
      ['study v2 REST client, production bundle gzip', rest ? `${(rest.gzip / 1024).toFixed(1)} kB` : 'n/a', '<= 4.7 kB'],
    ];
    const width = Math.max(...rows.map(([name]) => name.length));
    console.log(`${'measure'.padEnd(width)}  ${'value'.padStart(9)}  goal`);
    for (const [name, value, goal] of rows) console.log(`${name.padEnd(width)}  ${value.padStart(9)}  ${goal}`);
    console.log(`Node ${process.version}; toolkit tarball ${mb(statSync(toolkit).size)}, client tarball ${(statSync(client).size / 1024).toFixed(1)} kB.`);
    return 0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
