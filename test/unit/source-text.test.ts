import { describe, expect, it } from 'vitest';
import { parseSource } from '../../src/compiler/source.ts';
import { decodeText, linesOf, OneByteJson, ownText, scannedText } from '../../src/compiler/source-text.ts';

// A JSON document's bytes, with `room` spare bytes after them, as the read-ahead of
// `trident breaking` holds them.
function bytesOf(text: string, room = 0): { buffer: Buffer; length: number } {
  const bytes = Buffer.from(text, 'utf8');
  const buffer = Buffer.alloc(bytes.length + room, 0x2a);
  bytes.copy(buffer);
  return { buffer, length: bytes.length };
}

// Characters of one, two, three and four UTF-8 bytes, the last a surrogate pair in JavaScript;
// a key with an accent; a `\u2014` the file writes as an escape itself; one long line and lines.
const minified = JSON.stringify({
  openapi: '3.1.0',
  info: { title: 'Café — the “shop” 🚢', version: '1', 'x-naïve': 'a\\u2014b \u00a0' },
  paths: { '/pets': { get: { summary: '😀😀 ü', operationId: 'listPets', tags: ['ünïcode', 'plain'] } } },
});
const literalEscape = minified.replace('"a\\\\u2014b', '"a\\u2014b');
const pretty = `${JSON.stringify(JSON.parse(literalEscape), null, 2)}\n`;

describe('decodeText: a JSON file in one byte per character', () => {
  it('gives an ASCII JSON text, a YAML text and bytes that are not UTF-8 as UTF-8 decoding would', () => {
    for (const text of ['{"openapi": "3.1.0"}', 'openapi: 3.1.0\ninfo: {title: Café}\n', '\uFEFF{"title": "Café"}']) {
      const decoded = decodeText(bytesOf(text, 64).buffer, bytesOf(text).length);
      expect(decoded).toBe(text);
    }
    const broken = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]);
    expect(decodeText(broken)).toBe(broken.toString('utf8'));
  });

  it('writes every other character as its escape, in the bytes read when there is room and in a copy when not', () => {
    for (const text of [minified, literalEscape, pretty]) {
      for (const room of [0, 4096]) {
        const { buffer, length } = bytesOf(text, room);
        const decoded = decodeText(buffer, length);
        expect(decoded).toBeInstanceOf(OneByteJson);
        const scanned = scannedText(decoded);
        // With room the escapes are written over the bytes read; without, those are left as read.
        expect(buffer.toString(room === 0 ? 'utf8' : 'latin1', 0, room === 0 ? length : scanned.length)).toBe(room === 0 ? text : scanned);
        expect(/[^\x00-\x7f]/.test(scanned)).toBe(false);
        expect(JSON.parse(scanned)).toEqual(JSON.parse(text));
        // The file's own text comes back whole, an escape the file wrote itself left as it is.
        expect(ownText(decoded)).toBe(text);
        expect(ownText(decoded).length).toBe(text.length);
      }
    }
  });

  it('decodes a character after a backslash as UTF-8, so that an escape JSON has not stays refused', () => {
    for (const text of ['{"a": "\\é"}', '{"a": "x\\\\\\🚢"}']) {
      const decoded = decodeText(bytesOf(text, 256).buffer, bytesOf(text).length);
      expect(decoded).toBe(text);
      const { file, problems } = parseSource('api.json', decoded);
      expect(file).toBeUndefined();
      expect(problems).toEqual(parseSource('api.json', text).problems);
    }
    // An even number of backslashes is an escaped backslash: the character after it is text.
    const even = '{"a": "\\\\é"}';
    const decoded = decodeText(bytesOf(even, 256).buffer, bytesOf(even).length);
    expect(decoded).toBeInstanceOf(OneByteJson);
    expect(JSON.parse(scannedText(decoded))).toEqual(JSON.parse(even));
  });

  it('places every node of a one-line document with thousands of characters beyond ASCII as the file has them', () => {
    const schemas = Object.fromEntries(Array.from({ length: 4000 }, (_, index) => [`S${index}`, { description: 'Café: one schema of many, with words enough around its one accent', type: 'string' }]));
    const text = JSON.stringify({ openapi: '3.1.0', components: { schemas } });
    const decoded = decodeText(bytesOf(text, 65536).buffer, bytesOf(text).length);
    expect(decoded).toBeInstanceOf(OneByteJson);
    const positions = parseSource('api.json', decoded).file?.positions;
    expect(positions).toEqual(parseSource('api.json', text).file?.positions);
    expect(positions?.get('/components/schemas/S3999/type')).toEqual({ line: 1, col: text.indexOf('"type"', text.indexOf('"S3999"')) + 1 });
  });

  it('decodes a text mostly in another script as UTF-8', () => {
    const text = JSON.stringify({ title: '画像のレビュー'.repeat(200) });
    expect(decodeText(bytesOf(text, 8192).buffer, bytesOf(text).length)).toBe(text);
  });

  it('gives lines and the positions of every node as the file has them', () => {
    for (const text of [minified, literalEscape, pretty]) {
      const decoded = decodeText(bytesOf(text, 4096).buffer, bytesOf(text).length);
      const fromBytes = parseSource('api.json', decoded).file;
      const fromText = parseSource('api.json', text).file;
      expect(fromBytes?.value).toEqual(fromText?.value);
      expect(fromBytes?.text).toBe(text);
      expect(fromBytes?.positions).toEqual(fromText?.positions);
      const some = ['/paths/~1pets/get/operationId', '/info/x-naïve', '/paths/~1pets/get/tags/1'];
      expect(fromBytes?.positionsOf(some)).toEqual(fromText?.positionsOf(some));
      const lines = new Set([1, 2, 3, 4, 5, 6, 7, 40]);
      expect(linesOf(decoded, lines)).toEqual(linesOf(text, lines));
    }
  });

  it('leaves a document that is not JSON after all to the YAML parser, with the file\'s own text', () => {
    const text = '{openapi: 3.1.0, info: {title: Café — shop, version: "1"}}';
    const decoded = decodeText(bytesOf(text, 256).buffer, bytesOf(text).length);
    expect(decoded).toBeInstanceOf(OneByteJson);
    expect(parseSource('api.yaml', decoded).file?.value).toEqual({ openapi: '3.1.0', info: { title: 'Café — shop', version: '1' } });
    const unclosed = '{"info": {"title": "Café — shop"}, "paths": {';
    const problems = parseSource('api.json', decodeText(bytesOf(unclosed, 256).buffer, bytesOf(unclosed).length)).problems;
    expect(problems).toEqual(parseSource('api.json', unclosed).problems);
    expect(problems.length).toBe(1);
  });
});
