import type { LineRanges } from '../diff-lines.ts';
import type { GateReport } from '../gate.ts';
import { writeGithubAnnotations } from './github.ts';
import { writeJsonReport } from './json.ts';
import { writeJunitReport } from './junit.ts';
import { writeMarkdownReport } from './markdown.ts';
import { writeRuleTable } from './rules-table.ts';
import { writeTextReport } from './text.ts';

/** The formats `trident breaking --format` writes. */
export const reportFormats = ['text', 'json', 'markdown', 'github', 'junit'] as const;
/** One of `reportFormats`. */
export type ReportFormat = (typeof reportFormats)[number];

/**
 * Prints a gate report in one of the formats; every writer is a pure function of the report (and,
 * for GitHub annotations, of the lines each file's diff shows).
 */
export function writeReport(report: GateReport, format: ReportFormat, options: { verbose?: boolean; diffLines?: (file: string) => LineRanges | undefined } = {}): string {
  switch (format) {
    case 'text':
      return writeTextReport(report, options);
    case 'json':
      return writeJsonReport(report);
    case 'markdown':
      return writeMarkdownReport(report);
    case 'github':
      return writeGithubAnnotations(report, options.diffLines);
    case 'junit':
      return writeJunitReport(report);
  }
}

export { writeRuleTable };
