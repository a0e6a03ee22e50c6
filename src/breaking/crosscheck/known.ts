import type { ReferenceTool } from './model.ts';

/**
 * The known, explained differences between a reference tool and Trident. A disagreement is
 * explained when the Trident rule that covers the same change (or, for a change Trident reports
 * differently or not at all, the tool's check id) is listed here for that tool and direction.
 * Tests pin each of them on the fixtures, so a new difference shows up as unexplained.
 */
interface KnownDifference {
  tool: ReferenceTool;
  kind: 'reference-only' | 'trident-only';
  /** The Trident rule that judges the change differently. */
  rule?: string;
  /** The tool's check, when no Trident finding covers the change. */
  id?: RegExp;
  explanation: string;
}

const oasdiffFormat = 'oasdiff rates every type or format change of a response property ERR; Trident judges what a JSON client sees, and the JSON value keeps its type, so REST/JSON is dangerous (the other protocols are judged on their own)';

/** Every known difference, by tool; each is shown by a fixture in test/breaking/crosscheck.test.ts. */
export const knownDifferences: readonly KnownDifference[] = [
  // oasdiff: the REST/JSON view.
  { tool: 'oasdiff', kind: 'reference-only', rule: 'response-int32-to-int64', explanation: `${oasdiffFormat}: a JSON number is a JSON number, only values past 2^31 can surprise a client` },
  { tool: 'oasdiff', kind: 'reference-only', rule: 'response-float-to-double', explanation: `${oasdiffFormat}: float and double are both JSON numbers` },
  { tool: 'oasdiff', kind: 'reference-only', rule: 'date-time-format-changed', explanation: `${oasdiffFormat}: a date-time and a plain string are both JSON strings` },
  { tool: 'oasdiff', kind: 'reference-only', rule: 'string-format-changed', explanation: `${oasdiffFormat}: the value stays a JSON string` },
  { tool: 'oasdiff', kind: 'reference-only', rule: 'response-constraint-loosened', explanation: 'oasdiff rates a looser response constraint ERR; Trident dangerous: the values clients receive still parse as the same type, only clients that validate or size buffers by the old rule notice' },
  { tool: 'oasdiff', kind: 'reference-only', rule: 'response-union-variant-added', explanation: 'oasdiff rates a new response oneOf variant ERR; Trident, like graphql-js, dangerous: existing clients keep working until they meet the new variant, and well-written ones skip what they do not know' },
  { tool: 'oasdiff', kind: 'reference-only', rule: 'default-changed', explanation: 'oasdiff rates a changed default ERR; Trident dangerous: every request stays valid and the response keeps its shape, only the behaviour for clients that leave the value out changes' },
  { tool: 'oasdiff', kind: 'trident-only', rule: 'parameter-moved', explanation: 'oasdiff sees an optional parameter removed (WARN) and another one added, and does not pair them by name; the value a client sends no longer reaches the server' },
  { tool: 'oasdiff', kind: 'trident-only', rule: 'discriminator-changed', explanation: 'oasdiff rates a changed discriminator property INFO; JSON clients read and write the tag in that property, so Trident rates it breaking' },
  { tool: 'oasdiff', kind: 'trident-only', rule: 'security-added', explanation: 'oasdiff rates security changes INFO; Trident enforces the contract\'s security in every protocol, so a caller without credentials is refused' },
  { tool: 'oasdiff', kind: 'trident-only', rule: 'security-requirement-removed', explanation: 'oasdiff rates a removed security requirement INFO; Trident enforces roles in every protocol, so a caller who satisfied only that requirement is refused' },
  { tool: 'oasdiff', kind: 'trident-only', rule: 'security-requirement-tightened', explanation: 'oasdiff rates a scope added to a requirement INFO; Trident enforces every role a requirement lists, in every protocol, so a caller without the new one is refused' },
  { tool: 'oasdiff', kind: 'trident-only', rule: 'security-scheme-changed', explanation: 'oasdiff rates a changed security scheme INFO; every client presents its credential the way the scheme says, in every protocol' },

  // buf: the proto schema; FILE guards generated code, WIRE_JSON the encodings.
  { tool: 'buf', kind: 'reference-only', rule: 'parameter-became-optional', explanation: 'buf FILE rejects a field gaining `optional` (FIELD_SAME_CARDINALITY: generated code gains a presence check); the wire and JSON encodings do not change and code that sets the field still compiles' },
  { tool: 'buf', kind: 'reference-only', rule: 'request-property-became-optional', explanation: 'buf FILE rejects a field gaining `optional` (FIELD_SAME_CARDINALITY); the encodings do not change and code that sets the field still compiles' },
  { tool: 'buf', kind: 'reference-only', rule: 'response-property-became-required', explanation: 'buf FILE rejects a field losing `optional` (FIELD_SAME_CARDINALITY); the encodings do not change and code reading the field now always finds it' },
  { tool: 'buf', kind: 'reference-only', rule: 'response-property-became-non-nullable', explanation: 'buf FILE rejects a field losing `optional` (FIELD_SAME_CARDINALITY); the encodings do not change and code reading the field now always finds it' },
  { tool: 'buf', kind: 'reference-only', rule: 'proto-reservation-dropped', explanation: 'buf FILE rejects removing a reservation; Trident rates it dangerous because nothing breaks until the number or name is given out again, which it reports as proto-number-reused' },
  { tool: 'buf', kind: 'reference-only', id: /^FILE_NO_DELETE$/, explanation: 'buf FILE sees a well-known import (google/protobuf/timestamp.proto, struct.proto) leave the file when the last field using it changes; that field\'s change is Trident\'s finding, and no client imports it through us' },
  { tool: 'buf', kind: 'trident-only', rule: 'parameter-added-required', explanation: 'buf judges the schema, where a new field is compatible; Trident validates every call against the contract, so an old gRPC client that does not set the new required parameter is refused' },
  { tool: 'buf', kind: 'trident-only', rule: 'request-property-added-required', explanation: 'buf judges the schema, where a new field is compatible; an old gRPC client leaves the field out, and Trident\'s shared validation refuses the zero value the server takes for it (where it accepts it, Trident calls the change dangerous for gRPC)' },
  { tool: 'buf', kind: 'trident-only', rule: 'request-body-added-required', explanation: 'buf judges the schema, where a new field is compatible; Trident\'s shared validation refuses old gRPC calls without the now required body' },
  { tool: 'buf', kind: 'trident-only', rule: 'request-body-became-required', explanation: 'buf sees no change in the schema; Trident\'s shared validation refuses gRPC calls without the now required body' },
  { tool: 'buf', kind: 'trident-only', rule: 'request-constraint-tightened', explanation: 'proto has no length, range or pattern; Trident validates gRPC input against the contract\'s JSON Schema, so values that were accepted are refused' },
  { tool: 'buf', kind: 'trident-only', rule: 'security-added', explanation: 'proto carries no security; Trident enforces it on gRPC too' },
  { tool: 'buf', kind: 'trident-only', rule: 'security-requirement-removed', explanation: 'proto carries no roles; Trident enforces them on gRPC too' },
  { tool: 'buf', kind: 'trident-only', rule: 'security-requirement-tightened', explanation: 'proto carries no roles; Trident enforces them on gRPC too' },
  { tool: 'buf', kind: 'trident-only', rule: 'security-scheme-changed', explanation: 'proto carries no credentials; Trident authenticates gRPC calls as the scheme says' },

  // graphql-inspector: the SDL.
  { tool: 'graphql-inspector', kind: 'reference-only', rule: 'schema-removed', explanation: 'graphql-inspector rates every removed type BREAKING; no operation reached this one, so no valid query could name it, and Trident rates it dangerous for GraphQL' },
  { tool: 'graphql-inspector', kind: 'reference-only', id: /^TYPE_REMOVED$/, explanation: 'graphql-inspector reports each type that leaves the schema; Trident reports the change that made it leave (the field, argument or operation that used it), and nothing for a type no operation reached, which the schema printed for documentation only' },
  { tool: 'graphql-inspector', kind: 'trident-only', rule: 'request-constraint-tightened', explanation: 'GraphQL types carry no length, range or pattern; Trident validates GraphQL input against the contract\'s JSON Schema, so values that were accepted are refused' },
  { tool: 'graphql-inspector', kind: 'trident-only', rule: 'request-property-became-non-nullable', explanation: 'an optional input field stays nullable in GraphQL (`String`), so the SDL does not change; Trident\'s shared validation refuses an explicit null' },
  { tool: 'graphql-inspector', kind: 'trident-only', rule: 'security-added', explanation: 'the SDL carries no security; Trident enforces it on GraphQL too' },
  { tool: 'graphql-inspector', kind: 'trident-only', rule: 'security-requirement-removed', explanation: 'the SDL carries no roles; Trident enforces them on GraphQL too' },
  { tool: 'graphql-inspector', kind: 'trident-only', rule: 'security-requirement-tightened', explanation: 'the SDL carries no roles; Trident enforces them on GraphQL too' },
  { tool: 'graphql-inspector', kind: 'trident-only', rule: 'security-scheme-changed', explanation: 'the SDL carries no credentials; Trident authenticates GraphQL calls as the scheme says' },
];

/** The explanation of a disagreement, if it is a known one. */
export function explainDifference(tool: ReferenceTool, kind: 'reference-only' | 'trident-only', rules: readonly string[], id: string | undefined): string | undefined {
  const byRule = knownDifferences.find((entry) => entry.tool === tool && entry.kind === kind && entry.rule !== undefined && rules.includes(entry.rule));
  if (byRule) return byRule.explanation;
  if (id === undefined) return undefined;
  return knownDifferences.find((entry) => entry.tool === tool && entry.kind === kind && entry.id?.test(id) === true)?.explanation;
}
