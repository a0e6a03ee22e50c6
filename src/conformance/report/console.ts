import type { CheckResult } from '../model.ts';

export interface RunSummary {
  results: CheckResult[];
  seed: number;
  ms: number;
  /** The operations under test, for the per-operation table; without them it is left out. */
  operations?: Array<{ api: string; id: string }>;
}

/** A text table: the first row is the heading; columns from `numericFrom` on are right-aligned. */
function table(rows: string[][], numericFrom: number, indent = ''): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) => indent + row.map((cell, column) => (column >= numericFrom ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ').trimEnd();
  const rule = indent + widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(rows[0]!), rule, ...rows.slice(1).map(line)];
}

type Counts = { pass: number; fail: number; skip: number };

function countBy(results: CheckResult[], key: (result: CheckResult) => string): Map<string, Counts> {
  const counts = new Map<string, Counts>();
  for (const result of results) {
    const row = counts.get(key(result)) ?? { pass: 0, fail: 0, skip: 0 };
    row[result.status] += 1;
    counts.set(key(result), row);
  }
  return counts;
}

const cells = (row: Counts): string[] => [String(row.pass), String(row.fail), String(row.skip)];

/**
 * The console report: a table of passed, failed and skipped checks per area and API version, the
 * same per operation under test, then every failed and every skipped check with its reason, and
 * the seed that replays the run.
 */
export function consoleReport(summary: RunSummary): string {
  const { results } = summary;
  const count = (status: CheckResult['status']) => results.filter((result) => result.status === status).length;
  const byArea = [...countBy(results, (result) => `${result.area}\u0000${result.api}`)].sort(([a], [b]) => a.localeCompare(b));
  const areas = table([['area', 'api', 'passed', 'failed', 'skipped'], ...byArea.map(([key, row]) => [...key.split('\u0000'), ...cells(row)]), ['total', '', String(count('pass')), String(count('fail')), String(count('skip'))]], 2);
  // The total under a rule of its own.
  const out = ['', ...areas.slice(0, -1), areas[1]!, areas.at(-1)!];
  if (summary.operations && summary.operations.length > 0) {
    const byOperation = countBy(results, (result) => `${result.api}\u0000${result.subject}`);
    const rows = summary.operations.map(({ api, id }) => [api, id, ...cells(byOperation.get(`${api}\u0000${id}`) ?? { pass: 0, fail: 0, skip: 0 })]);
    out.push('', 'By operation:', ...table([['api', 'operation', 'passed', 'failed', 'skipped'], ...rows], 2, '  '));
  }
  const listed = (status: CheckResult['status'], label: string, heading: string) => {
    const chosen = results.filter((result) => result.status === status);
    if (chosen.length === 0) return;
    out.push('', heading);
    for (const result of chosen) out.push(`  ${label} ${result.area} ${result.api} ${result.subject}: ${result.name}`, `       ${(result.detail ?? '').split('\n').slice(0, 6).join('\n       ')}`);
  };
  listed('fail', 'FAIL', 'Failed:');
  listed('skip', 'SKIP', 'Skipped:');
  out.push('', `${results.length} checks: ${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped in ${(summary.ms / 1000).toFixed(1)} s.`);
  out.push(`Seed ${summary.seed}: replay the random cases with --seed ${summary.seed}.`);
  return out.join('\n');
}
