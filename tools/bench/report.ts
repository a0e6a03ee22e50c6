import { cpus, loadavg } from 'node:os';
import type { LoadResult } from './runtime-load.ts';

/** The load average now, e.g. `1.52 1.31 0.98`. */
export function loadAverage(): string {
  return loadavg().map((value) => value.toFixed(2)).join(' ');
}

/** The machine line the benchmarks print first: cores, CPU, Node and the load average. */
export function machine(): string {
  const cores = cpus();
  return `${cores.length} cores (${cores[0]?.model.trim() ?? 'unknown CPU'}), Node ${process.version}, load average ${loadAverage()}`;
}

/** A Markdown table, each column as wide as its widest cell. */
export function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]): string => `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}

/** The middle value (the upper one of an even count). */
export const median = (items: number[]): number => [...items].sort((a, b) => a - b)[Math.floor(items.length / 2)] ?? 0;

/** Rounds of one measurement as one: the median of throughput and of each percentile, the sums of calls and errors. */
export function medianResult(results: readonly LoadResult[]): LoadResult {
  return {
    rps: median(results.map((result) => result.rps)),
    p50: median(results.map((result) => result.p50)),
    p99: median(results.map((result) => result.p99)),
    requests: results.reduce((sum, result) => sum + result.requests, 0),
    errors: results.reduce((sum, result) => sum + result.errors, 0),
  };
}
