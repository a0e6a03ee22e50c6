import { appendPointer } from '../compiler/pointer.ts';
import { parseSource, positionOf } from '../compiler/source.ts';
import type { Finding } from './model.ts';
import { isRuleId } from './rules.ts';

/** The changelog beside a contract, where breaking changes inside a major version are acknowledged. */
export const changelogFileName = 'CHANGELOG.yaml';

/** One acknowledged change: which finding, and why it is acceptable. */
export interface Acknowledgement {
  fingerprint?: string;
  rule?: string;
  subject?: string;
  reason: string;
  file: string;
  line: number;
  col: number;
}

/** A mistake in a changelog, with its place. */
export interface ChangelogProblem {
  file: string;
  line: number;
  col: number;
  message: string;
}

/**
 * Reads `contracts/<api>/v<n>/CHANGELOG.yaml`:
 *
 *     acknowledged:
 *       - fingerprint: 3f9a1c0d2b7e            # as printed by `trident breaking`
 *         rule: response-property-removed      # optional; with `subject`, instead of a fingerprint
 *         subject: Study.patientName
 *         reason: Renamed to fullName; every known client reads both since 2026-04.
 *
 * Each entry names a finding by fingerprint, or by rule and subject, and must give a reason.
 */
export function readChangelog(path: string, text: string): { acknowledgements: Acknowledgement[]; problems: ChangelogProblem[] } {
  const parsed = parseSource(path, text);
  const problems: ChangelogProblem[] = parsed.problems.map((problem) => ({ file: path, ...problem.position, message: `${problem.message} (${problem.hint})` }));
  if (!parsed.file) return { acknowledgements: [], problems };
  const source = parsed.file;
  const at = (pointer: string): { file: string; line: number; col: number } => ({ file: path, ...positionOf(source, pointer) });
  const root = source.value as { acknowledged?: unknown } | null;
  if (root === null || root === undefined) return { acknowledgements: [], problems };
  if (typeof root !== 'object' || Array.isArray(root) || (root.acknowledged !== undefined && !Array.isArray(root.acknowledged))) {
    return { acknowledgements: [], problems: [{ ...at(''), message: 'expected a mapping with an `acknowledged` list' }] };
  }
  const acknowledgements: Acknowledgement[] = [];
  ((root.acknowledged ?? []) as unknown[]).forEach((entry, index) => {
    const pointer = appendPointer('/acknowledged', index);
    const record = (entry ?? {}) as Record<string, unknown>;
    const text = (key: string): string | undefined => (typeof record[key] === 'string' && record[key].trim() !== '' ? record[key].trim() : undefined);
    const fingerprint = text('fingerprint');
    const rule = text('rule');
    const subject = text('subject');
    const reason = text('reason');
    if (fingerprint === undefined && (rule === undefined || subject === undefined)) {
      problems.push({ ...at(pointer), message: 'an acknowledgement names a `fingerprint`, or a `rule` and a `subject`' });
      return;
    }
    if (reason === undefined) {
      problems.push({ ...at(pointer), message: 'an acknowledgement needs a `reason`: why is this change acceptable to existing clients?' });
      return;
    }
    if (rule !== undefined && !isRuleId(rule)) {
      problems.push({ ...at(appendPointer(pointer, 'rule')), message: `'${rule}' is not a rule; \`trident breaking --rules\` lists them` });
      return;
    }
    acknowledgements.push({ ...(fingerprint ? { fingerprint } : {}), ...(rule ? { rule } : {}), ...(subject ? { subject } : {}), reason, ...at(pointer) });
  });
  return { acknowledgements, problems };
}

/** The acknowledgement that covers a finding, if any: by fingerprint, else by rule and subject. */
export function acknowledgementFor(finding: Pick<Finding, 'fingerprint' | 'rule' | 'subject'>, acknowledgements: readonly Acknowledgement[]): Acknowledgement | undefined {
  return (
    acknowledgements.find((entry) => entry.fingerprint === finding.fingerprint) ??
    acknowledgements.find((entry) => entry.fingerprint === undefined && entry.rule === finding.rule && entry.subject === finding.subject)
  );
}
