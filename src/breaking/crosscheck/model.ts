/** What the reference tools report, and where they and Trident disagree. */

/** The reference tool of each protocol. */
export type ReferenceTool = 'oasdiff' | 'buf' | 'graphql-inspector';

/** The protocol each reference tool speaks for. */
export const toolScope: Record<ReferenceTool, string> = {
  oasdiff: 'REST/JSON (the bundled OpenAPI document)',
  buf: 'gRPC (the generated proto, with the breaking rules of buf.yaml)',
  'graphql-inspector': 'GraphQL (the generated SDL)',
};

/** One finding of a reference tool, reduced to what the comparison needs. */
export interface ReferenceFinding {
  tool: ReferenceTool;
  /** The tool's own id: `response-property-removed`, `FIELD_NO_DELETE`, `FIELD_REMOVED`. */
  id: string;
  /** `breaking` for oasdiff ERR, every buf failure and inspector BREAKING. */
  level: 'breaking' | 'dangerous' | 'info';
  message: string;
  /** What it is about, in the terms the comparison matches on (a route, a proto owner, a GraphQL path). */
  subject: string;
  /** Other names the finding is also about (the types a changed field referred to). */
  aliases?: string[];
  /** For oasdiff: whether the change is to the request or the response. */
  side?: 'request' | 'response' | 'operation' | 'security';
}

/** A breaking verdict one side gives and the other does not. */
export interface Disagreement {
  tool: ReferenceTool;
  /** `reference-only`: the tool calls it breaking and Trident does not; `trident-only`: the reverse. */
  kind: 'reference-only' | 'trident-only';
  subject: string;
  message: string;
  /** The reference tool's id, or the Trident rule. */
  id: string;
  /** The Trident rule that covers the same change with another verdict, if any. */
  rule?: string;
  fingerprint?: string;
  /** Why the two differ, from the table of known differences; absent when nobody has explained it. */
  explanation?: string;
}

/** How one tool's run went. */
export interface ToolRun {
  tool: ReferenceTool;
  /** Breaking findings of the tool. */
  breaking: number;
  /** Of those, how many Trident also calls breaking for that protocol. */
  agreed: number;
  /** Set when the tool could not run; the comparison is then skipped. */
  error?: string;
}

/** The cross-check of one API version: each tool's run and every disagreement. */
export interface CrosscheckReport {
  runs: ToolRun[];
  disagreements: Disagreement[];
}
