/**
 * The vocabulary of the breaking-change gate: the clients a change can break (targets), how badly
 * (verdicts), and what the diff reports (findings). Everything here is plain data, so the rule
 * table, the diff and every report format share one shape.
 */

/** The kinds of client Trident serves from one contract, each judged on its own. */
export const targets = ['rest-json', 'graphql', 'grpc-wire', 'grpc-json', 'typescript'] as const;
/** One kind of client. */
export type Target = (typeof targets)[number];

/** How a reader says each target in a report. */
export const targetLabels: Record<Target, string> = {
  'rest-json': 'REST/JSON',
  graphql: 'GraphQL',
  'grpc-wire': 'gRPC wire',
  'grpc-json': 'gRPC JSON',
  typescript: 'TypeScript',
};

/**
 * `breaking`: existing clients fail (a request rejected, a query invalid, code that no longer
 * compiles). `dangerous`: they keep working but may misbehave (a value they do not expect).
 * `safe`: nothing an existing client does changes.
 */
export type Verdict = 'breaking' | 'dangerous' | 'safe';

const verdictRank: Record<Verdict, number> = { safe: 0, dangerous: 1, breaking: 2 };

/** The worst of several verdicts; `safe` when there are none. */
export function worstVerdict(verdicts: Iterable<Verdict>): Verdict {
  let worst: Verdict = 'safe';
  for (const verdict of verdicts) if (verdictRank[verdict] > verdictRank[worst]) worst = verdict;
  return worst;
}

/** The part of a contract a rule is about; the rule table and reports are grouped by it. */
export type Area =
  | 'versions'
  | 'operations'
  | 'parameters'
  | 'request bodies'
  | 'responses'
  | 'properties'
  | 'required and nullable'
  | 'types and formats'
  | 'enums'
  | 'unions'
  | 'defaults and constraints'
  | 'security'
  | 'streams'
  | 'deprecation and sunset'
  | 'proto numbering';

/** One breaking-change rule: what it detects and what it means for each target. */
export interface RuleDefinition {
  area: Area;
  /** One line: the change the rule detects. */
  purpose: string;
  verdicts: Record<Target, Verdict>;
  /** Why the verdicts differ between protocols, in a few sentences for the report. */
  explanation: string;
  /**
   * For a rule the TypeScript compiler judges: the TypeScript verdict when code written against
   * the base's types still compiles against the revision's (where it does not, `breaking`). The
   * `typescript` verdict above then holds only where no probe was written.
   */
  typesAgree?: Verdict;
  /**
   * For a rule about a value clients must now send: the gRPC verdict (wire and JSON) where the proto
   * zero value an old gRPC client sends in its place passes the contract's validation.
   */
  zeroValueValid?: Verdict;
}

/** Whether a place is read in the base or in the revision of a contract. */
export type Side = 'base' | 'revision';

/** A place in a contract file: 1-based line and column, and the JSON pointer of the bundled document. */
export interface SourceLocation {
  side: Side;
  file: string;
  line: number;
  col: number;
  pointer: string;
}

/** How each protocol names the thing a finding is about, so a reader finds it in generated code. */
export interface Subjects {
  /** Operations affected, as `GET /studies/{studyId}`. */
  rest?: string[];
  /** `Study.patientName`, `Query.getStudy`, `StudyStatus.IN_REVIEW`. */
  graphql?: string;
  /** `Study.patient_name`, `StudyService.GetStudy`, `STUDY_STATUS_IN_REVIEW`. */
  proto?: string;
}

/** One change the diff found, before any policy is applied. */
export interface Finding<RuleId extends string = string> {
  rule: RuleId;
  /** A stable key of what changed (`Study.patientName (response)`); the fingerprint hashes it. */
  subject: string;
  /** One sentence saying what changed. */
  message: string;
  /** In the revision, or in the base for something deleted. */
  location: SourceLocation;
  /** The text of the line `location` points at, to show it as compilers do. */
  excerpt?: string;
  /** For a deletion: the nearest place that still exists in the revision, for annotations. */
  anchor?: SourceLocation;
  subjects: Subjects;
  /** Twelve hex digits, stable across unrelated edits: acknowledgements name it. */
  fingerprint: string;
  /** Whether the change is to what clients send or to what they read, where that is known. */
  direction?: 'request' | 'response';
  /** The sunset date an operation had in the base, for the policy on removals. */
  baseSunset?: string;
  /** The TypeScript verdict the compiler gave, with its message where code stops compiling. */
  typescript?: { verdict: Verdict; reason?: string };
  /** The gRPC verdict (wire and JSON) worked out for this change, where it differs from the rule's. */
  grpc?: { verdict: Verdict; reason: string };
}
