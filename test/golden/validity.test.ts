import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSchema, validateSchema } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { bufBinary } from '../../tools/generate.ts';
import { listCases, readCase } from './fixtures.ts';

// Every golden output, the hard cases of foreign documents included, must be accepted by the
// tools of its protocol: graphql-js for the SDL, buf and Debian's protoc for the proto.
const outputs = listCases().flatMap((name) => [...readCase(name)].map(([path, text]) => ({ name, path, text })));

describe('golden outputs are valid', () => {
  for (const { name, text } of outputs.filter(({ path }) => path.endsWith('.graphql'))) {
    it(`graphql-js builds and validates ${name}`, () => {
      expect(validateSchema(buildSchema(text)).map((error) => error.message)).toEqual([]);
    });
  }

  const protos = outputs.filter(({ path }) => path.endsWith('.proto'));
  // Each case in its own package folder, as buf and protoc want (one package per directory).
  const scratch = mkdtempSync(join(tmpdir(), 'trident-golden-proto-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const files = protos.map(({ name, text }) => {
    const path = `${name}/${name.replaceAll('-', '_')}.proto`;
    mkdirSync(join(scratch, name), { recursive: true });
    // Packages must differ between cases; the file's own package is kept apart with the case name.
    const pkg = /^package ([\w.]+);$/m.exec(text)?.[1] ?? '';
    const own = `${pkg}.${name.replaceAll('-', '_')}`;
    writeFileSync(join(scratch, path), text.replace(`package ${pkg};`, `package ${own};`).replaceAll(`.${pkg}.`, `.${own}.`));
    return path;
  });

  it('finds proto files among the outputs', () => expect(files.length).toBeGreaterThan(20));

  it("Debian's protoc compiles every golden proto file", () => {
    execFileSync('protoc', ['-I', scratch, '-I', '/usr/include', '--descriptor_set_out=/dev/null', ...files], { cwd: scratch, stdio: ['ignore', 'pipe', 'pipe'] });
  });

  it('buf build compiles every golden proto file', () => {
    writeFileSync(join(scratch, 'buf.yaml'), 'version: v2\n');
    execFileSync(bufBinary(), ['build', scratch, '-o', '/dev/null'], { cwd: scratch, stdio: ['ignore', 'pipe', 'pipe'] });
  });
});
