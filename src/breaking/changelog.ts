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

/** A mistake in a changelog, with its place and how to fix it. */
export interface ChangelogProblem {
  file: string;
  line: number;
  col: number;
  message: string;
  hint?: string;
}

const entryKeys = ['fingerprint', 'rule', 'subject', 'reason'];

/**
 * Reads `contracts/<api>/v<n>/CHANGELOG.yaml`:
 *
 *     acknowledged:
 *       - fingerprint: 3f9a1c0d2b7e            # as printed by `trident breaking`
 *         rule: response-property-removed      # optional; with `subject`, instead of a fingerprint
 *         subject: Study.patientName
 *         reason: Renamed to fullName; every known client reads both since 2026-04.
 *
 * Each entry names a finding by fingerprint, or by rule and subject, and must give a reason. Any
 * other key, at the top or in an entry, is a mistake.
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
  for (const key of Object.keys(root)) {
    if (key === 'acknowledged') continue;
    problems.push({ ...at(appendPointer('', key)), message: `'${key}' is not a key of a changelog`, hint: 'a changelog holds one list, `acknowledged`; a misspelt key would leave its entries unread' });
  }
  const acknowledgements: Acknowledgement[] = [];
  ((root.acknowledged ?? []) as unknown[]).forEach((entry, index) => {
    const pointer = appendPointer('/acknowledged', index);
    const record = (entry ?? {}) as Record<string, unknown>;
    const unknown = typeof entry === 'object' && entry !== null ? Object.keys(record).filter((key) => !entryKeys.includes(key)) : [];
    for (const key of unknown) {
      problems.push({ ...at(appendPointer(pointer, key)), message: `'${key}' is not a key of an acknowledgement`, hint: `an acknowledgement has ${entryKeys.map((name) => `\`${name}\``).join(', ')}` });
    }
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
    if (fingerprint !== undefined && !/^[0-9a-f]{12}$/.test(fingerprint)) {
      problems.push({ ...at(appendPointer(pointer, 'fingerprint')), message: `'${fingerprint}' is not a fingerprint`, hint: 'copy the twelve hex digits `trident breaking` prints in brackets after the rule' });
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

/** Whether two acknowledgements name the same finding the same way (the reason aside). */
function sameEntry(a: Acknowledgement, b: Acknowledgement): boolean {
  return a.fingerprint === b.fingerprint && a.rule === b.rule && a.subject === b.subject;
}

/**
 * The entries this revision adds to a changelog (none of the base's entries names the same
 * finding) that acknowledge none of the version's findings: a mistyped fingerprint or subject.
 * Entries the base already had acknowledge earlier changes and are kept as history.
 */
export function unmatchedAcknowledgements(
  added: readonly Acknowledgement[],
  base: readonly Acknowledgement[],
  findings: ReadonlyArray<Pick<Finding, 'fingerprint' | 'rule' | 'subject'> & { status?: string }>,
): ChangelogProblem[] {
  // Those that fail first: an entry is most likely meant for one of them.
  const likely = [...findings.filter((finding) => finding.status === 'fail'), ...findings.filter((finding) => finding.status !== 'fail')];
  const open = likely.slice(0, 5).map((finding) => `${finding.fingerprint} (${finding.rule} ${finding.subject})`);
  const more = findings.length > open.length ? ` and ${findings.length - open.length} more` : '';
  const hint = open.length > 0 ? `check the fingerprint against this change's findings: ${open.join(', ')}${more}` : 'this change has no finding to acknowledge; remove the entry';
  return added
    .filter((entry) => !base.some((old) => sameEntry(old, entry)))
    .filter((entry) => !findings.some((finding) => acknowledgementFor(finding, [entry]) !== undefined))
    .map((entry) => ({
      file: entry.file,
      line: entry.line,
      col: entry.col,
      message: `the acknowledgement of ${entry.fingerprint ?? `${entry.rule ?? ''} ${entry.subject ?? ''}`} matches no finding between the base and this revision`,
      hint,
    }));
}
