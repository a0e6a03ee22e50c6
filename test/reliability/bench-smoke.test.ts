import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { postgresReason } from './postgres-cluster.ts';
import { repoRoot } from './server-process.ts';

// Runs a command to its end without blocking this process; resolves with its output and exit code.
function runBench(args: string[], script = 'tools/bench-runtime.ts', env: NodeJS.ProcessEnv = process.env, timeoutMs = 150_000): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(join(repoRoot, 'node_modules/.bin/node'), [script, ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

// The README's benchmark commands, cut short: they must keep working, whatever figures they print.
describe('npm run bench (smoke: one second per figure)', () => {
  it('measures Trident against the baselines in every protocol and prints the table', async () => {
    const { code, output } = await runBench(['--duration', '1']);
    expect(code, output).toBe(0);
    expect(output).toMatch(/^Machine: \d+ cores/m);
    expect(output).toContain('| protocol | operation   | baseline req/s | Trident req/s | ratio |');
    for (const protocol of ['REST', 'GraphQL', 'gRPC']) {
      for (const operation of ['getStudy', 'updateStudy']) expect(output).toMatch(new RegExp(`\\| ${protocol} +\\| ${operation} +\\| \\d+ +\\| \\d+ +\\| \\d+\\.\\d\\dx +\\|.*\\| 0 +\\|`));
    }
    expect(output).toMatch(/Lowest ratio: \d+\.\d\dx/);
  }, 180_000);

  it('holds mixed load in sustained mode and reports errors and memory', async () => {
    const { output } = await runBench(['--sustained', '2', '--warmup', '1']);
    expect(output).toMatch(/Warm-up 1 s at full speed: REST \d+\/s, GraphQL \d+\/s, gRPC \d+\/s/);
    expect(output).toMatch(/\| gRPC +\| \d+ +\| \d+ +\| [\d.]+ \/ [\d.]+ +\| 0 +\|/);
    expect(output).toMatch(/Errors: 0\. Resident memory: [\d.]+ MB after warm-up, [\d.]+ MB at the end/);
  }, 180_000);
});

describe('npm run bench:ops (smoke: a few calls per round)', () => {
  it('prints the CPU time per call of each configuration', async () => {
    const { code, output } = await runBench(['--calls', '200', '--rounds', '1'], 'tools/bench-ops.ts');
    expect(code, output).toBe(0);
    expect(output).toContain('1 rounds of 200 getStudy calls through invoke');
    expect(output).toMatch(/^\| no observer \| \d+\.\d\d \|/m);
    for (const name of ['metrics, tracing off', 'metrics, tracing SDK on']) expect(output).toMatch(new RegExp(`^\\| ${name} \\| \\d+\\.\\d\\d \\| [+-]\\d+\\.\\d\\d µs \\|`, 'm'));
  }, 120_000);
});

describe('npm run bench:flood (smoke: one second per phase)', () => {
  it('times the unrelated REST GET alone and during each flood, and says how the floods were answered', async () => {
    const { code, output } = await runBench(['--duration', '1'], 'tools/bench-graphql-flood.ts');
    expect(code, output).toBe(0);
    const timed = (phase: string) => new RegExp(`^${phase}: REST GET p50 [\\d.]+ ms, p99 [\\d.]+ ms, max [\\d.]+ ms \\(\\d+ requests\\)$`, 'm');
    expect(output).toMatch(timed('Alone'));
    expect(output).toMatch(timed('During 4 x 450 aliases of getStudy \\(27\\.0 kB\\)'));
    expect(output).toMatch(/^ {2}floods answered: \d+ x 400 BAD_USER_INPUT; first error: The query calls more than 20 operations/m);
    expect(output).toMatch(timed('During 4 x 20 aliases of getStudy \\(the most one document may call\\)'));
    expect(output).toMatch(/^ {2}floods answered: \d+ x 200 data$/m);
  }, 180_000);
});

describe('npm run bench:memory (smoke: one second idle)', () => {
  it('prints idle and start-up peak resident memory of serve, first start and restart, on PGlite and (with DATABASE_URL) PostgreSQL', async () => {
    // From source: by default the bench builds dist/, which the packaging tests rebuild meanwhile.
    const { code, output } = await runBench(['--settle', '1', '--entry', 'tools/trident.ts'], 'tools/bench-memory.ts');
    expect(code, output).toBe(0);
    const figures = (label: string) => new RegExp(`^${label}: idle [\\d.]+ MB resident, start-up peak [\\d.]+ MB \\([\\d.]+x idle\\), serving after [\\d.]+ s$`, 'm');
    for (const store of ['PGlite', ...(process.env.DATABASE_URL ? ['PostgreSQL'] : [])]) {
      expect(output).toMatch(figures(`${store}, first start`));
      expect(output).toMatch(figures(`${store}, restart`));
    }
  }, 180_000);
});

describe('npm run bench:replicas', () => {
  it('says how to run it when DATABASE_URL is not set', async () => {
    const { code, output } = await runBench(['--duration', '1'], 'tools/bench-replicas.ts', { ...process.env, DATABASE_URL: '' });
    expect(code).toBe(2);
    expect(output).toContain('tools/ci-postgres.sh run -- npm run bench:replicas');
  }, 30_000);

  // Two replicas a side (haproxy balancing) and one row per protocol, both operations among them:
  // a whole run of every row is the benchmark's own job.
  it.skipIf(postgresReason !== undefined)('(smoke: one second per figure) measures a row per protocol through 2 replicas behind haproxy on PostgreSQL, every write real', async () => {
    const rows = [['REST', 'getStudy'], ['GraphQL', 'updateStudy'], ['gRPC', 'updateStudy']] as const;
    const { code, output } = await runBench(['--duration', '1', '--replicas', '2', '--rows', 'rest:getStudy,graphql:updateStudy,grpc:updateStudy'], 'tools/bench-replicas.ts', process.env, 360_000);
    expect(code, output).toBe(0);
    expect(output).toMatch(/^Machine: \d+ cores .* load average [\d.]+ [\d.]+ [\d.]+$/m);
    expect(output).toMatch(/^Not pinned: the load generator \(this process\), haproxy, PostgreSQL and the replicas share every core/m);
    expect(output).toContain('| replicas | protocol | operation   | baseline req/s | Trident req/s | ratio |');
    for (const [protocol, operation] of rows) {
      const stale = operation === 'getStudy' ? '-' : '0 / 0';
      expect(output).toMatch(new RegExp(`^\\| 2 +\\| ${protocol} +\\| ${operation} +\\| \\d+ +\\| \\d+ +\\| \\d+\\.\\d\\dx +\\|.*\\| 0 / 0 +\\| ${stale} +\\| \\d+ / \\d+ +\\|$`, 'm'));
      if (operation === 'getStudy') continue;
      // Every write answered moved its study by one version, and PostgreSQL holds at least as many.
      const writes = new RegExp(`^  2 x ${protocol}: baseline (\\d+) writes answered, (\\d+) versions gained; Trident (\\d+) answered, (\\d+) gained$`, 'm').exec(output);
      expect(writes, output).not.toBeNull();
      const [answeredBaseline, gainedBaseline, answeredTrident, gainedTrident] = writes!.slice(1).map(Number) as [number, number, number, number];
      expect(answeredBaseline).toBeGreaterThan(0);
      expect(answeredTrident).toBeGreaterThan(0);
      expect(gainedBaseline).toBeGreaterThanOrEqual(answeredBaseline);
      expect(gainedTrident).toBeGreaterThanOrEqual(answeredTrident);
    }
    expect(output).toMatch(/^Lowest ratio: \d+\.\d\dx \(goal: Trident at least 0\.90x of the baseline in every row\)\. Load average after: [\d.]+ [\d.]+ [\d.]+$/m);
  }, 400_000);
});
