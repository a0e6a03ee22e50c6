import type { CrosscheckReport } from '../crosscheck/model.ts';

/** The cross-check of one version as plain lines: each tool's agreement, then each disagreement. */
export function crosscheckLines(crosscheck: CrosscheckReport): string[] {
  const lines = ['cross-check:'];
  for (const run of crosscheck.runs) {
    if (run.error !== undefined) lines.push(`  ${run.tool}: did not run (${run.error})`);
    else lines.push(`  ${run.tool}: ${run.breaking} breaking, ${run.agreed} also breaking in Trident`);
  }
  for (const entry of crosscheck.disagreements) {
    const who = entry.kind === 'reference-only' ? `${entry.tool} only` : `Trident only (not ${entry.tool})`;
    lines.push(`  ${who}: ${entry.id} ${entry.subject}: ${entry.message}`);
    lines.push(`    ${entry.explanation !== undefined ? `known difference: ${entry.explanation}` : 'unexplained difference'}`);
  }
  if (crosscheck.disagreements.length === 0 && crosscheck.runs.every((run) => run.error === undefined)) lines.push('  no disagreement');
  return lines;
}
