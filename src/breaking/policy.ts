/**
 * The version policy: what the gate allows. Inside a major version a breaking change fails unless
 * the contract's changelog acknowledges it with a reason; an operation may go once its sunset date
 * has passed, and never before it. A new major version may break anything: its findings are a
 * migration guide. Dangerous changes warn and safe ones are listed.
 */
import { acknowledgementFor, type Acknowledgement } from './changelog.ts';
import { worstVerdict, type Finding, type Target, type Verdict } from './model.ts';
import { ruleTable, verdictsOf, type RuleId } from './rules.ts';

/**
 * What the gate makes of a finding. `fail`: blocks. `acknowledged`: breaking or dangerous, and
 * accepted in the changelog. `retired`: a removal after its sunset date. `warning`: dangerous.
 * `info`: safe. `migration`: any change on the way to a new major version.
 */
export type Status = 'fail' | 'acknowledged' | 'retired' | 'warning' | 'info' | 'migration';

/** A finding with its verdicts and the policy's decision. */
export interface JudgedFinding extends Finding<RuleId> {
  verdicts: Record<Target, Verdict>;
  severity: Verdict;
  status: Status;
  /** Why the policy decided as it did, when the status alone does not say it. */
  note?: string;
  acknowledgement?: Acknowledgement;
}

/** How a pair of contracts is judged: a change inside a major version, or the step to a new one. */
export type Mode = 'gate' | 'migration';

/**
 * How a lock change that breaks the wire is handled: the command that restores the base's lock,
 * and whether the changelog may acknowledge one at all (`--accept-renumbering`).
 */
export interface LockPolicy {
  restore: string;
  acceptRenumbering: boolean;
}

/** Which changes fail the gate: breaking ones (the default), or dangerous ones too (`--fail-on dangerous`). */
export type FailOn = 'breaking' | 'dangerous';

/** Applies the policy to the findings of one API version. `today` is YYYY-MM-DD. */
export function judge(findings: ReadonlyArray<Finding<RuleId>>, mode: Mode, acknowledgements: readonly Acknowledgement[], today: string, lock?: LockPolicy, failOn: FailOn = 'breaking'): JudgedFinding[] {
  return findings.map((finding) => {
    const verdicts = verdictsOf(finding.rule);
    if (finding.typescript) verdicts.typescript = finding.typescript.verdict;
    if (finding.grpc) verdicts['grpc-wire'] = verdicts['grpc-json'] = finding.grpc.verdict;
    const severity = worstVerdict(Object.values(verdicts));
    const judged = { ...finding, verdicts, severity };
    if (mode === 'migration') return { ...judged, status: 'migration' };
    if (severity === 'safe') return { ...judged, status: 'info' };
    const sunset = finding.baseSunset;
    if ((finding.rule === 'operation-removed' || finding.rule === 'version-removed') && sunset !== undefined) {
      if (sunset <= today) return { ...judged, status: 'retired', note: `its sunset date ${sunset} has passed` };
      return { ...judged, status: 'fail', note: `removed before its sunset date ${sunset}; clients were promised service until then, and an acknowledgement cannot change that` };
    }
    if (finding.rule === 'version-removed') {
      return { ...judged, status: 'fail', note: 'a major version can only be removed after the sunset date in its `info.x-sunset`; set one and keep serving it until then' };
    }
    const acknowledgement = acknowledgementFor(finding, acknowledgements);
    // Numbers moved on the wire are a mistake to undo, not a change to accept: the lock exists
    // so that they never move.
    if (lock && !lock.acceptRenumbering && verdicts['grpc-wire'] === 'breaking' && ruleTable[finding.rule].area === 'proto numbering') {
      const acknowledged = acknowledgement ? 'the changelog acknowledges it, but only --accept-renumbering lets it; ' : '';
      return { ...judged, status: 'fail', note: `${acknowledged}restore the lock (\`${lock.restore}\`, or undo the \`x-proto-number\` edit) and run \`trident generate\`; to keep the new numbers anyway, pass --accept-renumbering and acknowledge it in the changelog` };
    }
    if (acknowledgement) return { ...judged, status: 'acknowledged', acknowledgement };
    return { ...judged, status: severity === 'breaking' || failOn === 'dangerous' ? 'fail' : 'warning' };
  });
}

/** Whether any finding blocks. */
export function blocks(findings: readonly JudgedFinding[]): boolean {
  return findings.some((finding) => finding.status === 'fail');
}
