import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contractIdentity, discoverContracts } from '../../src/config/index.ts';
import { loadGeneratedApis, StaleOutputError } from '../../src/runtime/generated.ts';
import { loadApis } from '../../src/runtime/load.ts';
import { ownPackage } from '../../tools/own-package.ts';
import { repoRoot } from '../e2e/workspace.ts';

// A scratch copy of the contracts and of what `trident generate` wrote for them.
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'trident-serving-'));
  for (const folder of ['contracts', 'generated']) cpSync(join(repoRoot, folder), join(root, folder), { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const contracts = () => discoverContracts(root).map((path) => ({ path, ...contractIdentity(path)! }));
const load = (trident = ownPackage().version) => loadGeneratedApis(root, { output: 'generated', contracts: contracts(), trident });
const staleReasons = (run: () => unknown): readonly string[] => {
  try {
    run();
  } catch (error) {
    if (error instanceof StaleOutputError) return error.reasons;
    throw error;
  }
  throw new Error('loaded without finding anything stale');
};
const edit = (path: string, change: (text: string) => string) => writeFileSync(join(root, path), change(readFileSync(join(root, path), 'utf8')));

describe('a server starting from generated/', () => {
  it('gets the same API versions as compiling the contracts', async () => {
    const compiled = await loadApis(root);
    const generated = load();
    expect(generated.map((api) => api.key)).toEqual(['image/v1', 'review/v1', 'study/v1', 'study/v2']);
    // Compared as JSON: the manifest drops keys whose value is undefined, and nothing else.
    expect(JSON.parse(JSON.stringify(generated.map((api) => ({ ...api, protos: [...api.protos] }))))).toEqual(JSON.parse(JSON.stringify(compiled.map((api) => ({ ...api, protos: [...api.protos] })))));
  }, 60_000);

  it('is told which file changed since generate: a contract, the lock, or a file a contract refers to', () => {
    edit('contracts/study/v2/openapi.yaml', (text) => `${text}# a comment\n`);
    edit('contracts/review/v1/proto.lock.json', (text) => text.replace(/\n$/, ' \n'));
    expect(staleReasons(load)).toEqual([
      'contracts/review/v1/proto.lock.json changed since generated/serve/review/v1.json was written',
      'contracts/study/v2/openapi.yaml changed since generated/serve/study/v2.json was written',
    ]);
    edit('contracts/common/errors.yaml', (text) => `${text}# a comment\n`);
    expect(staleReasons(load)).toEqual(['image/v1', 'review/v1', 'study/v1', 'study/v2'].map((key) => `contracts/common/errors.yaml changed since generated/serve/${key}.json was written`));
  });

  it('is told of a generated file edited by hand, removed, or without its manifest', () => {
    edit('generated/graphql/study/v2/schema.graphql', (text) => text.replace('type Query', 'type  Query'));
    unlinkSync(join(root, 'generated/proto/trident/review/v1/review.proto'));
    unlinkSync(join(root, 'generated/serve/image/v1.json'));
    expect(staleReasons(load)).toEqual([
      'contracts/image/v1/openapi.yaml has no generated/serve/image/v1.json',
      'generated/proto/trident/review/v1/review.proto is missing',
      'generated/graphql/study/v2/schema.graphql was changed after `trident generate` wrote it',
    ]);
  });

  it('is told of a contract removed, and of output written by another toolkit version', () => {
    rmSync(join(root, 'contracts/study/v1'), { recursive: true });
    expect(staleReasons(load)).toEqual(['generated/serve/study/v1.json belongs to no contract']);
    expect(staleReasons(() => load('9.9.9'))[0]).toBe(`generated/serve/image/v1.json was written by trident ${ownPackage().version}, this is 9.9.9`);
  });

  it('says what is stale in one message, with the first reason and how to fix it', () => {
    edit('contracts/study/v2/openapi.yaml', (text) => `${text}# a comment\n`);
    expect(() => load()).toThrow('generated/ is out of date: contracts/study/v2/openapi.yaml changed since generated/serve/study/v2.json was written; run `trident generate` and deploy what it writes.');
  });
});
