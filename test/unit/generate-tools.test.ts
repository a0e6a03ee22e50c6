import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatLossReport, type LossReport } from '../../src/compiler/losses.ts';
import { CompileCache, inputHashes } from '../../tools/generate/cache.ts';
import { terminalProgress } from '../../tools/generate/progress.ts';

describe('progress', () => {
  const stream = (isTTY: boolean) => {
    const written: string[] = [];
    return { isTTY, columns: 60, write: (text: string) => written.push(text), written };
  };

  it('on a terminal: documents and operations on one rewritten line, cleared at the end', () => {
    const terminal = stream(true);
    const progress = terminalProgress(terminal, {});
    progress.document(1, 2, 'a.yaml');
    progress.compiled('a.yaml', 12, false);
    progress.document(2, 2, 'b.yaml');
    progress.compiled('b.yaml', 30, false);
    progress.step('gRPC TypeScript');
    progress.done();
    expect(terminal.written).toEqual([
      '\r\u001b[2Ktrident: 1/2 documents, 0 operations - compiling a.yaml',
      '\r\u001b[2Ktrident: 1/2 documents, 12 operations',
      '\r\u001b[2Ktrident: 2/2 documents, 12 operations - compiling b.yaml',
      '\r\u001b[2Ktrident: 2/2 documents, 42 operations',
      '\r\u001b[2Ktrident: 2/2 documents, 42 operations - gRPC TypeScript',
      '\r\u001b[2K',
    ]);
  });

  it('says nothing when the stream is not a terminal, or when CI is set', () => {
    for (const [terminal, env] of [[stream(false), {}], [stream(true), { CI: 'true' }]] as const) {
      const progress = terminalProgress(terminal, env);
      progress.document(1, 1, 'a.yaml');
      progress.compiled('a.yaml', 3, false);
      progress.done();
      expect(terminal.written).toEqual([]);
    }
  });
});

describe('the compile cache', () => {
  const root = mkdtempSync(join(tmpdir(), 'trident-cache-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const result = { identity: { name: 'a', version: 1 }, files: [['graphql/a/v1/schema.graphql', 'type Query { a: Int }\n']] as Array<[string, string]>, diagnostics: [], operations: 1 };

  it('gives a result back while every file it read is unchanged, and not after', () => {
    const cache = new CompileCache(root);
    const files = new Map<string, string | undefined>([['a.yaml', 'openapi: 3.1.0\n'], ['proto.lock.json', undefined]]);
    cache.store('key', inputHashes(files), result);
    expect(cache.lookup('key', (path) => files.get(path))).toEqual(result);
    expect(cache.lookup('other key', (path) => files.get(path))).toBeUndefined();
    expect(cache.lookup('key', (path) => (path === 'a.yaml' ? 'openapi: 3.0.3\n' : undefined))).toBeUndefined();
    // A file that was absent and now exists (a lock written since) also invalidates it.
    expect(cache.lookup('key', (path) => (path === 'a.yaml' ? 'openapi: 3.1.0\n' : '{}'))).toBeUndefined();
  });

  it('keeps each output as a file of its own, and misses when one is gone or damaged', () => {
    const own = mkdtempSync(join(tmpdir(), 'trident-cache-blobs-'));
    try {
      const cache = new CompileCache(own);
      const inputs = inputHashes(new Map([['a.yaml', 'openapi: 3.1.0\n']]));
      const text = 'type Query { a: Int }\n';
      cache.store('key', inputs, result);
      const blobs = join(own, '.cache', 'trident', 'blobs');
      const [blob] = readdirSync(blobs);
      expect(readFileSync(join(blobs, blob ?? ''), 'utf8')).toBe(text);
      // The entry names the output by its hash, not by its text.
      const [entryFile] = readdirSync(join(own, '.cache', 'trident', 'compile'));
      expect(readFileSync(join(own, '.cache', 'trident', 'compile', entryFile ?? ''), 'utf8')).not.toContain('type Query');
      const read = () => 'openapi: 3.1.0\n';
      writeFileSync(join(blobs, blob ?? ''), 'type Query { b: Int }\n');
      expect(cache.lookup('key', read)).toBeUndefined();
      rmSync(join(blobs, blob ?? ''));
      expect(cache.lookup('key', read)).toBeUndefined();
      cache.store('key', inputs, result);
      expect(cache.lookup('key', read)).toEqual(result);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });

  it('keeps the gRPC TypeScript of a proto file by its text', () => {
    const cache = new CompileCache(root);
    cache.storeGrpc('proto/a.proto', 'syntax = "proto3";', [['ts/grpc/a.ts', 'export {};']]);
    expect(cache.lookupGrpc('proto/a.proto', 'syntax = "proto3";')).toEqual([['ts/grpc/a.ts', 'export {};']]);
    expect(cache.lookupGrpc('proto/a.proto', 'syntax = "proto3"; // edited')).toBeUndefined();
  });
});

describe('the lossiness report for a terminal', () => {
  it('groups each target by construct, most frequent first, with its first place', () => {
    const loss = (construct: string, fallback: string, line: number) => ({ target: 'graphql' as const, kind: 'fallback' as const, construct, fallback, pointer: `/x/${line}`, file: 'a.yaml', line, col: 3 });
    const report: LossReport = {
      document: 'a.yaml',
      api: { name: 'a', version: 1 },
      targets: {
        graphql: { count: 3, losses: [loss('a map', 'JSON scalar', 4), loss('oneOf without a discriminator', 'JSON scalar', 9), loss('oneOf without a discriminator', 'JSON scalar', 12)] },
        proto: { count: 0, losses: [] },
      },
    };
    expect(formatLossReport(report)).toEqual([
      'lossiness of a.yaml: GraphQL 3, proto 0',
      '  GraphQL oneOf without a discriminator -> JSON scalar (x2), first at a.yaml:9:3',
      '  GraphQL a map -> JSON scalar, first at a.yaml:4:3',
    ]);
  });

  it('counts renames by what they rename, with the first as an example', () => {
    const renamed = (construct: string, fallback: string, line: number) => ({ target: 'proto' as const, kind: 'renamed' as const, construct, fallback, pointer: `/x/${line}`, file: 'a.yaml', line, col: 5 });
    const report: LossReport = {
      document: 'a.yaml',
      api: { name: 'a', version: 1 },
      targets: {
        graphql: { count: 0, losses: [] },
        proto: { count: 4, losses: [
          renamed("parameter '$filter' (query)", "'filter'", 3),
          renamed('operation GET /pets', 'rpc GetPets', 5),
          renamed("parameter 'api-version' (query)", "'api_version'", 7),
          renamed("the type '9lives'", "'N9lives'", 9),
        ] },
      },
    };
    expect(formatLossReport(report)).toEqual([
      'lossiness of a.yaml: GraphQL 0, proto 4',
      "  proto   parameter renamed (x2), e.g. parameter '$filter' (query) -> 'filter', first at a.yaml:3:5",
      '  proto   operation renamed, e.g. operation GET /pets -> rpc GetPets, first at a.yaml:5:5',
      "  proto   type renamed, e.g. the type '9lives' -> 'N9lives', first at a.yaml:9:5",
    ]);
  });
});
