import { describe, expect, it } from 'vitest';
import { listCases, readCase, recordCase, recording, renderCase } from './fixtures.ts';

describe('golden fixtures (TRIDENT_RECORD=1 re-records)', () => {
  for (const name of listCases()) {
    it(name, async () => {
      const rendered = await renderCase(name);
      if (recording) recordCase(name, rendered);
      const expected = readCase(name);
      // The same set of files: a missing or an unexpected file fails before any content does.
      expect([...rendered.keys()].sort()).toEqual([...expected.keys()].sort());
      for (const [path, text] of rendered) expect(text, path).toBe(expected.get(path));
    });
  }
});
