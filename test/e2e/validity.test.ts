import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validate } from '@readme/openapi-parser';
import { buildSchema, validateSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { bufBinary, discoverContracts } from '../../tools/generate.ts';
import { readTree, repoRoot } from './workspace.ts';

// Independent tools judge the committed output: graphql-js, buf, Debian's protoc, tsc, and
// @readme/openapi-parser on both the contracts as written and the bundles.
const generated = readTree(join(repoRoot, 'generated'));
const run = (command: string, args: string[], cwd = repoRoot): string =>
  execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('generated output is valid for the tools of each protocol', () => {
  const sdlFiles = [...generated.keys()].filter((path) => path.endsWith('.graphql'));
  it('finds the SDL of every API version', () => expect(sdlFiles).toHaveLength(discoverContracts(repoRoot).length));
  for (const path of sdlFiles) {
    it(`graphql-js builds and validates ${path}`, () => {
      const schema = buildSchema(generated.get(path) ?? '');
      expect(validateSchema(schema)).toEqual([]);
      expect(Object.keys(schema.getQueryType()?.getFields() ?? {}).length).toBeGreaterThan(0);
    });
  }

  it('buf lint (STANDARD) and buf build pass on generated/proto', () => {
    expect(run(bufBinary(), ['lint'])).toBe('');
    const image = run(bufBinary(), ['build', '-o', '-#format=json']);
    const files = (JSON.parse(image) as { file: Array<{ name: string }> }).file.map((file) => file.name);
    expect(files).toEqual(expect.arrayContaining(['trident/study/v1/study.proto', 'trident/study/v2/study.proto', 'trident/image/v1/image.proto', 'trident/review/v1/review.proto']));
  });

  it("Debian's protoc compiles every generated proto file", () => {
    const protoRoot = join(repoRoot, 'generated/proto');
    const files = readdirSync(protoRoot, { recursive: true }).map(String).filter((path) => path.endsWith('.proto'));
    expect(files.length).toBe(discoverContracts(repoRoot).length);
    run('protoc', ['-I', protoRoot, '-I', '/usr/include', '--descriptor_set_out=/dev/null', ...files], protoRoot);
  });

  it('all TypeScript, generated code included, type-checks under the strict tsconfig', () => {
    const config = JSON.parse(readFileSync(join(repoRoot, 'tsconfig.json'), 'utf8'));
    expect(config.include).toContain('generated/ts');
    run(join(repoRoot, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.json', '--noEmit']);
  });

  for (const contract of discoverContracts(repoRoot)) {
    it(`@readme/openapi-parser validates ${contract} as written and as bundled`, async () => {
      const asWritten = await validate(join(repoRoot, contract));
      expect(asWritten.valid ? [] : asWritten.errors).toEqual([]);
      const bundlePath = contract.replace(/^contracts\/(.+)\/openapi\.yaml$/, 'openapi/$1/openapi.json');
      const bundled = await validate(JSON.parse(generated.get(bundlePath) ?? '{}'));
      expect(bundled.valid ? [] : bundled.errors).toEqual([]);
    });
  }
});
