/**
 * Which lines of a revised file a unified diff shows: the lines added or changed, with the
 * context lines around each change (three, as git prints them). Annotations outside these lines
 * would not appear on a pull request's diff.
 */

import { ownText } from '../compiler/source-text.ts';
import type { ContractTree } from './gate.ts';
import { isBroken } from './side.ts';

/** Inclusive 1-based ranges of revision lines, in order. */
export type LineRanges = Array<[number, number]>;

const context = 3;
// The search keeps one array per edit; past this many cells in all (64 MB), the changed middle of
// the files is taken as one edit.
const maxTraceCells = 16_000_000;

export function linesInDiff(before: string, after: string): LineRanges {
  const a = before.split('\n');
  const b = after.split('\n');
  const ranges: LineRanges = [];
  for (const [first, last] of editedSpans(a, b)) {
    const start = Math.max(1, first - context);
    const end = Math.min(b.length, last + context);
    if (start > end) continue;
    const previous = ranges.at(-1);
    if (previous && start <= previous[1] + 1) previous[1] = Math.max(previous[1], end);
    else ranges.push([start, end]);
  }
  return ranges;
}

/** Whether a 1-based line is in one of the ranges. */
export function inRanges(ranges: LineRanges, line: number): boolean {
  return ranges.some(([start, end]) => line >= start && line <= end);
}

// Each run of edits as the 1-based revision lines it covers: the lines inserted, or for a run
// that only deletes, the empty span between the lines around it (\`[g + 1, g]\`).
function editedSpans(a: readonly string[], b: readonly string[]): Array<[number, number]> {
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix += 1;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix += 1;
  const middleA = a.slice(prefix, a.length - suffix);
  const middleB = b.slice(prefix, b.length - suffix);
  if (middleA.length === 0 && middleB.length === 0) return [];
  const spans: Array<[number, number]> = [];
  let i = 0;
  let j = 0;
  for (const [keptA, keptB] of [...commonLines(middleA, middleB), [middleA.length, middleB.length] as const]) {
    if (i < keptA || j < keptB) spans.push([prefix + j + 1, prefix + keptB]);
    i = keptA + 1;
    j = keptB + 1;
  }
  return spans;
}

/**
 * The pairs of (0-based) indices of lines both sides keep, in order: a longest common
 * subsequence by Myers' O(ND) algorithm, or none when the search would take too much memory.
 */
function commonLines(a: readonly string[], b: readonly string[]): Array<readonly [number, number]> {
  const n = a.length;
  const m = b.length;
  const offset = n + m;
  const v = new Int32Array(2 * offset + 2);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= n + m; d += 1) {
    if ((d + 1) * v.length > maxTraceCells) return [];
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && (v[offset + k - 1] ?? 0) < (v[offset + k + 1] ?? 0));
      let x = down ? (v[offset + k + 1] ?? 0) : (v[offset + k - 1] ?? 0) + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x += 1;
        y += 1;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(trace, offset, n, m);
    }
  }
  return [];
}

function backtrack(trace: readonly Int32Array[], offset: number, n: number, m: number): Array<readonly [number, number]> {
  const pairs: Array<readonly [number, number]> = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d -= 1) {
    const v = trace[d] as Int32Array;
    const k = x - y;
    const down = k === -d || (k !== d && (v[offset + k - 1] ?? 0) < (v[offset + k + 1] ?? 0));
    const previousK = down ? k + 1 : k - 1;
    const previousX = d === 0 ? 0 : (v[offset + previousK] ?? 0);
    const previousY = previousX - previousK;
    while (x > previousX && y > previousY) {
      x -= 1;
      y -= 1;
      pairs.push([x, y]);
    }
    if (d > 0) {
      x = previousX;
      y = previousY;
    }
  }
  return pairs.reverse();
}

/**
 * For each file of the revision's contracts (documents and locks), the lines its diff against the
 * base shows; a file the base lacks is all in the diff. Computed on first ask, once per file.
 */
export function diffLinesOf(base: ContractTree, revision: ContractTree): (file: string) => LineRanges | undefined {
  const before = textsOf(base);
  const after = textsOf(revision);
  const known = new Map<string, LineRanges>();
  return (file) => {
    const text = after.get(file);
    if (text === undefined) return undefined;
    let ranges = known.get(file);
    if (!ranges) {
      const old = before.get(file);
      ranges = old === undefined ? [[1, text.split('\n').length]] : linesInDiff(old, text);
      known.set(file, ranges);
    }
    return ranges;
  };
}

function textsOf(tree: ContractTree): Map<string, string> {
  const texts = new Map<string, string>();
  for (const side of tree.contracts.values()) {
    for (const [path, text] of side.sources) texts.set(path, ownText(text));
    if (!isBroken(side) && side.lockSource) texts.set(side.lockPath, side.lockSource.text);
  }
  return texts;
}
