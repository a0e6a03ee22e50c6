import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { compileContract } from '../../src/compiler/compile.ts';
import { printSdl } from '../../src/compiler/emit/graphql/print.ts';
import { toGraphqlDocument } from '../../src/compiler/emit/graphql/transform.ts';
import { foreignIdentity } from '../../src/compiler/identity.ts';
import { discoverContracts } from '../../tools/generate.ts';
import { fixturesRoot, listCases } from '../golden/fixtures.ts';
import { repoRoot } from '../e2e/workspace.ts';

// The SDL printer is checked against graphql-js's `print`, the reference, on every schema the
// golden fixtures and the contracts produce.
const documents = [
  ...listCases().map((name) => ({ root: join(fixturesRoot, name), path: 'input/openapi.yaml', foreign: name.startsWith('foreign-') })),
  ...discoverContracts(repoRoot).map((path) => ({ root: repoRoot, path, foreign: false })),
];

describe('the SDL printer prints what graphql-js prints', () => {
  for (const { root, path, foreign } of documents) {
    it(`${root === repoRoot ? path : root.split('/').at(-1) ?? ''}`, async () => {
      const readText = (file: string): string | undefined => {
        try {
          return readFileSync(join(root, file), 'utf8');
        } catch {
          return undefined;
        }
      };
      const compiled = await compileContract(path, readText, (document) => foreignIdentity(path, document), { lenient: foreign, outputs: ['graphql'] });
      if (!compiled.api) return;
      const document = toGraphqlDocument(compiled.api);
      expect(printSdl(document)).toBe(print(document));
    });
  }
});
