import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { grpcCaller } from '../../src/conformance/callers/grpc.ts';
import { loadApis } from '../../src/runtime/load.ts';
import { packToolkit, run, scratchRoot, type Run } from './packaging.ts';

// Trident as a team outside this repository gets it: `npm pack` of the toolkit, a real install of
// the tarball (no link) into a folder outside the checkout, then the commands of a new project.
const scratch = scratchRoot('trident-outside-');
let tarball = '';
const project = join(scratch, 'notes-service');

beforeAll(async () => {
  tarball = await packToolkit(scratch);
  // npx installs the tarball on its own to run `init`; the project then installs it for good.
  await run('npx', ['--yes', '--package', tarball, '--', 'trident', 'init', 'notes-service'], { cwd: scratch });
  await run('npm', ['install', '--no-audit', '--no-fund', tarball], { cwd: project, timeout: 300_000 });
}, 600_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const npx = (args: string[], options: { env?: NodeJS.ProcessEnv; allowFailure?: boolean } = {}): Promise<Run> => run('npx', ['--no-install', 'trident', ...args], { cwd: project, ...options });

describe('the toolkit installed from its tarball into a new project', () => {
  it('installs the toolkit only: no imaging services, contracts or tests, and a bin that runs', async () => {
    const installed = join(project, 'node_modules', 'trident');
    expect(existsSync(join(installed, 'dist', 'tools', 'trident.js'))).toBe(true);
    for (const absent of ['src/services', 'src/store', 'contracts', 'test', 'generated', 'dist/src/services']) expect(existsSync(join(installed, absent)), absent).toBe(false);
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };
    expect(Object.keys(manifest.dependencies)).not.toContain('@electric-sql/pglite');
    expect(Object.keys(manifest.dependencies)).not.toContain('pg');
    expect((await npx(['--version'])).stdout.trim()).toBe(manifest.version);
  });

  it('init wrote the scaffold: a contract, handlers, configuration, scripts and a CI workflow', () => {
    for (const file of ['contracts/notes/v1/openapi.yaml', 'src/handlers.ts', 'trident.config.json', '.github/workflows/contracts.yml']) expect(existsSync(join(project, file)), file).toBe(true);
    const workflow = readFileSync(join(project, '.github/workflows/contracts.yml'), 'utf8');
    expect(workflow).toContain('trident generate --check');
    expect(workflow).toContain('trident breaking --base origin/main --format github');
    const scripts = (JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(Object.keys(scripts)).toEqual(expect.arrayContaining(['generate', 'check', 'breaking', 'start', 'test']));
  });

  it('generate writes every layer, and the project type-checks its handlers against them', async () => {
    await npx(['generate']);
    for (const file of ['generated/openapi/notes/v1/openapi.json', 'generated/graphql/notes/v1/schema.graphql', 'generated/ts/notes/v1/server.ts', 'generated/ts/notes/v1/clients/rest.ts']) expect(existsSync(join(project, file)), file).toBe(true);
    expect(readFileSync(join(project, 'generated/ts/notes/v1/server.ts'), 'utf8')).toContain("from 'trident/server'");
    await npx(['generate', '--check']);
    await run('npx', ['--no-install', 'tsc', '-p', 'tsconfig.json'], { cwd: project });
  }, 180_000);

  it('breaking --base HEAD passes on the committed contract and fails (exit 1) on a breaking edit', async () => {
    const git = (...args: string[]) => run('git', args, { cwd: project });
    await git('init', '-q');
    await git('add', '-A');
    await git('-c', 'user.name=CI', '-c', 'user.email=ci@example.invalid', 'commit', '-qm', 'notes v1');
    expect((await npx(['breaking', '--base', 'HEAD'])).code).toBe(0);
    const contract = join(project, 'contracts/notes/v1/openapi.yaml');
    const original = readFileSync(contract, 'utf8');
    writeFileSync(contract, original.replace("        body: { type: string, maxLength: 10000 }\n        status: { $ref: '#/components/schemas/NoteStatus' }\n        createdAt", "        status: { $ref: '#/components/schemas/NoteStatus' }\n        createdAt"));
    try {
      const broken = await npx(['breaking', '--base', 'HEAD'], { allowFailure: true });
      expect(broken.code).toBe(1);
      expect(broken.stdout).toMatch(/body/);
      // Two documents, the way oasdiff is used, as JSON: the committed one and the edit.
      const json = (text: string): string => JSON.stringify(parseYaml(text));
      writeFileSync(join(project, 'before.json'), json(original));
      writeFileSync(join(project, 'after.json'), json(readFileSync(contract, 'utf8')));
      const documents = await npx(['breaking', 'before.json', 'after.json', '--format', 'json'], { allowFailure: true });
      expect(documents.code).toBe(1);
      const findings = (JSON.parse(documents.stdout) as { versions: Array<{ findings: Array<{ subject: string; verdicts: Record<string, string> }> }> }).versions.flatMap((version) => version.findings);
      // The TypeScript column, which the checker's thread judges, from the package's bundle.
      expect(findings.filter((finding) => finding.subject.includes('body')).map((finding) => finding.verdicts.typescript)).toContain('breaking');
    } finally {
      writeFileSync(contract, original);
    }
  }, 180_000);

  it('serve answers one REST, one GraphQL and one gRPC call with the project\'s own handlers', async () => {
    // In a process group of its own, so that whatever is left can be stopped at the end.
    const child = spawn('npx', ['--no-install', 'trident', 'serve'], { cwd: project, env: { ...process.env, PORT: '0', GRPC_PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const caller = { close: () => {} };
    let httpUrl: string | undefined;
    try {
      const deadline = Date.now() + 120_000;
      while (!output.includes('Try:') && Date.now() < deadline && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 200));
      httpUrl = /REST\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(output)?.[1];
      const grpcAddress = /gRPC\s+(127\.0\.0\.1:\d+) /.exec(output)?.[1];
      const writer = /^ {2}writer\s+(eyJ[\w.-]+)$/m.exec(output)?.[1];
      expect(httpUrl && grpcAddress && writer, output).toBeTruthy();
      const created = await fetch(`${httpUrl}/notes/v1/notes`, { method: 'POST', headers: { authorization: `Bearer ${writer}`, 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Hello' }) });
      expect(created.status).toBe(201);
      const note = (await created.json()) as { id: string; title: string };
      const graphql = await fetch(`${httpUrl}/notes/v1/graphql`, { method: 'POST', headers: { authorization: `Bearer ${writer}`, 'content-type': 'application/json' }, body: JSON.stringify({ query: 'query($id: String!) { getNote(noteId: $id) { id title } }', variables: { id: note.id } }) });
      expect(((await graphql.json()) as { data?: { getNote?: { title?: string } } }).data?.getNote?.title).toBe('Hello');
      const apis = await loadApis(project);
      const grpc = grpcCaller(grpcAddress!, apis);
      caller.close = () => grpc.close();
      const outcome = await grpc.call(apis[0]!.api, 'getNote', { path: { noteId: note.id } }, writer);
      expect(outcome.ok && (outcome.value as { title?: string }).title).toBe('Hello');
      // SIGTERM to npx, as a process manager or a closed terminal sends it: npm passes it to the shell
      // it started, not to the server, and the server must still stop and free its port.
      caller.close();
      child.kill('SIGTERM');
      const deadline2 = Date.now() + 15_000;
      let answering = true;
      while (answering && Date.now() < deadline2) {
        answering = await fetch(`${httpUrl}/notes/v1/notes`).then(
          () => true,
          () => false,
        );
        if (answering) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(answering, `the server still answers at ${httpUrl} after npx was stopped`).toBe(false);
    } finally {
      caller.close();
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }, 180_000);

  it('conformance --self checks the project\'s handlers over the three protocols and finds nothing wrong', async () => {
    const result = await npx(['conformance', '--self', '--runs', '5'], { allowFailure: true });
    expect(result.stdout, result.stdout + result.stderr).toMatch(/\d+ checks: \d+ passed, 0 failed/);
    expect(result.code).toBe(0);
  }, 300_000);

  it('runs on Node 22 too: generate --check and serve --self-check', async () => {
    const node22 = join(scratch, 'node22');
    mkdirSync(node22, { recursive: true });
    const installed = await run('npm', ['install', '--prefix', node22, '--no-audit', '--no-fund', 'node@22'], { cwd: scratch, allowFailure: true, timeout: 300_000 });
    const bin = join(node22, 'node_modules', '.bin');
    if (installed.code !== 0 || !existsSync(join(bin, 'node'))) {
      // Only where the registry serves node@22 for this platform; CI's does, so there it must run.
      if (process.env.CI) throw new Error(`node@22 could not be installed:\n${installed.stderr}`);
      console.warn(`node@22 could not be installed here; the Node 22 run was not made:\n${installed.stderr}`);
      return;
    }
    const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` };
    expect((await run('node', ['--version'], { cwd: project, env })).stdout).toMatch(/^v22\./);
    await npx(['generate', '--check'], { env });
    const checked = await npx(['serve', '--self-check'], { env });
    expect(checked.stdout).toContain('self-check: gRPC health SERVING.');
  }, 400_000);

  // Last: it takes the dev dependencies away from the project.
  it('a production install (npm install --omit=dev) serves from generated/ without the generators, and says what generate lacks', async () => {
    const size = async () => Number((await run('du', ['-sk', 'node_modules'], { cwd: project })).stdout.split('\t')[0]) / 1024;
    const before = await size();
    await run('npm', ['install', '--omit=dev', '--no-audit', '--no-fund'], { cwd: project, timeout: 300_000 });
    const after = await size();
    console.info(`node_modules of the project: ${before.toFixed(0)} MB with dev dependencies, ${after.toFixed(0)} MB after npm install --omit=dev`);
    for (const absent of ['typescript', 'ts-proto', 'openapi-typescript', '@readme/openapi-parser', 'fast-check']) expect(existsSync(join(project, 'node_modules', absent)), absent).toBe(false);
    const generate = await npx(['generate'], { allowFailure: true });
    expect(generate.code, generate.stdout + generate.stderr).toBe(1);
    expect(generate.stderr.trim()).toMatch(/^trident generate needs .*typescript.*, which this installation lacks \(a production install leaves dev dependencies out\): npm install --save-dev .*typescript@\^5\./);
    const child = spawn('npx', ['--no-install', 'trident', 'serve'], { cwd: project, env: { ...process.env, PORT: '0', GRPC_PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const deadline = Date.now() + 120_000;
      while (!output.includes('Try:') && Date.now() < deadline && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 200));
      const httpUrl = /REST\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(output)?.[1];
      const writer = /^ {2}writer\s+(eyJ[\w.-]+)$/m.exec(output)?.[1];
      expect(httpUrl && writer, output).toBeTruthy();
      const created = await fetch(`${httpUrl}/notes/v1/notes`, { method: 'POST', headers: { authorization: `Bearer ${writer}`, 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Deployed' }) });
      expect(created.status).toBe(201);
    } finally {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    // Without the generators, a contract edited after generate is refused, not compiled.
    const contract = join(project, 'contracts/notes/v1/openapi.yaml');
    const original = readFileSync(contract, 'utf8');
    writeFileSync(contract, `${original}# edited after generate\n`);
    try {
      const stale = await npx(['serve'], { env: { ...process.env, PORT: '0', GRPC_PORT: '0' }, allowFailure: true });
      expect(stale.code, stale.stdout + stale.stderr).toBe(1);
      expect(stale.stderr.trim()).toMatch(/^trident serve: generated\/ is out of date: contracts\/notes\/v1\/openapi\.yaml changed since generated\/serve\/notes\/v1\.json was written; the compiler is not installed here \(.*typescript.*missing\): run `trident generate` where the contracts are edited and deploy generated\/ with them\.$/);
    } finally {
      writeFileSync(contract, original);
    }
  }, 400_000);
});
