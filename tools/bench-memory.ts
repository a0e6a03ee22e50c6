/**
 * `npm run bench:memory`: the resident memory of `trident serve`, idle and at its start-up peak.
 * Starts the real command on PGlite (in a scratch directory) and, when `DATABASE_URL` is set, on
 * that PostgreSQL server; waits until it serves, lets it settle (`--settle`, seconds), and reads
 * the kernel's figures for the process: VmRSS (resident now) and VmHWM (the most it ever held
 * since `serve` replaced itself with the process it serves from; see withServingHeap in
 * tools/cli.ts). By default it builds the package (`npm run build`) and measures
 * dist/tools/trident.js, what `npx trident serve` runs where trident is installed;
 * `--entry tools/trident.ts` measures `npm start` in this repository (Node strips the types of every
 * toolkit module as it loads it).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { httpLoad, type LoadResult } from './bench/runtime-load.ts';

const { values } = parseArgs({
  options: {
    settle: { type: 'string', default: '10' },
    entry: { type: 'string' },
    // Seconds of REST reads (16 connections) after the idle figure, then resident memory again.
    load: { type: 'string', default: '0' },
    // NODE_OPTIONS of the server only, e.g. another --max-semi-space-size to compare with.
    'node-options': { type: 'string' },
  },
});
const loadSeconds = Number(values.load);
const settleMs = Number(values.settle) * 1000;
const root = join(import.meta.dirname, '..');
const entry = values.entry ?? 'dist/tools/trident.js';
if (values.entry === undefined) execFileSync(process.execPath, [join(root, 'tools', 'build.ts')], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });

interface Figures {
  idleMb: number;
  peakMb: number;
  startMs: number;
  load?: LoadResult & { afterMb: number };
}

/** A field of /proc/<pid>/status in MB (the kernel writes kB). */
function statusMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match?.[1]) throw new Error(`/proc/${pid}/status has no ${field}`);
  return Number(match[1]) / 1024;
}

async function measure(databaseUrl: string, dataDir: string): Promise<Figures> {
  const started = performance.now();
  const child = spawn(join(root, 'node_modules/.bin/node'), [entry, 'serve'], {
    cwd: root,
    env: { ...process.env, PORT: '0', GRPC_PORT: '0', TRIDENT_DATA_DIR: dataDir, DATABASE_URL: databaseUrl, ...(values['node-options'] === undefined ? {} : { NODE_OPTIONS: values['node-options'] }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const deadline = Date.now() + 120_000;
    while (!output.includes('Try:') && Date.now() < deadline && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 50));
    if (!output.includes('Try:') || child.pid === undefined) throw new Error(`the server did not start:\n${output}`);
    const startMs = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    // The median of a few readings a little apart: a timer or a GC may move one of them.
    const readings: number[] = [];
    for (let index = 0; index < 5; index += 1) {
      readings.push(statusMb(child.pid, 'VmRSS'));
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    readings.sort((a, b) => a - b);
    const figures: Figures = { idleMb: readings[2]!, peakMb: statusMb(child.pid, 'VmHWM'), startMs };
    if (loadSeconds > 0) {
      const httpUrl = /REST\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(output)?.[1];
      const token = /^ {2}doctor\s+(eyJ[\w.-]+)$/m.exec(output)?.[1];
      const studyId = /Demo study: (stu_\w+)/.exec(output)?.[1];
      if (!httpUrl || !token || !studyId) throw new Error(`no demo study to read:\n${output}`);
      const result = await httpLoad(httpUrl, [{ method: 'GET', path: `/study/v2/studies/${studyId}`, headers: { authorization: `Bearer ${token}` } }], { connections: 16, seconds: loadSeconds });
      figures.load = { ...result, afterMb: statusMb(child.pid, 'VmRSS') };
    }
    return figures;
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

const line = (label: string, figures: Figures): string =>
  `${label}: idle ${figures.idleMb.toFixed(1)} MB resident, start-up peak ${figures.peakMb.toFixed(1)} MB (${(figures.peakMb / figures.idleMb).toFixed(2)}x idle), serving after ${(figures.startMs / 1000).toFixed(1)} s` +
  (figures.load ? `\n  then ${loadSeconds} s of REST getStudy: ${figures.load.rps.toFixed(0)} req/s, p50 ${figures.load.p50} ms, p99 ${figures.load.p99} ms, ${figures.load.errors} errors; ${figures.load.afterMb.toFixed(1)} MB resident after` : '');

console.log(`Machine: ${cpus().length} cores, Node ${process.version}, load average ${loadavg()[0]!.toFixed(1)}; node ${entry} serve; each figure after ${values.settle} s idle`);
// The first start creates the database (and the demo data); a restart opens what is there.
for (const [store, databaseUrl, goalMb] of [['PGlite', '', 250], ['PostgreSQL', process.env.DATABASE_URL, 150]] as const) {
  if (databaseUrl === undefined) {
    console.log(`${store}: not measured (set DATABASE_URL)`);
    continue;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'trident-bench-memory-'));
  try {
    console.log(line(`${store}, first start`, await measure(databaseUrl, dataDir)));
    console.log(line(`${store}, restart`, await measure(databaseUrl, dataDir)));
    console.log(`${store}: goal idle <= ${goalMb} MB, start-up peak <= 1.5x idle`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
