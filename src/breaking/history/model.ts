/**
 * The shape of a consumer-facing changelog of one API version, as `trident changelog --format json`
 * writes it and the `/docs/<api>/v<n>/changelog` page reads it. Plain data, so the command, the
 * Markdown and HTML renderers and the server share it; every key is always present (null where it
 * does not apply), and arrays keep the order documented on them.
 *
 *     {
 *       "format": "trident-changelog/1",
 *       "api": "study", "version": 1, "title": "Study API",
 *       "contract": "contracts/study/v1/openapi.yaml",
 *       "since": null,                       // the --since revision (full hash), when given
 *       "releases": [                        // newest first
 *         { "version": "1.2.0",              // info.version of the contract
 *           "unreleased": false,             // true for the working tree's changes
 *           "entries": [                     // newest first
 *             { "commit": { "hash": "...", "shortHash": "a1b2c3d", "date": "2026-05-01T10:00:00+00:00", "subject": "..." },
 *               "label": "a1b2c3d",          // or "working tree"
 *               "base": "9f8e7d6",           // what it is compared with; null for the version's introduction
 *               "compiles": true, "diagnostic": null,
 *               "changes": [ { "rule": "response-property-removed", "severity": "breaking",
 *                              "verdicts": { "rest-json": "breaking", ... }, "breakingFor": ["rest-json", ...], ... } ] } ] } ]
 *     }
 */
import type { Subjects, Target, Verdict } from '../model.ts';

/** The value of `format`; a later shape that is not read the same way gets another number. */
export const changelogFormat = 'trident-changelog/1';

/** One change a client can see, judged for every kind of client as the gate judges it. */
export interface ChangelogChange {
  /** The gate's rule id (`trident breaking --rules` lists them). */
  rule: string;
  /** A stable key of what changed, as in CHANGELOG.yaml: `Study.description`. */
  subject: string;
  /** One sentence saying what changed. */
  message: string;
  /** Twelve hex digits; CHANGELOG.yaml acknowledgements name a change by it. */
  fingerprint: string;
  /** The worst verdict over every kind of client. */
  severity: Verdict;
  /** The verdict per kind of client: `rest-json`, `graphql`, `grpc-wire`, `grpc-json`, `typescript`. */
  verdicts: Record<Target, Verdict>;
  /** The kinds of client it breaks, in that order; empty when it breaks none. */
  breakingFor: Target[];
  /** Why the verdicts are what they are (the rule's explanation). */
  explanation: string;
  /** How each protocol names what changed: REST operations, the GraphQL and proto names. */
  affects: Subjects;
  /** Set when the CHANGELOG.yaml of that commit acknowledged the change, with its reason. */
  acknowledged: { reason: string } | null;
  /** Set for a removal after the sunset date the contract had announced. */
  retired: { sunset: string } | null;
}

/** A commit of the contract's history. */
export interface ChangelogCommit {
  hash: string;
  shortHash: string;
  /** The committer date, ISO 8601 with its offset. */
  date: string;
  /** The first line of the commit message. */
  subject: string;
}

/** What one commit (or the working tree) changed for clients. */
export interface ChangelogEntry {
  /** Null for the working tree. */
  commit: ChangelogCommit | null;
  /** The short hash, or `working tree`. */
  label: string;
  /**
   * The label of what the entry is compared with: the previous commit of the contract whose
   * contract compiles (or the `--since` revision). Null when there is none: the version's introduction.
   */
  base: string | null;
  /** False when the contract does not compile here; `diagnostic` then says why and `changes` is empty. */
  compiles: boolean;
  /** The first error, one line: `file:line:col code: message`. */
  diagnostic: string | null;
  /** Breaking first, then dangerous, then safe; in the gate's order within each. */
  changes: ChangelogChange[];
}

/** The entries of one `info.version` of the contract (consecutive commits carrying it). */
export interface ChangelogRelease {
  /** `info.version` at those commits; null when it cannot be read (a contract that does not parse). */
  version: string | null;
  /** True for the working tree's changes, which no commit holds yet. */
  unreleased: boolean;
  /** Newest first. */
  entries: ChangelogEntry[];
}

/** The changelog of one API version. */
export interface ChangelogDocument {
  format: typeof changelogFormat;
  api: string;
  version: number;
  /** `info.title` of the newest contract that compiles; null when none does. */
  title: string | null;
  /** The contract's path, relative to the project root. */
  contract: string;
  /** The full hash of the `--since` revision; null when the history is walked from its start. */
  since: string | null;
  /** Newest first. */
  releases: ChangelogRelease[];
}

/** Whether a parsed JSON value is a changelog this version reads. */
export function isChangelogDocument(value: unknown): value is ChangelogDocument {
  const document = value as Partial<ChangelogDocument> | null;
  return typeof document === 'object' && document !== null && document.format === changelogFormat && Array.isArray(document.releases);
}

/**
 * Where `trident changelog --write` puts the changelog of a version, relative to the project root:
 * beside `generated/`, which `generate` replaces whole, so the history it took to write survives.
 */
export function changelogFiles(api: string, version: number): { markdown: string; json: string } {
  const folder = `changelog/${api}/v${version}`;
  return { markdown: `${folder}/CHANGELOG.md`, json: `${folder}/CHANGELOG.json` };
}
