import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSchema, validateSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../tools/generate.ts';
import { readTree, repoRoot } from './workspace.ts';

// `trident generate` on documents that are not contracts of this repository, as a new user runs it.
const fixture = (name: string): string => join(repoRoot, 'test/fixtures', name, 'input/openapi.yaml');
const cli = join(repoRoot, 'tools/trident.ts');
// The Node 24 of the dev dependencies, whatever Node runs the tests.
const node = join(repoRoot, 'node_modules/.bin/node');

describe('trident generate on a foreign document', () => {
  let root = '';
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'trident-foreign-'));
    copyFileSync(fixture('foreign-names'), join(root, 'reactions.yaml'));
    mkdirSync(join(root, 'specs', 'billing', 'v3'), { recursive: true });
    copyFileSync(fixture('foreign-operation-ids'), join(root, 'specs', 'billing', 'v3', 'openapi.yaml'));
    copyFileSync(fixture('foreign-recursive'), join(root, 'specs', 'trees.yaml'));
    writeFileSync(join(root, 'specs', 'not-openapi.yaml'), 'name: a CI config, not an OpenAPI document\n');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('writes every layer under --out, with the lock beside them, and names the API after the file', () => {
    const result = spawnSync(node, [cli, 'generate', 'reactions.yaml', '--out', 'out'], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    const tree = [...readTree(join(root, 'out')).keys()].sort();
    expect(tree).toEqual(expect.arrayContaining([
      'graphql/reactions/v1/schema.graphql',
      'locks/reactions/v1/proto.lock.json',
      'openapi/reactions/v1/openapi.json',
      'proto/trident/reactions/v1/reactions.proto',
      'ts/grpc/trident/reactions/v1/reactions.ts',
      'ts/reactions/v1/clients/graphql.ts',
      'ts/reactions/v1/clients/grpc.ts',
      'ts/reactions/v1/clients/rest.ts',
      'ts/reactions/v1/types.ts',
    ]));
    expect(tree.some((path) => path.endsWith('server.ts'))).toBe(false);
    // Warnings for the renamed names, and the lossiness report after them.
    expect(result.stderr).toMatch(/warning name-renamed: property '@id' clashes with 'id'/);
    expect(result.stdout).not.toMatch(/warning name-renamed/);
    expect(result.stdout).toMatch(/lossiness of reactions\.yaml: GraphQL \d+, proto \d+/);
    expect(result.stdout.trim().split('\n').at(-1)).toBe('wrote 9 files to out/ from 1 document.');
    const sdl = readFileSync(join(root, 'out/graphql/reactions/v1/schema.graphql'), 'utf8');
    expect(validateSchema(buildSchema(sdl))).toEqual([]);
    execFileSync('protoc', ['-I', join(root, 'out/proto'), '-I', '/usr/include', '--descriptor_set_out=/dev/null', 'trident/reactions/v1/reactions.proto'], { stdio: ['ignore', 'pipe', 'pipe'] });
  });

  it('a second run reads its lock and writes the same files', () => {
    const before = readTree(join(root, 'out'));
    const result = spawnSync(node, [cli, 'generate', 'reactions.yaml', '--out', 'out'], { cwd: root, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(readTree(join(root, 'out'))).toEqual(before);
  });

  it('--report json prints the lossiness report on stdout, every loss with its place; the rest goes to stderr', () => {
    const result = spawnSync(node, [cli, 'generate', 'reactions.yaml', '--out', 'out', '--report', 'json'], { cwd: root, encoding: 'utf8' });
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as { documents: Array<{ document: string; api: unknown; targets: Record<string, { count: number; losses: Array<Record<string, unknown>> }> }> };
    const [only] = report.documents;
    expect(only?.document).toBe('reactions.yaml');
    expect(only?.api).toEqual({ name: 'reactions', version: 1 });
    expect(only?.targets.graphql?.losses).toContainEqual({ target: 'graphql', kind: 'renamed', construct: "property '+1'", fallback: "'plus1'", pointer: '/components/schemas/reaction-summary/properties/+1', file: 'reactions.yaml', line: 39, col: 9 });
    expect(only?.targets.proto?.count).toBe(only?.targets.proto?.losses.length);
    expect(result.stderr).toContain('wrote 9 files to out/');
  });

  it('--report-file writes the same report as a file', async () => {
    const result = await generate({ root, contracts: ['reactions.yaml'], outDir: 'out', reportFile: 'report.json', log: () => {} });
    expect(result.ok).toBe(true);
    const written = JSON.parse(readFileSync(join(root, 'report.json'), 'utf8')) as { documents: unknown[] };
    expect(written.documents).toEqual(JSON.parse(JSON.stringify(result.reports)));
  });

  it('a folder compiles every OpenAPI document in it; identities come from the file, the title or the folder', async () => {
    const lines: string[] = [];
    const result = await generate({ root, contracts: ['specs'], outDir: 'specs-out', log: (line) => lines.push(line) });
    expect(result.ok, lines.join('\n')).toBe(true);
    const tree = [...readTree(join(root, 'specs-out')).keys()];
    // specs/billing/v3/openapi.yaml: a generic file name, so the title "Operation ids" names it; info.version v3 is its major.
    expect(tree).toContain('graphql/operation_ids/v3/schema.graphql');
    expect(tree).toContain('graphql/trees/v1/schema.graphql');
    expect(tree.filter((path) => path.endsWith('schema.graphql'))).toHaveLength(2);
    expect(lines.at(-1)).toMatch(/from 2 documents\.$/);
  });

  it('--name and --api-version choose the identity of one document', async () => {
    const result = await generate({ root, contracts: ['reactions.yaml'], outDir: 'named', name: 'emoji', apiVersion: 4, only: ['graphql', 'proto'], log: () => {} });
    expect(result.ok).toBe(true);
    expect([...readTree(join(root, 'named')).keys()].sort()).toEqual(['graphql/emoji/v4/schema.graphql', 'locks/emoji/v4/proto.lock.json', 'proto/trident/emoji/v4/emoji.proto']);
  });

  it('--strict holds a foreign document to the rules of contracts', async () => {
    const lines: string[] = [];
    const result = await generate({ root, contracts: ['specs/billing/v3/openapi.yaml'], outDir: 'strict', strict: true, log: (line) => lines.push(line) });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.map((entry) => entry.code)).toContain('operation-id-missing');
    expect(existsSync(join(root, 'strict'))).toBe(false);
  });

  it('needs --out, and never replaces a folder it did not write', async () => {
    const lines: string[] = [];
    expect((await generate({ root, contracts: ['reactions.yaml'], log: (line) => lines.push(line) })).ok).toBe(false);
    expect(lines.at(-1)).toMatch(/is not a contract of this repository .*pass --out DIR/);
    mkdirSync(join(root, 'mine'), { recursive: true });
    writeFileSync(join(root, 'mine', 'notes.txt'), 'keep me\n');
    expect((await generate({ root, contracts: ['reactions.yaml'], outDir: 'mine', log: (line) => lines.push(line) })).ok).toBe(false);
    expect(lines.at(-1)).toBe("refusing to replace mine/: it holds 'notes.txt', which trident did not write; choose an empty or new folder.");
    expect(readFileSync(join(root, 'mine', 'notes.txt'), 'utf8')).toBe('keep me\n');
  });

  it('a document that is not valid OpenAPI gets located diagnostics and exit code 1, never a crash', () => {
    writeFileSync(join(root, 'broken.json'), '{"openapi": "3.1.0", "info": {"title": "Broken"}, "paths": {"/a": {"get": {"responses": {"200": {"description": 5}}}}}}\n');
    writeFileSync(join(root, 'swagger.yaml'), 'swagger: "2.0"\ninfo: { title: Old, version: "1" }\npaths: {}\n');
    for (const [file, code] of [['broken.json', 'openapi-invalid'], ['swagger.yaml', 'openapi-version-unsupported']]) {
      const result = spawnSync(node, [cli, 'generate', file ?? '', '--out', 'broken-out'], { cwd: root, encoding: 'utf8' });
      expect(result.status, result.stderr).toBe(1);
      // The findings on standard error; standard output has the summary only.
      expect(result.stderr).toMatch(new RegExp(`^${file}:\\d+:\\d+ error ${code}: `, 'm'));
      expect(result.stdout).toMatch(/^\d+ errors?; nothing was written.\n$/);
    }
  });
});

