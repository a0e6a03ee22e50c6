import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChangelogDocument } from '../../src/breaking/history/model.ts';
import { compileContract } from '../../src/compiler/compile.ts';
import { devAuthenticator } from '../../src/runtime/auth.ts';
import { loadApis } from '../../src/runtime/load.ts';
import { startServers } from '../../src/runtime/server.ts';
import { changelog } from '../../tools/changelog.ts';
import { repoRoot } from '../e2e/workspace.ts';

// git is run for the scratch repositories only: variables that would point it elsewhere (a hook
// running the tests sets GIT_DIR) are dropped, here and for the commands this test starts.
for (const name of Object.keys(process.env)) if (name.startsWith('GIT_')) delete process.env[name];

const node = join(repoRoot, 'node_modules', '.bin', 'node');
const cli = join(repoRoot, 'tools', 'trident.ts');
const contract = 'contracts/demo/v1/openapi.yaml';
const scratch: string[] = [];

function git(root: string, args: string[], date?: string): string {
  const env = { ...process.env, ...(date ? { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date } : {}) };
  return execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', env }).trim();
}

function trident(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(node, [cli, ...args], { cwd, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

// Writes the contract and brings its proto lock up to date, as `trident generate` does.
async function writeContract(root: string, text: string): Promise<void> {
  writeFileSync(join(root, contract), text);
  const read = (path: string): string | undefined => (existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : undefined);
  const compiled = await compileContract(contract, read, { name: 'demo', version: 1 }, { outputs: [] });
  if (!compiled.lock) throw new Error(compiled.diagnostics.map((entry) => `${entry.code}: ${entry.message}`).join('\n'));
  writeFileSync(join(root, compiled.lock.path), compiled.lock.text);
}

// The README's example contract, as the demo API; each step edits it.
const original = readFileSync(join(repoRoot, 'test/fixtures/readme-example/input/openapi.yaml'), 'utf8').replace('title: Study API', 'title: Demo API');
const withNotes = original.replace('version: 1.0.0', 'version: 1.1.0').replace('        patientName: { type: string, x-sensitive: true }\n', '        patientName: { type: string, x-sensitive: true }\n        notes: { type: string }\n');
const withoutPatientName = withNotes.replace('version: 1.1.0', 'version: 1.2.0').replace('        patientName: { type: string, x-sensitive: true }\n', '');
const startedAtOptional = withoutPatientName.replace('version: 1.2.0', 'version: 1.3.0').replace('required: [id, status, startedAt]', 'required: [id, status]');

describe('trident changelog', () => {
  let root: string;
  const commits: string[] = [];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'trident-changelog-'));
    scratch.push(root);
    git(root, ['init', '-q']);
    git(root, ['config', 'user.name', 'Trident']);
    git(root, ['config', 'user.email', 'trident@example.com']);
    mkdirSync(join(root, 'contracts/demo/v1'), { recursive: true });
    const commit = (message: string, day: number): void => {
      git(root, ['add', '-A']);
      git(root, ['commit', '-q', '-m', message], `2026-03-0${day}T12:00:00Z`);
      commits.push(git(root, ['rev-parse', 'HEAD']));
    };
    await writeContract(root, original);
    commit('Demo v1', 1);
    await writeContract(root, withNotes);
    commit('Studies carry notes', 2);
    await writeContract(root, withoutPatientName);
    commit('Studies no longer carry the patient name', 3);
    // The change is made, and judged in the working tree before it is committed: the gate's
    // fingerprint goes into CHANGELOG.yaml with the reason, as a team acknowledges it.
    await writeContract(root, startedAtOptional);
    const pending = (await changelog({ root, key: 'demo/v1', format: 'json', out: () => {}, today: '2026-03-05' })).document;
    expect(pending.releases[0]).toMatchObject({ version: '1.3.0', unreleased: true, entries: [{ label: 'working tree', commit: null }] });
    const became = pending.releases[0]?.entries[0]?.changes.find((change) => change.rule === 'response-property-became-optional');
    expect(became?.acknowledged).toBeNull();
    writeFileSync(join(root, 'contracts/demo/v1/CHANGELOG.yaml'), `acknowledged:\n  - fingerprint: ${became?.fingerprint}\n    reason: Imported studies have no start time; every client checks it.\n`);
    commit('startedAt may be missing on imported studies', 4);
  });

  afterAll(() => {
    for (const directory of scratch) rmSync(directory, { recursive: true, force: true });
  });

  it('prints Markdown: releases newest first, the breaking change marked for the clients it breaks', async () => {
    const { code, stdout, stderr } = await trident(['changelog', 'demo/v1'], root);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const headings = stdout.split('\n').filter((line) => line.startsWith('## ') || line.startsWith('### '));
    const short = commits.map((hash) => hash.slice(0, 7));
    expect(headings).toEqual([
      '## 1.3.0',
      `### \`${short[3]}\` 2026-03-04: startedAt may be missing on imported studies`,
      '## 1.2.0',
      `### \`${short[2]}\` 2026-03-03: Studies no longer carry the patient name`,
      '## 1.1.0',
      `### \`${short[1]}\` 2026-03-02: Studies carry notes`,
      '## 1.0.0',
      `### \`${short[0]}\` 2026-03-01: Demo v1`,
    ]);
    expect(stdout).toMatch(/^# Changelog: Demo API v1\n/);
    expect(stdout).toContain("- **Breaking for GraphQL and TypeScript; dangerous for REST/JSON, gRPC wire and gRPC JSON**: property 'patientName' of Study was removed\n");
    expect(stdout).toContain('  - `response-optional-property-removed` ');
    expect(stdout).toContain('REST/JSON breaking · GraphQL breaking · gRPC wire dangerous · gRPC JSON dangerous · TypeScript breaking');
    expect(stdout).toContain("- Safe for every client: property 'notes' is added to Study\n");
    expect(stdout).toContain('  - Acknowledged in CHANGELOG.yaml: Imported studies have no start time; every client checks it.\n');
    expect(stdout).toContain('- Safe for every client: demo v1 is added\n');
    // Explanations come from the rule table.
    expect(stdout).toContain('  - Why: The property was optional, so REST clients already handle its absence');
    expect(stdout).not.toContain('Unreleased');
  });

  it('writes JSON of the documented shape, with every verdict and the acknowledgement', async () => {
    const { code, stdout } = await trident(['changelog', 'demo/v1', '--format', 'json'], root);
    expect(code).toBe(0);
    const document = JSON.parse(stdout) as ChangelogDocument;
    expect(Object.keys(document)).toEqual(['format', 'api', 'version', 'title', 'contract', 'since', 'releases']);
    expect(document).toMatchObject({ format: 'trident-changelog/1', api: 'demo', version: 1, title: 'Demo API', contract, since: null });
    expect(document.releases.map((release) => [release.version, release.unreleased, release.entries.map((entry) => entry.commit?.hash)])).toEqual([
      ['1.3.0', false, [commits[3]]],
      ['1.2.0', false, [commits[2]]],
      ['1.1.0', false, [commits[1]]],
      ['1.0.0', false, [commits[0]]],
    ]);
    const [acknowledged, removed, added, introduced] = document.releases.map((release) => release.entries[0]);
    expect(removed).toMatchObject({
      commit: { hash: commits[2], shortHash: commits[2]?.slice(0, 7), date: '2026-03-03T12:00:00Z'.replace('Z', '+00:00'), subject: 'Studies no longer carry the patient name' },
      label: commits[2]?.slice(0, 7),
      base: commits[1]?.slice(0, 7),
      compiles: true,
      diagnostic: null,
    });
    const removal = removed?.changes.find((change) => change.rule === 'response-optional-property-removed');
    expect(removal).toMatchObject({
      subject: 'Study.patientName',
      message: "property 'patientName' of Study was removed",
      severity: 'breaking',
      verdicts: { 'rest-json': 'dangerous', graphql: 'breaking', 'grpc-wire': 'dangerous', 'grpc-json': 'dangerous', typescript: 'breaking' },
      breakingFor: ['graphql', 'typescript'],
      affects: { rest: ['GET /studies/{studyId}'], graphql: 'Study.patientName', proto: 'Study.patient_name' },
      acknowledged: null,
      retired: null,
    });
    expect(removal?.fingerprint).toMatch(/^[0-9a-f]{12}$/);
    expect(removal?.explanation).toContain('The lock reserves the proto number');
    expect(Object.keys(removal ?? {})).toEqual(['rule', 'subject', 'message', 'fingerprint', 'severity', 'verdicts', 'breakingFor', 'explanation', 'affects', 'acknowledged', 'retired']);
    expect(added?.changes.map((change) => [change.rule, change.severity, change.breakingFor])).toEqual([['response-property-added', 'safe', []]]);
    expect(acknowledged?.changes.find((change) => change.rule === 'response-property-became-optional')?.acknowledged).toEqual({ reason: 'Imported studies have no start time; every client checks it.' });
    expect(introduced).toMatchObject({ base: null, changes: [{ rule: 'version-added', message: 'demo v1 is added' }] });
  });

  it('--since REF leaves out REF and what came before; --output and --write put it in files', async () => {
    const { document } = await changelog({ root, key: 'demo/v1', since: commits[1], format: 'json', output: 'since.json', out: () => {} });
    expect(document.since).toBe(commits[1]);
    expect(document.releases.map((release) => release.version)).toEqual(['1.3.0', '1.2.0']);
    expect(document.releases[1]?.entries[0]?.base).toBe(commits[1]?.slice(0, 7));
    expect(JSON.parse(readFileSync(join(root, 'since.json'), 'utf8'))).toEqual(document);
    const lines: string[] = [];
    await changelog({ root, key: 'demo/v1', write: true, out: (text) => lines.push(text) });
    expect(lines).toEqual(['wrote changelog/demo/v1/CHANGELOG.md and changelog/demo/v1/CHANGELOG.json\n']);
    const written = JSON.parse(readFileSync(join(root, 'changelog/demo/v1/CHANGELOG.json'), 'utf8')) as ChangelogDocument;
    expect(written.releases).toHaveLength(4);
    expect(readFileSync(join(root, 'changelog/demo/v1/CHANGELOG.md'), 'utf8')).toMatch(/^# Changelog: Demo API v1\n/);
    rmSync(join(root, 'generated'), { recursive: true, force: true });
    rmSync(join(root, 'since.json'));
  });

  it('lists a revision whose contract does not compile with its first error, and compares the next with the last that compiles', async () => {
    const branch = mkdtempSync(join(tmpdir(), 'trident-changelog-broken-'));
    scratch.push(branch);
    git(branch, ['clone', '-q', root, '.']);
    git(branch, ['config', 'user.name', 'Trident']);
    git(branch, ['config', 'user.email', 'trident@example.com']);
    writeFileSync(join(branch, contract), startedAtOptional.replace("$ref: '#/components/schemas/Study'", "$ref: '#/components/schemas/Stduy'"));
    git(branch, ['commit', '-q', '-am', 'A typo'], '2026-03-06T12:00:00Z');
    // The working tree fixes it and removes the notes again.
    writeFileSync(join(branch, contract), startedAtOptional.replace('        notes: { type: string }\n', ''));
    const { document } = await changelog({ root: branch, key: 'demo/v1', since: commits[3], format: 'json', out: () => {}, today: '2026-03-07' });
    const [unreleased, broken] = document.releases;
    expect(unreleased).toMatchObject({ version: '1.3.0', unreleased: true, entries: [{ label: 'working tree', commit: null, base: commits[3]?.slice(0, 7), compiles: true }] });
    expect(unreleased?.entries[0]?.changes.map((change) => change.rule)).toEqual(['response-optional-property-removed']);
    expect(broken?.entries[0]).toMatchObject({ commit: { subject: 'A typo' }, compiles: false, changes: [] });
    expect(broken?.entries[0]?.diagnostic).toMatch(/^contracts\/demo\/v1\/openapi\.yaml:\d+:\d+ ref-unresolved: /);
  });

  it.each([
    [['changelog', 'demo/v9'], "trident changelog: no API version 'demo/v9' under contracts/, in the working tree or its git history; the known ones are demo/v1"],
    [['changelog', 'demo/v1', '--since', 'no-such-branch'], "trident changelog: --since 'no-such-branch' is not a git revision of"],
    [['changelog', 'demo/v1', '--format', 'html'], "trident changelog: --format takes markdown or json, not 'html'"],
    [['changelog'], 'trident changelog: name one API version, e.g. study/v1'],
  ])('%j: one line naming it, then the usage; exit 2', async (args, line) => {
    const { code, stdout, stderr } = await trident(args, root);
    const [first, second] = stderr.split('\n');
    expect(first?.startsWith(line)).toBe(true);
    expect(second).toBe('usage:');
    expect(stderr).toContain('  trident changelog <api>/v<major>');
    expect(stdout).toBe('');
    expect(code).toBe(2);
  });

  it('outside a git repository: one line saying so, then the usage; exit 2', async () => {
    const plain = mkdtempSync(join(tmpdir(), 'trident-changelog-plain-'));
    scratch.push(plain);
    mkdirSync(join(plain, 'contracts/demo/v1'), { recursive: true });
    writeFileSync(join(plain, contract), original);
    const { code, stderr } = await trident(['changelog', 'demo/v1'], plain);
    expect(stderr.split('\n')[0]).toBe(`trident changelog: ${plain} is not inside a git work tree; the changelog is read from the git history of ${contract}`);
    expect(code).toBe(2);
  });

  it('serve shows it at /docs/demo/v1/changelog, from the written JSON or the git history; 404 problem+json without either', async () => {
    const apis = await loadApis(root);
    const handlers = Object.fromEntries((apis[0]?.api.operations ?? []).map((operation) => [operation.id, async () => ({})]));
    const plain = mkdtempSync(join(tmpdir(), 'trident-changelog-serve-'));
    scratch.push(plain);
    const fromGit = await startServers({ apis, implementations: { 'demo/v1': handlers }, authenticator: devAuthenticator(), root });
    const elsewhere = await startServers({ apis, implementations: { 'demo/v1': handlers }, authenticator: devAuthenticator(), root: plain });
    try {
      const page = await fetch(`${fromGit.httpUrl}/docs/demo/v1/changelog`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const html = await page.text();
      expect(html).toContain('<h1>Changelog: Demo API v1</h1>');
      expect(html).toContain('<strong>Breaking for GraphQL and TypeScript; dangerous for REST/JSON, gRPC wire and gRPC JSON</strong>: property &#39;patientName&#39; of Study was removed');
      expect(html).toContain('<code>response-optional-property-removed</code>');
      expect(html).toContain('<a href="/docs/demo/v1">API reference</a>');
      // The index links it beside the reference.
      expect(await (await fetch(`${fromGit.httpUrl}/docs`)).text()).toContain('<a href="/docs/demo/v1/changelog">changelog</a>');

      // Neither a written changelog nor git history: how to make one.
      const missing = await fetch(`${elsewhere.httpUrl}/docs/demo/v1/changelog`);
      expect(missing.status).toBe(404);
      expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const problem = (await missing.json()) as { status: number; code: string; detail: string };
      expect(problem).toMatchObject({ status: 404, code: 'not_found' });
      expect(problem.detail).toContain('changelog/demo/v1/CHANGELOG.json does not exist');
      expect(problem.detail).toContain('`trident changelog demo/v1 --write`');

      // A written file that is no changelog is answered as such, not as a server error.
      mkdirSync(join(plain, 'changelog/demo/v1'), { recursive: true });
      writeFileSync(join(plain, 'changelog/demo/v1/CHANGELOG.json'), '{"releases": [');
      const broken = await fetch(`${elsewhere.httpUrl}/docs/demo/v1/changelog`);
      expect(broken.status).toBe(404);
      expect(((await broken.json()) as { detail: string }).detail).toContain('changelog/demo/v1/CHANGELOG.json cannot be read');

      // A written changelog is served as it is, every value escaped.
      const document = JSON.parse((await trident(['changelog', 'demo/v1', '--format', 'json'], root)).stdout) as ChangelogDocument;
      const entry = document.releases[0]?.entries[0];
      if (entry?.commit) entry.commit.subject = 'Notes <script>alert(1)</script> & more';
      mkdirSync(join(plain, 'changelog/demo/v1'), { recursive: true });
      writeFileSync(join(plain, 'changelog/demo/v1/CHANGELOG.json'), JSON.stringify(document));
      const written = await fetch(`${elsewhere.httpUrl}/docs/demo/v1/changelog`);
      expect(written.status).toBe(200);
      const text = await written.text();
      expect(text).toContain('Notes &lt;script&gt;alert(1)&lt;/script&gt; &amp; more');
      expect(text).not.toContain('<script>');
    } finally {
      await fromGit.close(100);
      await elsewhere.close(100);
    }
  });
});
