import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileContract } from '../../src/compiler/compile.ts';
import { openapiTypescriptOptions, typesDocumentText, typesOfDocument, writeTypesDocument, writeTypescriptTypes } from '../../src/compiler/emit/typescript.ts';
import { generate } from '../../tools/generate.ts';
import { SpilledFiles } from '../../tools/generate/spill.ts';
import { isLargeDocument } from '../../tools/generate/types.ts';

// A foreign document just over the size from which generate writes the types after the rest of
// the compile, on a thread of their own with a bounded heap: many small schemas, each with a
// long description, and operations without operationIds (whose ids the compiler chooses).
function largeDescription(): string {
  const schemas: Record<string, unknown> = {};
  const paths: Record<string, unknown> = {};
  const filler = 'A description long enough to make the document large without making it slow to compile. '.repeat(6);
  for (let index = 0; index < 2_400; index += 1) {
    schemas[`Thing${index}`] = { type: 'object', description: filler, required: ['id'], properties: { id: { type: 'string' }, size: { type: 'integer', format: 'int64' }, kind: { type: 'string', enum: ['small', 'large'] } } };
  }
  for (let index = 0; index < 60; index += 1) {
    paths[`/things${index}/{id}`] = { get: { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: { '200': { description: 'The thing.', content: { 'application/json': { schema: { $ref: `#/components/schemas/Thing${index}` } } } } } } };
  }
  return JSON.stringify({ openapi: '3.1.0', info: { title: 'Large', version: '1.0.0' }, paths, components: { schemas } });
}

describe('the types of a large document', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trident-large-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const text = largeDescription();
  writeFileSync(join(dir, 'large.json'), text);

  it('are written after the compile, and are the types the compile would have written beside it', async () => {
    // The size from which generate defers the types, as generate asks it.
    expect(isLargeDocument(join(dir, 'large.json'))).toBe(true);
    const result = await generate({ root: dir, contracts: ['large.json'], outDir: 'out', only: ['types', 'openapi'], cache: false, log: () => {}, diagnosticLog: () => {} });
    expect(result.ok).toBe(true);
    const written = readFileSync(join(dir, 'out/ts/large/v1/types.ts'), 'utf8');
    const read = (path: string): string | undefined => (existsSync(join(dir, path)) ? readFileSync(join(dir, path), 'utf8') : undefined);
    const inline = await compileContract('large.json', read, { name: 'large', version: 1 }, { lenient: true, outputs: ['types'] });
    expect(inline.diagnostics.filter((entry) => entry.severity === 'error')).toEqual([]);
    expect(written).toBe(await writeTypescriptTypes(inline.api!));
    expect(written).toContain('get: operations["getThings0ById"]');
  });

  it('are written as openapiTS writes them, without its lint and bundle steps', async () => {
    const openapiTypescript = await import('openapi-typescript');
    const read = (path: string): string | undefined => (existsSync(join(dir, path)) ? readFileSync(join(dir, path), 'utf8') : undefined);
    const large = await compileContract('large.json', read, { name: 'large', version: 1 }, { lenient: true, outputs: ['openapi'] });
    const study = await compileContract('contracts/study/v1/openapi.yaml', (path) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined), { name: 'study', version: 1 }, { outputs: ['openapi'] });
    for (const api of [large.api, study.api]) {
      const text = typesDocumentText(api!);
      const full = openapiTypescript.astToString(await openapiTypescript.default(JSON.parse(text) as never, openapiTypescriptOptions));
      expect(typesOfDocument(openapiTypescript, text)).toBe(full);
    }
  });

  it('keep every output the compile would have written, though they wait on disk meanwhile', async () => {
    const lines: string[] = [];
    const result = await generate({ root: dir, contracts: ['large.json'], outDir: 'all', cache: false, log: (line) => lines.push(line), diagnosticLog: () => {} });
    expect(result.ok).toBe(true);
    // The gRPC client stands on ts-proto's file, which a proto this large does not get by default.
    expect(lines.join('\n')).toContain('gRPC TypeScript left out for large.json');
    expect(existsSync(join(dir, 'all/ts/large/v1/clients/grpc.ts'))).toBe(false);
    const read = (path: string): string | undefined => (existsSync(join(dir, path)) ? readFileSync(join(dir, path), 'utf8') : undefined);
    const inline = await compileContract('large.json', read, { name: 'large', version: 1 }, { lenient: true, outputs: ['openapi', 'graphql', 'proto', 'types', 'clients'], lockPath: 'all/locks/large/v1/proto.lock.json' });
    inline.files.delete('ts/large/v1/clients/grpc.ts');
    expect(inline.files.size).toBe(6);
    for (const [path, text] of inline.files) expect(readFileSync(join(dir, 'all', path), 'utf8'), path).toBe(text);
    // The scratch folder is gone with the run.
    expect(readdirSync(tmpdir()).filter((entry) => entry.startsWith('trident-outputs-'))).toEqual([]);
  });
});

