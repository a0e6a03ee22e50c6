import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileContract } from '../../src/compiler/compile.ts';
import { notesRoot } from './harness.ts';

// The Notes test contract's TypeScript types and server interface, committed beside it so that
// notes-service.ts is typed by the contract it implements; TRIDENT_RECORD=1 writes them again.
const outputs = ['types.ts', 'server.ts'];
const generated = join(notesRoot, 'generated', 'notes', 'v1');

describe('the Notes contract generated for the runtime tests', () => {
  it('is up to date with the contract', async () => {
    const read = (path: string) => (existsSync(join(notesRoot, path)) ? readFileSync(join(notesRoot, path), 'utf8') : undefined);
    const compiled = await compileContract('contracts/notes/v1/openapi.yaml', read, { name: 'notes', version: 1 }, { outputs: ['types', 'server'] });
    for (const file of outputs) {
      const text = compiled.files.get(`ts/notes/v1/${file}`);
      expect(text, file).toBeDefined();
      const path = join(generated, file);
      if (process.env.TRIDENT_RECORD === '1') {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, text ?? '');
      }
      expect(existsSync(path) ? readFileSync(path, 'utf8') : undefined, `${file} (TRIDENT_RECORD=1 writes it)`).toBe(text);
    }
  });
});
