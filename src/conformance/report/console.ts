import type { CheckResult } from '../model.ts';

export interface RunSummary {
  results: CheckResult[];
  seed: number;
  ms: number;
}

/**
 * The console report: a table of passed, failed and skipped checks per area and API version, then
 * every failure with its reason, the reasons checks were skipped, and the seed that replays the run.
 */
export function consoleReport(summary: RunSummary): string {
  const { results } = summary;
  const rows = new Map<string, { pass: number; fail: number; skip: number }>();
  for (const result of results) {
    const key = `${result.area}\u0000${result.api}`;
    const row = rows.get(key) ?? { pass: 0, fail: 0, skip: 0 };
    row[result.status] += 1;
    rows.set(key, row);
  }
  const table = [['area', 'api', 'passed', 'failed', 'skipped']];
  for (const [key, row] of [...rows].sort(([a], [b]) => a.localeCompare(b))) {
    const [area = '', api = ''] = key.split('\u0000');
    table.push([area, api, String(row.pass), String(row.fail), String(row.skip)]);
  }
  const count = (status: CheckResult['status']) => results.filter((result) => result.status === status).length;
  table.push(['total', '', String(count('pass')), String(count('fail')), String(count('skip'))]);
  const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  const line = (row: string[]) => row.map((cell, column) => (column >= 2 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ');
  const out = ['', line(table[0]!), widths.map((width) => '-'.repeat(width)).join('  '), ...table.slice(1, -1).map(line), widths.map((width) => '-'.repeat(width)).join('  '), line(table.at(-1)!)];
  const failures = results.filter((result) => result.status === 'fail');
  if (failures.length > 0) {
    out.push('', 'Failed:');
    for (const failure of failures) out.push(`  FAIL ${failure.area} ${failure.api} ${failure.subject}: ${failure.name}`, `       ${(failure.detail ?? '').split('\n').slice(0, 6).join('\n       ')}`);
  }
  const skipped = new Map<string, number>();
  for (const result of results.filter((candidate) => candidate.status === 'skip')) {
    const key = `${result.area} ${result.name}: ${result.detail ?? ''}`;
    skipped.set(key, (skipped.get(key) ?? 0) + 1);
  }
  if (skipped.size > 0) {
    out.push('', 'Skipped:');
    for (const [reason, times] of skipped) out.push(`  skipped (${times}) ${reason}`);
  }
  out.push('', `${results.length} checks: ${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped in ${(summary.ms / 1000).toFixed(1)} s.`);
  out.push(`Seed ${summary.seed}: replay the random cases with --seed ${summary.seed}.`);
  return out.join('\n');
}
