import type { JudgedFinding } from '../policy.ts';
import { ruleTable } from '../rules.ts';
import { explainDifference } from './known.ts';
import type { Disagreement, ReferenceFinding, ReferenceTool, ToolRun } from './model.ts';

/**
 * How a reference tool's findings line up with Trident's. Each tool names things its own way, so
 * each has a matcher: oasdiff by route and by request or response, buf by proto message, enum or
 * service, graphql-inspector by GraphQL path. Only breaking verdicts are compared, each in the
 * protocol the tool speaks for.
 */
interface Matcher {
  /** Whether Trident calls the finding breaking where the tool looks. */
  breaking: (finding: JudgedFinding) => boolean;
  /** Whether the tool should also call a Trident finding breaking (buf's WIRE_JSON rules judge the wire and JSON only). */
  claims: (finding: JudgedFinding) => boolean;
  /** Whether the finding can be named in the tool's terms at all. */
  comparable: (finding: JudgedFinding) => boolean;
  covers: (finding: JudgedFinding, reference: ReferenceFinding) => boolean;
}

const matchers: Record<ReferenceTool, Matcher> = {
  oasdiff: {
    breaking: (finding) => finding.verdicts['rest-json'] === 'breaking',
    claims: (finding) => finding.verdicts['rest-json'] === 'breaking',
    comparable: (finding) => (finding.subjects.rest ?? []).length > 0,
    covers: (finding, reference) => (finding.subjects.rest ?? []).includes(reference.subject) && sideOf(finding) === reference.side,
  },
  buf: {
    // buf's FILE rules guard the generated code, which is what the TypeScript verdict covers.
    breaking: (finding) => finding.verdicts['grpc-wire'] === 'breaking' || finding.verdicts['grpc-json'] === 'breaking' || finding.verdicts.typescript === 'breaking',
    claims: (finding) => finding.verdicts['grpc-wire'] === 'breaking' || finding.verdicts['grpc-json'] === 'breaking',
    comparable: (finding) => finding.subjects.proto !== undefined,
    covers: (finding, reference) => {
      const owners = protoOwners(finding.subjects.proto ?? '');
      return [reference.subject, ...(reference.aliases ?? [])].some((name) => owners.includes(name));
    },
  },
  'graphql-inspector': {
    breaking: (finding) => finding.verdicts.graphql === 'breaking',
    claims: (finding) => finding.verdicts.graphql === 'breaking',
    comparable: (finding) => finding.subjects.graphql !== undefined,
    covers: (finding, reference) => {
      const path = graphqlPath(finding.subjects.graphql ?? '');
      return [reference.subject, ...(reference.aliases ?? [])].some((name) => samePath(path, name.split('.')));
    },
  },
};

/** Compares one tool's findings with Trident's findings of the same version. */
export function compareWithReference(tool: ReferenceTool, references: readonly ReferenceFinding[], findings: readonly JudgedFinding[]): { run: ToolRun; disagreements: Disagreement[] } {
  const matcher = matchers[tool];
  const comparable = findings.filter(matcher.comparable);
  const breaking = references.filter((reference) => reference.level === 'breaking');
  const disagreements: Disagreement[] = [];
  let agreed = 0;
  for (const reference of breaking) {
    const related = comparable.filter((finding) => matcher.covers(finding, reference));
    if (related.some(matcher.breaking)) {
      agreed += 1;
      continue;
    }
    const rules = related.map((finding) => finding.rule);
    const explanation = explainDifference(tool, 'reference-only', rules, reference.id);
    disagreements.push({
      tool,
      kind: 'reference-only',
      subject: reference.subject,
      message: reference.message,
      id: reference.id,
      ...(rules[0] !== undefined ? { rule: rules[0], fingerprint: related[0]?.fingerprint ?? '' } : {}),
      ...(explanation !== undefined ? { explanation } : {}),
    });
  }
  for (const finding of comparable.filter(matcher.claims)) {
    if (breaking.some((reference) => matcher.covers(finding, reference))) continue;
    const explanation = explainDifference(tool, 'trident-only', [finding.rule], undefined);
    disagreements.push({
      tool,
      kind: 'trident-only',
      subject: finding.subject,
      message: finding.message,
      id: finding.rule,
      rule: finding.rule,
      fingerprint: finding.fingerprint,
      ...(explanation !== undefined ? { explanation } : {}),
    });
  }
  return { run: { tool, breaking: breaking.length, agreed }, disagreements };
}

// Which part of an operation a finding is about, in oasdiff's terms.
function sideOf(finding: JudgedFinding): ReferenceFinding['side'] {
  const area = ruleTable[finding.rule].area;
  if (area === 'security') return 'security';
  if (finding.direction) return finding.direction;
  if (area === 'parameters' || area === 'request bodies') return 'request';
  if (area === 'responses') return 'response';
  return 'operation';
}

/**
 * The proto definitions a subject lives in: `Study.patient_name` in `Study`; the method
 * `StudyService.GetStudy` in the service and in its `GetStudyRequest` and `GetStudyResponse`.
 */
function protoOwners(subject: string): string[] {
  const [owner = '', member] = subject.split('.');
  return owner.endsWith('Service') && member !== undefined ? [owner, `${member}Request`, `${member}Response`] : [owner];
}

/** `Query.getStudy(studyId:)` is graphql-inspector's `Query.getStudy.studyId`. */
function graphqlPath(subject: string): string[] {
  return subject.replace(/\((\w+):\)$/, '.$1').split('.');
}

// Paths match on their first two segments; a type-level path matches anything in that type.
function samePath(a: readonly string[], b: readonly string[]): boolean {
  const depth = Math.min(2, a.length, b.length);
  return a.slice(0, depth).join('.') === b.slice(0, depth).join('.');
}
