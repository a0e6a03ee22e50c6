import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OneByteJson, ownText } from '../../src/compiler/source-text.ts';
import { readAhead, readAheadTexts } from '../../tools/breaking-args.ts';

// `trident breaking OLD NEW` starts reading the two documents before the gate loads; the gate then
// takes the texts, which must be what readFileSync would have read.
describe('reading the documents of trident breaking ahead', () => {
  const folder = mkdtempSync(join(tmpdir(), 'trident-read-ahead-'));
  const old = join(folder, 'old.json');
  const next = join(folder, 'new.yaml');
  writeFileSync(old, '\uFEFF{"openapi": "3.1.0", "info": {"title": "Caf\u00e9 \u{1F600}"}}\n');
  writeFileSync(next, 'openapi: 3.1.0\n');

  it('reads both documents named, relative to the working directory, with the options around them', async () => {
    readAhead(['--format', 'json', 'old.json', '--output', 'report.json', 'new.yaml', '--verbose'], folder);
    const texts = await readAheadTexts();
    expect([...texts.keys()]).toEqual([old, next]);
    // The bytes decoded as UTF-8, the byte order mark kept, as readFileSync keeps it.
    expect(texts.get(old)).toBe('\uFEFF{"openapi": "3.1.0", "info": {"title": "Caf\u00e9 \u{1F600}"}}\n');
    // Taken once: the gate's later reads go to the files.
    expect((await readAheadTexts()).size).toBe(0);
  });

  it('holds a JSON document in its one-byte form, which gives the file\'s own text back', async () => {
    const text = '{"openapi": "3.1.0", "info": {"title": "Caf\u00e9 \u2014 \u{1F600}"}}\n';
    writeFileSync(join(folder, 'plain.json'), text);
    readAhead(['plain.json', 'new.yaml'], folder);
    const texts = await readAheadTexts();
    const read = texts.get(join(folder, 'plain.json'));
    expect(read).toBeInstanceOf(OneByteJson);
    expect(read === undefined ? undefined : ownText(read)).toBe(text);
    expect(texts.get(next)).toBe('openapi: 3.1.0\n');
  });

  it('reads two documents of different sizes whole, the larger first or second (the second goes into the memory of the first)', async () => {
    const small = '{"info": {"title": "Caf\u00e9"}}';
    const large = JSON.stringify({ info: { title: '\u2014 \u{1F6A2} '.repeat(300) }, padding: 'x'.repeat(70_000) });
    for (const [first, second] of [[small, large], [large, small]] as const) {
      writeFileSync(join(folder, 'first.json'), first);
      writeFileSync(join(folder, 'second.json'), second);
      readAhead(['first.json', 'second.json'], folder);
      const texts = await readAheadTexts();
      expect([...texts.values()].map((text) => ownText(text))).toEqual([first, second]);
    }
  });

  it('reads nothing for the contracts mode, a wrong argument list or a file that is not there', async () => {
    readAhead(['--base', 'HEAD~1'], folder);
    readAhead(['old.json'], folder);
    readAhead(['old.json', 'new.yaml', '--no-such-option'], folder);
    expect((await readAheadTexts()).size).toBe(0);
    readAhead(['old.json', 'missing.json'], folder);
    expect([...(await readAheadTexts()).keys()]).toEqual([old]);
    // What is not a regular file (a device, a pipe such as `<(git show HEAD~1:api.json)`, a folder)
    // is left to the gate, which reads it to its end or says what it is.
    readAhead(['/dev/null', folder], folder);
    expect((await readAheadTexts()).size).toBe(0);
  });
});
