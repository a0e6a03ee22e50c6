import { createHash } from 'node:crypto';
import type { NamedType } from '../../compiler/ir.ts';
import { getAtPointer, parentPointer } from '../../compiler/pointer.ts';
import type { Finding, RuleDefinition, Side, SourceLocation, Subjects } from '../model.ts';
import { ruleTable, type RuleId } from '../rules.ts';
import type { ContractSide } from '../side.ts';
import { startProbeCheck } from '../typescript/check.ts';
import { ProbeWriter, type TypeProbe } from '../typescript/probes.ts';
import { Reach } from './reach.ts';

/** What a diff step says about one change; the context locates and fingerprints it. */
export interface Report {
  subject: string;
  message: string;
  /** The side and pointer the finding points at: the revision, or the base for a deletion. */
  at: { side: Side; pointer: string };
  /** A place outside the contract (a lock file), which `at` cannot express. */
  location?: SourceLocation;
  anchor?: SourceLocation;
  subjects?: Subjects;
  baseSunset?: string;
  direction?: 'request' | 'response';
  /** The gRPC verdict of this change, where the diff worked it out (see zero-values.ts). */
  grpc?: Finding['grpc'];
}

/**
 * The state of one diff between two compiled contracts: both sides, what each operation reaches,
 * and the findings so far. A change reported twice (a schema shared by several places) is kept
 * once, with the operations of both reports.
 */
export class DiffContext {
  readonly base: ContractSide;
  readonly revision: ContractSide;
  readonly baseReach: Reach;
  readonly revisionReach: Reach;
  /** Across major versions the proto packages differ, so numbering is not compared. */
  readonly sameMajor: boolean;
  private readonly scope: string;
  private readonly found = new Map<string, Finding<RuleId>>();
  private readonly baseTypes: ReadonlyMap<string, NamedType>;
  private readonly revisionTypes: ReadonlyMap<string, NamedType>;
  /** Writes the TypeScript probes of the places compared; `judgeTypes` checks them. */
  readonly probes: ProbeWriter;
  private readonly written = new Map<string, TypeProbe>();
  /** Findings whose place is still a pointer, by key; `place` works them out. */
  private readonly unplaced = new Map<string, { side: Side; pointer: string }>();

  constructor(base: ContractSide, revision: ContractSide) {
    this.base = base;
    this.revision = revision;
    this.baseReach = new Reach(base.api);
    this.revisionReach = new Reach(revision.api);
    this.sameMajor = base.identity.name === revision.identity.name && base.identity.version === revision.identity.version;
    this.scope = this.sameMajor
      ? `${revision.identity.name}/v${revision.identity.version}`
      : `${base.identity.name}/v${base.identity.version}->${revision.identity.name}/v${revision.identity.version}`;
    this.baseTypes = new Map(base.api.types.map((type) => [type.name, type]));
    this.revisionTypes = new Map(revision.api.types.map((type) => [type.name, type]));
    this.probes = new ProbeWriter({ base: this.baseTypes, revision: this.revisionTypes });
  }

  /** Keeps a probe of a place: the first for a subject, direction and kind of check is written. */
  probe(place: Omit<TypeProbe, 'code'>, code: () => string, kind = 'value'): void {
    const key = `${place.subject}|${place.direction}|${kind}`;
    if (!this.written.has(key)) this.written.set(key, { ...place, code: code() });
  }

  /**
   * Checks every probe with the TypeScript compiler, in one program, and gives each finding of a
   * rule the compiler judges its TypeScript verdict: breaking where a probe of its subject fails,
   * the rule's verdict for agreeing types where they all compile. A failure no such finding
   * covers is a finding of its own. The probes go to the compiler now (on its thread, when one
   * runs); the function returned judges with its answer, so that the caller may work meanwhile.
   */
  startJudgingTypes(): () => void {
    const probes = [...this.written.values()];
    const answer = startProbeCheck(this.probes.prelude(), probes.map((probe) => probe.code));
    return () => this.judgeWith(probes, answer());
  }

  private judgeWith(probes: TypeProbe[], failures: Map<number, string>): void {
    const bySubject = new Map<string, Array<{ probe: TypeProbe; failure?: string }>>();
    probes.forEach((probe, index) => {
      const failure = failures.get(index);
      const entries = bySubject.get(probe.subject) ?? [];
      entries.push({ probe, ...(failure !== undefined ? { failure } : {}) });
      bySubject.set(probe.subject, entries);
    });
    const covered = new Set<TypeProbe>();
    for (const finding of this.found.values()) {
      const rule: RuleDefinition = ruleTable[finding.rule];
      const agree = rule.typesAgree;
      // A rule the compiler does not judge covers the probes of its subject when it already calls
      // the change breaking for TypeScript (a schema renamed: code naming the old type breaks).
      if (agree === undefined) {
        if (rule.verdicts.typescript === 'breaking') for (const entry of bySubject.get(finding.subject) ?? []) covered.add(entry.probe);
        continue;
      }
      // A change seen in both directions is one finding (reported for the first); its probes of
      // either direction are its own.
      const all = bySubject.get(finding.subject) ?? [];
      if (all.length === 0) continue;
      for (const entry of all) covered.add(entry.probe);
      const same = all.filter(({ probe }) => probe.direction === finding.direction);
      const entries = same.length > 0 ? same : all;
      const failed = entries.find((entry) => entry.failure !== undefined);
      finding.typescript = failed ? { verdict: 'breaking', reason: failed.failure! } : { verdict: agree };
    }
    probes.forEach((probe, index) => {
      const failure = failures.get(index);
      if (failure === undefined || covered.has(probe)) return;
      this.report('typescript-incompatible', {
        subject: probe.subject,
        message: `code written against the base's TypeScript types no longer compiles at ${probe.label}`,
        at: probe.at,
        direction: probe.direction,
      });
      const finding = this.found.get(`typescript-incompatible|${probe.subject}`);
      if (finding) finding.typescript = { verdict: 'breaking', reason: failure };
    });
  }

