import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileContract } from '../../src/compiler/compile.ts';
import { writeTypescriptTypes } from '../../src/compiler/emit/typescript.ts';
import { generate } from '../../tools/generate.ts';
import { isLargeDocument, largeDocumentTypes, typesOnOwnThread } from '../../tools/generate/types.ts';

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

  it('are written again without the bound when the bounded thread runs out of memory', async () => {
    const tiny = JSON.stringify({ openapi: '3.1.0', info: { title: 'Tiny', version: '1' }, paths: {}, components: { schemas: { Note: { type: 'object', properties: { id: { type: 'string' } } } } } });
    // A heap too small even to load openapi-typescript: a thread with it alone dies of it.
    const tooSmall = { maxOldGenerationSizeMb: 12, maxYoungGenerationSizeMb: 2 };
    await expect(typesOnOwnThread(tiny, tooSmall)).rejects.toMatchObject({ code: 'ERR_WORKER_OUT_OF_MEMORY' });
    expect(await largeDocumentTypes(tiny, tooSmall)).toContain('Note: {');
  });
});
