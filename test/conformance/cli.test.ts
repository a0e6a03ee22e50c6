import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../tools/conformance.ts';
import { openBench, type Bench } from './bench.ts';
import { repoRoot } from '../e2e/workspace.ts';

// The command as a user runs it: against running servers, and with --self; the README's commands.
let bench: Bench;
const scratch = mkdtempSync(join(tmpdir(), 'trident-conformance-cli-'));

beforeAll(async () => {
  bench = await openBench();
}, 120_000);

afterAll(async () => {
  await bench?.close();
  rmSync(scratch, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<{ code: number; output: string; progress: string }> {
  const lines: string[] = [];
  const progress: string[] = [];
  const code = await main([...args, '--root', repoRoot], { ...process.env, DATABASE_URL: process.env.DATABASE_URL ?? '' }, (text) => lines.push(text), (text) => progress.push(text));
  return { code, output: lines.join('\n'), progress: progress.join('\n') };
}

const readmeCommands = (): string[] => {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Conformance'), readme.indexOf('\n## ', readme.indexOf('## Conformance') + 5));
  return section
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line.startsWith('npm run trident -- conformance'))
    // The command for another team's server (Prism's mock) runs against it, in prism.test.ts.
    .filter((line) => !line.includes('--base-path'));
};

describe('trident conformance', () => {
  it('checks running servers, prints the table and the seed, writes JUnit, exits 0', async () => {
    const junit = join(scratch, 'report.xml');
    const { code, output } = await cli(['--http', bench.real.httpUrl, '--grpc', bench.real.grpcAddress, '--api', 'study/v1', '--runs', '4', '--seed', '99', '--junit', junit]);
    expect(output).toMatch(/area\s+api\s+passed\s+failed\s+skipped/);
    expect(output).toMatch(/^rest\s+study\/v1\s+\d+\s+0\s+\d+$/m);
    expect(output).toContain('Seed 99: replay the random cases with --seed 99.');
    expect(output).toMatch(/\d+ checks: \d+ passed, 0 failed/);
    expect(code).toBe(0);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/<testsuites name="trident conformance" tests="\d+" failures="0"/);
    expect(xml).toContain('<testsuite name="auth study/v1"');
    expect(xml).toContain('<property name="seed" value="99"/>');
  }, 120_000);

  it('exits 1 and names the failed check when the implementation is broken; 2 on bad arguments', async () => {
    // A server on another port than the one claimed: every REST check fails to connect; the run still ends.
    const bad = await cli(['--http', 'http://127.0.0.1:9', '--grpc', bench.real.grpcAddress, '--api', 'study/v2', '--area', 'rest']);
    expect(bad.code).toBe(1);
    expect(bad.output).toContain('FAIL flow * setup: seed data is created through the API');
    // The run goes on past the seed data: checks that need none still run, the others say what they need.
    expect(bad.output).toMatch(/FAIL rest study\/v2 listStudies: a valid request is accepted and answered as documented\n {7}network error: [\w ]+$/m);
    expect(bad.output).toMatch(/SKIP rest study\/v2 getStudy: a valid request is accepted and answered as documented\n {7}needs a study: setup study\/v2 registerStudy: network error: [\w ]+$/m);
    // A property that could not reach the server says so, not how fast-check reports it.
    expect(bad.output).toMatch(/FAIL rest study\/v2 listStudies: invalid requests are rejected with 400\/422, never 5xx\n {7}network error: [\w ]+$/m);
    expect(bad.progress).toMatch(/^rest\s+study\/v2\s+0 passed, [1-9]\d* failed, [1-9]\d* skipped in/m);
    expect((await cli(['--runs', 'many'])).code).toBe(2);
    expect((await cli(['--check-timeout', '0'])).code).toBe(2);
    // A base path is that of one API version.
    expect((await cli(['--http', `${bench.real.httpUrl}/study/v2`, '--grpc', bench.real.grpcAddress])).code).toBe(2);
    expect((await cli(['--api', 'nope/v9', '--http', bench.real.httpUrl, '--grpc', bench.real.grpcAddress])).code).toBe(2);
  }, 60_000);

  it('a path in --http is where the one API version answers', async () => {
    const { code, output } = await cli(['--http', `${bench.real.httpUrl}/study/v2`, '--grpc', bench.real.grpcAddress, '--api', 'study/v2', '--area', 'rest', '--runs', '3']);
    expect(output).toContain(`Checking ${bench.real.httpUrl} (study/v2 at /study/v2)`);
    expect(output).toMatch(/^rest\s+study\/v2\s+[1-9]\d*\s+0\s+\d+$/m);
    expect(code).toBe(0);
    // Elsewhere, the same checks meet 404s.
    const elsewhere = await cli(['--http', `${bench.real.httpUrl}/elsewhere`, '--grpc', bench.real.grpcAddress, '--api', 'study/v2', '--area', 'rest', '--runs', '3']);
    expect(elsewhere.output).toMatch(/FAIL rest study\/v2 listStudies: a valid request is accepted and answered as documented\n {7}answered 404/);
    expect(elsewhere.code).toBe(1);
  }, 60_000);

  it('runs the README commands (against these servers, or with --self)', async () => {
    const commands = readmeCommands();
    expect(commands.length).toBeGreaterThanOrEqual(3);
    for (const command of commands) {
      const args = command.replace('npm run trident -- conformance', '').trim().split(/\s+/).filter(Boolean).map((arg) => arg.replace('test-results/', `${scratch}/`));
      const pointed = args.includes('--self') || args.includes('--http') ? args : ['--http', bench.real.httpUrl, '--grpc', bench.real.grpcAddress, ...args];
      // The same checks with fewer random cases where the command leaves the count to the default.
      if (!pointed.includes('--runs')) pointed.push('--runs', '5');
      const { code, output } = await cli(pointed);
      expect(output, command).toMatch(/\d+ checks: \d+ passed, 0 failed/);
      expect(code, command).toBe(0);
    }
    expect(existsSync(join(scratch, 'conformance.xml'))).toBe(true);
  }, 240_000);

  it('runs the flow written down in the README', async () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Conformance'));
    const flow = /```json\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    const file = join(scratch, 'flow.json');
    writeFileSync(file, flow);
    const { code, output } = await cli(['--http', bench.real.httpUrl, '--grpc', bench.real.grpcAddress, '--api', 'review/v1', '--area', 'flow', '--flow', file]);
    expect(output).not.toContain('FAIL');
    expect(code).toBe(0);
    expect(output).toMatch(/^flow\s+\*\s+3\s+0\s+0$/m);
  }, 60_000);
});
