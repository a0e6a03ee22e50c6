import { describe, expect, it } from 'vitest';
import { inRanges, linesInDiff } from '../../src/breaking/diff-lines.ts';

const lines = (count: number, edit: (line: number) => string | undefined = () => undefined): string =>
  Array.from({ length: count }, (_, index) => edit(index + 1) ?? `line ${index + 1}`).join('\n');

describe('the lines a unified diff shows', () => {
  it('is empty for identical files', () => {
    expect(linesInDiff(lines(40), lines(40))).toEqual([]);
  });

  it('covers each changed line with three lines of context, as separate hunks', () => {
    const after = lines(40, (line) => (line === 10 || line === 30 ? `changed ${line}` : undefined));
    expect(linesInDiff(lines(40), after)).toEqual([[7, 13], [27, 33]]);
  });

  it('merges hunks whose context meets, and places insertions and deletions in the revision', () => {
    const before = lines(40);
    const inserted = before.replace('line 20\n', 'line 20\nnew a\nnew b\n');
    expect(linesInDiff(before, inserted)).toEqual([[18, 25]]);
    const deleted = before.replace('line 20\nline 21\n', '');
    expect(linesInDiff(before, deleted)).toEqual([[17, 22]]);
    const twoNear = lines(40, (line) => (line === 10 || line === 16 ? 'x' : undefined));
    expect(linesInDiff(before, twoNear)).toEqual([[7, 19]]);
    expect(inRanges([[7, 19]], 19)).toBe(true);
    expect(inRanges([[7, 19]], 20)).toBe(false);
  });

  it('finds a moved block as a deletion and an insertion, not the whole file', () => {
    const before = lines(60);
    const after = before.replace('line 5\n', '').replace('line 50\n', 'line 50\nline 5\n');
    expect(linesInDiff(before, after)).toEqual([[2, 7], [47, 53]]);
  });
});
