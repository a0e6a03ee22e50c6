import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scaffoldFiles } from '../../tools/init/templates.ts';
import { bumpVersion } from '../../tools/package/version.ts';
import { repoRoot } from './workspace.ts';
import { run } from './packaging.ts';

// A project made by `trident init`, run from this checkout: its handler module imports
// `trident/server`, which a link in its node_modules resolves to these sources.
const project = mkdtempSync(join(tmpdir(), 'trident-project-'));
const node = join(repoRoot, 'node_modules', '.bin', 'node');
const trident = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  run(node, ['--conditions=trident-source', join(repoRoot, 'tools', 'trident.ts'), ...args], { cwd: project, env: { ...process.env, ...env }, allowFailure: true, timeout: 180_000 });
const handlersFile = join(project, 'src', 'handlers.ts');
const contractFile = join(project, 'contracts', 'notes', 'v1', 'openapi.yaml');

beforeAll(async () => {
  const files = scaffoldFiles({ name: 'notes', tridentRange: '^0.1.0', protoPackage: 'notes', runtimeDependencies: {}, toolDependencies: {} });
  for (const [path, text] of files) {
    mkdirSync(dirname(join(project, path)), { recursive: true });
    writeFileSync(join(project, path), text);
  }
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(repoRoot, join(project, 'node_modules', 'trident'), 'dir');
  const generated = await trident(['generate']);
  expect(generated.code, generated.stdout + generated.stderr).toBe(0);
  const git = (...args: string[]) => run('git', args, { cwd: project });
  await git('init', '-q');
  await git('add', 'contracts', 'trident.config.json');
  await git('-c', 'user.name=CI', '-c', 'user.email=ci@example.invalid', 'commit', '-qm', 'notes v1');
}, 240_000);

afterAll(() => rmSync(project, { recursive: true, force: true }));

const noStack = (text: string) => expect(text).not.toMatch(/^\s+at /m);

