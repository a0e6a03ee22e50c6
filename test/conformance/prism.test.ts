import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { freePort } from '../../tools/free-port.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../tools/conformance.ts';
import { repoRoot } from '../e2e/workspace.ts';

// An implementation that is not ours: Prism's mock server of study v2, built from the generated
// OpenAPI document. It answers at the root (not at the contract's /study/v2), from the examples,
// with no GraphQL and no gRPC. The run must check it operation by operation and say why each check
// passed, failed or was skipped, instead of stopping at the seed data.

const prismVersion = '@stoplight/prism-cli@5';

// The README's two commands: Prism's mock on port 4010, and the conformance run against it.
const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## Conformance'), readme.indexOf('\n## ', readme.indexOf('## Conformance') + 5));
const commandOf = (start: string): string[] => {
  const line = section.split('\n').find((candidate) => candidate.startsWith(start));
  if (!line) throw new Error(`the README's conformance section has no command starting '${start}'`);
  return line.replace(/\s+#.*$/, '').slice(start.length).trim().split(/\s+/);
};
const prismArgs = commandOf(`npx ${prismVersion}`);
const conformanceArgs = commandOf('npm run trident -- conformance --http http://127.0.0.1:4010');
let folder: string | undefined;
let prism: ChildProcess | undefined;
let port = 0;
let unavailable: string | undefined;

function run(command: string, args: string[], limitMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('error', (error) => (output += error.message));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

beforeAll(async () => {
  // Installed outside the repository, for this test only: Prism is no dependency of Trident.
  folder = mkdtempSync(join(tmpdir(), 'trident-prism-'));
  const install = await run('npm', ['install', '--prefix', folder, '--no-audit', '--no-fund', '--loglevel=error', prismVersion], 240_000);
  if (install.code !== 0) {
    unavailable = `npm could not install ${prismVersion} here (no registry?): ${install.output.trim().split('\n').slice(-3).join(' ')}`;
    return;
  }
  port = await freePort();
  let log = '';
  expect(prismArgs).toEqual(['mock', '-h', '127.0.0.1', '-p', '4010', 'generated/openapi/study/v2/openapi.json']);
  prism = spawn(join(folder, 'node_modules', '.bin', 'prism'), prismArgs.map((arg) => (arg === '4010' ? String(port) : arg)), { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  prism.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  prism.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const answered = await fetch(`http://127.0.0.1:${port}/studies`, { signal: AbortSignal.timeout(1000) }).then(
      (response) => response.arrayBuffer().then(() => true),
      () => false,
    );
    if (answered) break;
    if (prism.exitCode !== null || Date.now() > deadline) throw new Error(`Prism did not listen on ${port}:\n${log}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}, 330_000);

afterAll(async () => {
  if (prism && prism.exitCode === null) {
    const exited = new Promise((resolve) => prism!.once('exit', resolve));
    prism.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    if (prism.exitCode === null) prism.kill('SIGKILL');
  }
  if (folder) rmSync(folder, { recursive: true, force: true });
});

/** Runs `trident conformance` in this process; its exit code, report and progress. */
async function conformance(args: string[]): Promise<{ code: number; printed: string; progress: string[]; ms: number }> {
  const output: string[] = [];
  const progress: string[] = [];
  const started = performance.now();
  const code = await main(
    [...args, '--root', repoRoot],
    // Tokens signed with the dev key: Prism only wants a bearer token to be there.
    Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TRIDENT_JWT_'))),
    (text) => output.push(text),
    (text) => progress.push(text),
  );
  return { code, printed: output.join('\n'), progress, ms: performance.now() - started };
}

const operations = ['registerStudy', 'listStudies', 'getStudy', 'updateStudy', 'cancelStudy', 'getStudySubjectIdentity'];

describe("conformance of Prism's mock of study v2", () => {
  it("the README's command: a verdict for every operation, with the reason of each failed and skipped check", async (context) => {
    if (unavailable) context.skip(unavailable);
    const junit = join(folder!, 'report.xml');
    const args = conformanceArgs.map((arg) => arg.replace('127.0.0.1:4010', `127.0.0.1:${port}`));
    const { code, printed, progress, ms } = await conformance(['--http', `http://127.0.0.1:${port}`, ...args, '--seed', '3', '--runs', '3', '--junit', junit]);
    expect(code, printed).toBe(1);
    expect(ms).toBeLessThan(120_000);
    expect(printed).toContain(`Checking http://127.0.0.1:${port} (study/v2 at /)`);
    // The seed data is what study v2 names, a study, which Prism registers; nothing of the API
    // versions it does not serve is asked of it.
    expect(printed).not.toMatch(/(FAIL|SKIP) flow \* setup/);
    expect(progress).toContain('seed data: created a study');
    for (const operation of operations) {
      const row = new RegExp(`^ {2}study/v2\\s+${operation}\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)$`, 'm').exec(printed);
      expect(row, `${operation} in\n${printed}`).not.toBeNull();
      // REST reaches every operation of the mock: at least its 401 without credentials passes.
      expect(Number(row![1]), operation).toBeGreaterThanOrEqual(1);
    }
    // Each failed check is named with its operation, its reason on the next line.
    expect(printed).toMatch(/^ {2}FAIL rest study\/v2 getStudy: a valid request is accepted and answered as documented\n {7}ETag "\d+" does not name the body's version \d+$/m);
    expect(printed).toMatch(/^\d+ checks: [1-9]\d* passed, [1-9]\d* failed, [1-9]\d* skipped/m);
    expect(progress).toContainEqual(expect.stringMatching(/^rest\s+study\/v2\s+\d+ passed/));
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toMatch(/<testcase classname="flow\.\*" name="setup: seed data is created through the API" time="[\d.]+"\/>/);
    expect(xml).toMatch(/<testcase classname="rest\.study\/v2" name="listStudies: a valid request is accepted and answered as documented" time="[\d.]+"\/>/);
  }, 180_000);

  it('every area: GraphQL and gRPC fail where nothing answers, each check with its reason, and the run ends', async (context) => {
    if (unavailable) context.skip(unavailable);
    // No gRPC server answers there: a port just freed, so gRPC checks fail at once instead of meeting someone else's server.
    const { code, printed, progress, ms } = await conformance(['--http', `http://127.0.0.1:${port}`, '--base-path', '/', '--api', 'study/v2', '--grpc', `127.0.0.1:${await freePort()}`, '--seed', '3', '--runs', '3']);
    expect(code, printed).toBe(1);
    expect(ms).toBeLessThan(150_000);
    expect(printed).toMatch(/^ {2}FAIL graphql study\/v2 schema: introspection equals the generated SDL\n {7}introspection failed: .*404/m);
    expect(printed).toMatch(/^ {2}FAIL grpc study\/v2 \S+: .+\n {7}\S.*$/m);
    expect(printed).toMatch(/^ {2}SKIP auth study\/v2 listStudies: wrong_role: the same decision in every protocol\n {7}every role may call it$/m);
    for (const area of ['rest', 'auth', 'graphql', 'grpc', 'cross', 'flow']) expect(progress).toContainEqual(expect.stringMatching(new RegExp(`^${area}\\s+study/v2\\s+\\d+ passed`)));
  }, 180_000);
});