describe('names that every generator spells alike', () => {
  // Inside the repository, so the generated client resolves trident/client/grpc to its source.
  const root = join(repoRoot, '.tmp', `foreign-names-${process.pid}`);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('operationIds starting with a digit or mixing cases give gRPC TypeScript that compiles, called by the names ts-proto wrote', () => {
    mkdirSync(root, { recursive: true });
    const operation = (operationId: string, property: string) => ({ get: { operationId, responses: { '200': { description: 'ok', content: { 'application/json': { schema: { type: 'object', properties: { [property]: { type: 'string' } } } } } } } } });
    writeFileSync(join(root, 'names.json'), JSON.stringify({ openapi: '3.0.3', info: { title: 'Names', version: '1.0.0' }, paths: { '/a': operation('58d8a9c0e4b0f1a2', 'x'), '/b': operation('assignIPv4s', 'getAPIValue'), '/c': operation('getAPIValue', 'y') } }));
    const result = spawnSync(node, [cli, 'generate', 'names.json', '--out', 'out'], { cwd: root, encoding: 'utf8' });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    const proto = readFileSync(join(root, 'out/proto/trident/names/v1/names.proto'), 'utf8');
    expect(proto).toContain('rpc N58d8a9c0e4b0f1a2(N58d8a9c0e4b0f1a2Request)');
    // Each name the gRPC TypeScript spells otherwise is in the lossiness report.
    expect(result.stdout).toContain("proto   gRPC TypeScript method renamed (x2), e.g. gRPC TypeScript method 'n58d8a9c0e4b0f1a2' -> 'n58D8A9C0E4B0F1A2' (ts-proto's spelling)");
    expect(result.stdout).toContain("proto   operation renamed (x2), e.g. operation '58d8a9c0e4b0f1a2' -> rpc N58d8a9c0e4b0f1a2");
    writeFileSync(join(root, 'consumer.ts'), [
      "import { createNamesV1GrpcClient } from './out/ts/names/v1/clients/grpc.ts';",
      "const client = createNamesV1GrpcClient({ address: '127.0.0.1:1' });",
      // The method names of ts-proto's service definition (case-anything's camelCase).
      'export const calls = [client.n58D8A9C0E4B0F1A2({}), client.assignIPv4S({}), client.getApiValue({})];',
      '',
    ].join('\n'));
    writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', allowImportingTsExtensions: true, skipLibCheck: true, customConditions: ['trident-source'], types: ['node'] }, include: ['out/ts/**/*.ts', 'consumer.ts'] }));
    const tsc = spawnSync(join(repoRoot, 'node_modules/.bin/tsc'), ['-p', join(root, 'tsconfig.json')], { encoding: 'utf8' });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  }, 120_000);
});