  type(side: Side, name: string): NamedType | undefined {
    return (side === 'base' ? this.baseTypes : this.revisionTypes).get(name);
  }

  report(rule: RuleId, report: Report): void {
    const key = `${rule}|${report.subject}`;
    const previous = this.found.get(key);
    if (previous) {
      const routes = new Set([...(previous.subjects.rest ?? []), ...(report.subjects?.rest ?? [])]);
      if (routes.size > 0) previous.subjects.rest = [...routes].sort();
      return;
    }
    // Places are worked out together once the diff is done (`findings`): one pass over each
    // document for all of them, rather than every position of a large document.
    if (!report.location) this.unplaced.set(key, report.at);
    const placeholder: SourceLocation = report.location ?? { side: report.at.side, file: '', line: 0, col: 0, pointer: report.at.pointer };
    this.found.set(key, {
      rule,
      subject: report.subject,
      message: report.message,
      location: placeholder,
      ...(report.anchor ? { anchor: report.anchor } : {}),
      subjects: { ...report.subjects },
      fingerprint: fingerprint(this.scope, rule, report.subject),
      ...(report.direction ? { direction: report.direction } : {}),
      ...(report.baseSunset !== undefined ? { baseSunset: report.baseSunset } : {}),
      ...(report.grpc ? { grpc: report.grpc } : {}),
    });
  }

  /** Every finding, placed in its file, in file order. */
  findings(): Finding<RuleId>[] {
    this.placeFindings();
    return [...this.found.values()].sort(
      (a, b) =>
        sideRank(a.location.side) - sideRank(b.location.side) || a.location.file.localeCompare(b.location.file) ||
        a.location.line - b.location.line || a.location.col - b.location.col || a.rule.localeCompare(b.rule) ||
        a.subject.localeCompare(b.subject),
    );
  }

  locate(side: Side, pointer: string): SourceLocation {
    const contract = side === 'base' ? this.base : this.revision;
    return { side, ...contract.locate(pointer) };
  }

  /**
   * Gives each finding reported so far with a pointer its place, and a deletion the nearest
   * enclosing node that still exists in the revision (where an annotation can go), all found in
   * one batch per side.
   */
  placeFindings(): void {
    const wanted: Record<Side, Set<string>> = { base: new Set(), revision: new Set() };
    const anchors = new Map<string, string>();
    for (const [key, at] of this.unplaced) {
      wanted[at.side].add(at.pointer);
      if (at.side !== 'base' || this.found.get(key)?.anchor) continue;
      const anchor = this.survivingAncestor(at.pointer);
      if (anchor === undefined) continue;
      anchors.set(key, anchor);
      wanted.revision.add(anchor);
    }
    const located: Record<Side, Map<string, SourceLocation>> = { base: this.locateAll('base', wanted.base), revision: this.locateAll('revision', wanted.revision) };
    for (const [key, at] of this.unplaced) {
      const finding = this.found.get(key);
      if (!finding) continue;
      finding.location = located[at.side].get(at.pointer) ?? this.locate(at.side, at.pointer);
      const anchor = anchors.get(key);
      if (anchor !== undefined) finding.anchor = located.revision.get(anchor) ?? this.locate('revision', anchor);
    }
    this.unplaced.clear();
  }

  private locateAll(side: Side, pointers: ReadonlySet<string>): Map<string, SourceLocation> {
    const contract = side === 'base' ? this.base : this.revision;
    const located = new Map<string, SourceLocation>();
    if (pointers.size === 0) return located;
    if (!contract.locateAll) {
      for (const pointer of pointers) located.set(pointer, this.locate(side, pointer));
      return located;
    }
    for (const [pointer, location] of contract.locateAll(pointers)) located.set(pointer, { side, ...location });
    return located;
  }

  // The nearest enclosing node of a base pointer that still exists in the revision.
  private survivingAncestor(pointer: string): string | undefined {
    let current = pointer;
    while (current !== '' && getAtPointer(this.revision.api.document, current) === undefined) current = parentPointer(current);
    return current === '' ? undefined : current;
  }
}

/** Twelve hex digits of a hash of what changed, where: unaffected by line numbers or wording. */
export function fingerprint(scope: string, rule: string, subject: string): string {
  return createHash('sha256').update(`${scope}\n${rule}\n${subject}`).digest('hex').slice(0, 12);
}

const sideRank = (side: Side): number => (side === 'revision' ? 0 : 1);