describe('the document openapi-typescript reads', () => {
  it('is the bundled document with the IR ids of the operations, written in pieces', async () => {
    const text = JSON.stringify({
      openapi: '3.1.0',
      info: { title: 'Ids', version: '1' },
      paths: {
        '/a': { get: { responses: { '204': { description: 'none' } } } },
        '/b': { get: { operationId: 'listB', summary: 'kept in place', responses: { '204': { description: 'none' } } } },
      },
    });
    const compiled = await compileContract('ids.json', (path) => (path === 'ids.json' ? text : undefined), { name: 'ids', version: 1 }, { lenient: true, outputs: ['openapi'] });
    const api = compiled.api!;
    const written = JSON.parse(typesDocumentText(api)) as { paths: Record<string, { get: Record<string, unknown> }> };
    const ids = Object.fromEntries(api.operations.map((operation) => [operation.path, operation.id]));
    // A missing operationId is added last, as an assignment would; a present one keeps its place.
    expect(Object.keys(written.paths['/a']!.get)).toEqual(['responses', 'operationId']);
    expect(written.paths['/a']!.get.operationId).toBe(ids['/a']);
    expect(Object.keys(written.paths['/b']!.get)).toEqual(['operationId', 'summary', 'responses']);
    expect(written.paths['/b']!.get.operationId).toBe('listB');
    // Nothing else differs from the bundled document.
    const { paths: _paths, ...rest } = written;
    const { paths: _bundled, ...bundledRest } = api.document as Record<string, unknown>;
    expect(rest).toEqual(bundledRest);
  });

  it('comes in pieces of about 64 KB that make up the whole text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trident-pieces-'));
    try {
      writeFileSync(join(dir, 'large.json'), largeDescription());
      const read = (path: string): string | undefined => (existsSync(join(dir, path)) ? readFileSync(join(dir, path), 'utf8') : undefined);
      const api = (await compileContract('large.json', read, { name: 'large', version: 1 }, { lenient: true, outputs: ['openapi'] })).api!;
      const pieces: string[] = [];
      writeTypesDocument(api, (chunk) => pieces.push(chunk));
      expect(pieces.length).toBeGreaterThan(10);
      expect(pieces.slice(0, -1).every((piece) => piece.length >= 65_536 && piece.length < 70_000)).toBe(true);
      expect(pieces.join('')).toBe(typesDocumentText(api));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('output files kept on disk', () => {
  it('behave as a Map of their texts, and leave nothing behind', () => {
    const files = new SpilledFiles();
    files.set('a.txt', 'first é');
    files.set('b.txt', 'second ✓');
    files.set('a.txt', 'first, again é');
    expect(files.size).toBe(2);
    expect(files.get('a.txt')).toBe('first, again é');
    expect(files.has('b.txt')).toBe(true);
    expect([...files]).toEqual([['a.txt', 'first, again é'], ['b.txt', 'second ✓']]);
    expect([...files.values()]).toEqual(['first, again é', 'second ✓']);
    const { file } = files.stash((write) => {
      write('{"openapi":');
      write('"3.1.0"}');
    });
    expect(readFileSync(file, 'utf8')).toBe('{"openapi":"3.1.0"}');
    expect(files.delete('b.txt')).toBe(true);
    expect(files.load()).toEqual(new Map([['a.txt', 'first, again é']]));
    files.clear();
    expect(files.size).toBe(0);
    files.dispose();
    expect(existsSync(file)).toBe(false);
  });
});