describe('a project of its own', () => {
  it('serve without a handler for an operation says which and where, in one line', async () => {
    const original = readFileSync(handlersFile, 'utf8');
    writeFileSync(handlersFile, original.replace(/ {2}async getNote\(input, context\) \{\n.*\n {2}\},\n/, '').replace('const notesV1: NotesV1Handlers =', 'const notesV1: Omit<NotesV1Handlers, "getNote"> ='));
    try {
      const result = await trident(['serve'], { PORT: '0', GRPC_PORT: '0' });
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toBe("trident serve: notes/v1 getNote (GET /notes/{noteId}) has no handler: implement 'getNote' in the 'notes/v1' implementation of src/handlers.ts (its type is in generated/ts/notes/v1/server.ts)");
      noStack(result.stderr);
    } finally {
      writeFileSync(handlersFile, original);
    }
  }, 180_000);

  it('a set-up function that throws SetupError stops serve in one line naming the module; any other error keeps its stack', async () => {
    const original = readFileSync(handlersFile, 'utf8');
    try {
      writeFileSync(handlersFile, "import { SetupError } from 'trident/server';\nexport default () => {\n  throw new SetupError('NOTES_BUCKET is not set: name the bucket the notes are kept in');\n};\n");
      const refused = await trident(['serve'], { PORT: '0', GRPC_PORT: '0' });
      expect(refused.code).toBe(1);
      expect(refused.stderr.trim()).toBe('trident serve: setting up src/handlers.ts failed: NOTES_BUCKET is not set: name the bucket the notes are kept in');
      noStack(refused.stderr);
      writeFileSync(handlersFile, "export default () => {\n  throw new TypeError('a fault in the set-up');\n};\n");
      const fault = await trident(['serve'], { PORT: '0', GRPC_PORT: '0' });
      expect(fault.code).not.toBe(0);
      expect(fault.stderr).toContain('TypeError: a fault in the set-up');
      expect(fault.stderr).toMatch(/^\s+at /m);
    } finally {
      writeFileSync(handlersFile, original);
    }
  }, 180_000);

  it('serve starts from what generate wrote: an edited contract stops it in production mode, and is generated again first in dev mode', async () => {
    const original = readFileSync(contractFile, 'utf8');
    try {
      writeFileSync(contractFile, `${original}# an edit after generate\n`);
      const production = { NODE_ENV: 'production', TRIDENT_JWT_SECRET: 'a production secret of the project tests, 32+ bytes long', PORT: '0', GRPC_PORT: '0' };
      const refused = await trident(['serve'], production);
      expect(refused.code).toBe(1);
      expect(refused.stderr.trim()).toBe('trident serve: generated/ is out of date: contracts/notes/v1/openapi.yaml changed since generated/serve/notes/v1.json was written; production mode serves only what was generated and deployed: run `trident generate` where the contracts are edited and deploy generated/ with them.');
      noStack(refused.stderr);
      const dev = await trident(['serve', '--self-check'], { PORT: '0', GRPC_PORT: '0' });
      expect(dev.code, dev.stdout + dev.stderr).toBe(0);
      expect(dev.stdout).toContain('generated/ is out of date (contracts/notes/v1/openapi.yaml changed since generated/serve/notes/v1.json was written); regenerating.');
      expect(dev.stdout).toMatch(/^self-check: notes v1 REST contract 200/m);
      // What dev mode wrote is what production mode now starts from.
      const again = await trident(['serve', '--self-check'], production);
      expect(again.code, again.stdout + again.stderr).toBe(0);
      expect(again.stdout).not.toContain('out of date');
      expect(again.stdout).toContain('self-check: gRPC health SERVING.');
    } finally {
      writeFileSync(contractFile, original);
      await trident(['generate']);
    }
  }, 240_000);

  it('serve on a busy port says so and names the variable to change', async () => {
    const busy: Server = createServer();
    const port = await new Promise<number>((resolve) => busy.listen(0, '127.0.0.1', () => resolve((busy.address() as { port: number }).port)));
    try {
      const result = await trident(['serve'], { PORT: String(port), GRPC_PORT: '0' });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`trident serve: port ${port} on 127.0.0.1 is in use: set PORT to a free port`);
      noStack(result.stderr);
    } finally {
      busy.close();
    }
  }, 180_000);

  it('a configuration mistake names the file, the key and what is expected', async () => {
    const file = join(project, 'trident.config.json');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(original), contract: 'apis' }));
    try {
      const result = await trident(['generate', '--check']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('trident generate: trident.config.json: "contract" is not a configuration key');
      noStack(result.stderr);
    } finally {
      writeFileSync(file, original);
    }
  });

  it('package --since derives the version: an addition is a minor step, a breaking change is refused', async () => {
    const original = readFileSync(contractFile, 'utf8');
    const out = join(project, 'out');
    try {
      const same = await trident(['package', 'notes/v1', '--since', 'HEAD', '--out', out]);
      expect(same.stdout).toContain('notes/v1 1.0.0 at HEAD -> 1.0.1 (patch), because:\n  no change to the contract');
      expect((JSON.parse(readFileSync(join(out, 'package.json'), 'utf8')) as { version: string }).version).toBe('1.0.1');

      writeFileSync(contractFile, original.replace("        createdAt: { type: string, format: date-time, readOnly: true }\n", "        createdAt: { type: string, format: date-time, readOnly: true }\n        pinned: { type: boolean }\n"));
      await trident(['generate']);
      const added = await trident(['package', 'notes/v1', '--since', 'HEAD', '--out', out]);
      expect(added.code, added.stdout + added.stderr).toBe(0);
      expect(added.stdout).toMatch(/notes\/v1 1\.0\.0 at HEAD -> 1\.1\.0 \(minor\), because:\n {2}\S+-added: /);
      expect((JSON.parse(readFileSync(join(out, 'package.json'), 'utf8')) as { version: string }).version).toBe('1.1.0');

      writeFileSync(contractFile, original.replace("        body: { type: string, maxLength: 10000 }\n        status: { $ref: '#/components/schemas/NoteStatus' }\n        createdAt", "        status: { $ref: '#/components/schemas/NoteStatus' }\n        createdAt"));
      await trident(['generate']);
      const removed = await trident(['package', 'notes/v1', '--since', 'HEAD', '--out', join(project, 'refused')]);
      expect(removed.code).toBe(1);
      expect(removed.stdout).toMatch(/^refused: notes\/v1 has breaking changes since HEAD that CHANGELOG.yaml does not acknowledge:/m);
    } finally {
      writeFileSync(contractFile, original);
      await trident(['generate']);
    }
  }, 300_000);

  it('bumps versions as semver steps', () => {
    expect(bumpVersion('1.4.2', 'minor')).toBe('1.5.0');
    expect(bumpVersion('1.4.2', 'patch')).toBe('1.4.3');
    expect(bumpVersion('2.0.0-beta.1', 'patch')).toBe('2.0.1');
    expect(bumpVersion('v2', 'patch')).toBeUndefined();
  });
});
