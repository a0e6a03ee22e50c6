/**
 * The one registry of contract diagnostics. Every problem the compiler reports has a code here,
 * a severity and a hint that tells the author how to fix it; messages are built from arguments
 * so tests can assert both the code and the text.
 */
import { linesOf, type SourceText } from './source-text.ts';

export type Severity = 'error' | 'warning' | 'info';

interface DiagnosticDefinition {
  severity: Severity;
  /** One line: what the code means, for the documentation table. */
  summary: string;
  hint: string;
}

export const diagnosticRegistry = {
  'file-unreadable': {
    severity: 'error',
    summary: 'A contract or a file it references cannot be read.',
    hint: 'check the path; references are resolved relative to the file that contains them',
  },
  'yaml-invalid': {
    severity: 'error',
    summary: 'The file is not valid YAML (or JSON).',
    hint: 'fix the syntax at the position shown; duplicate keys are not allowed',
  },
  'openapi-version-unsupported': {
    severity: 'error',
    summary: 'The document is not OpenAPI 3.0 or 3.1.',
    hint: "set `openapi: 3.1.0` at the top of the document (Swagger 2.0 must be converted first)",
  },
  'openapi-invalid': {
    severity: 'error',
    summary: 'The document breaks the OpenAPI specification (checked by @readme/openapi-parser; inside 3.1 schemas, by the compiler).',
    hint: 'correct the document so that it validates against the OpenAPI schema',
  },
  'ref-unresolved': {
    severity: 'error',
    summary: 'A `$ref` points to nothing.',
    hint: 'define the target or correct the reference',
  },
  'ref-unsupported': {
    severity: 'error',
    summary: 'A `$ref` has a form the compiler does not follow.',
    hint: "reference a component: '<file>#/components/<section>/<name>', or a local '#/...' pointer",
  },
  'ref-name-collision': {
    severity: 'error',
    summary: 'A component brought in from another file has the name of a different local one.',
    hint: 'rename one of the two components',
  },
  'operation-id-missing': {
    severity: 'error',
    summary: 'An operation has no operationId; GraphQL fields and gRPC methods are named after it.',
    hint: 'add an operationId',
  },
  'operation-id-duplicate': {
    severity: 'error',
    summary: 'Two operations share an operationId.',
    hint: 'operationIds must be unique within a contract; rename one of them',
  },
  'name-invalid': {
    severity: 'error',
    summary: 'A name cannot be used in GraphQL or proto.',
    hint: 'use letters, digits and underscores, starting with a letter',
  },
  'operation-id-derived': {
    severity: 'warning',
    summary: 'A foreign document\'s operation has no usable or no unique operationId; it is named after its method and path.',
    hint: 'add a unique operationId to choose the name yourself',
  },
  'name-renamed': {
    severity: 'warning',
    summary: 'A name clashes or is reserved in GraphQL or proto; it got a suffix (the JSON name is kept), which the lock keeps.',
    hint: 'rename one of the two in the document to choose the names yourself',
  },
  'name-collision': {
    severity: 'error',
    summary: 'Two things map to one generated name that cannot get another (a schema called `Query`, two names given alike).',
    hint: 'rename one of them, or name the inline schema as a component',
  },
  'no-clean-mapping': {
    severity: 'warning',
    summary: 'A construct has no clean GraphQL or proto equivalent; a documented fallback is used.',
    hint: 'see the fallback in the message; a discriminated oneOf or a named object maps cleanly',
  },
  'validation-skipped': {
    severity: 'info',
    summary: 'A large foreign document was not validated with @readme/openapi-parser, to keep generation fast.',
    hint: 'pass --validate to check it against the OpenAPI schema as well',
  },
  'openapi-violation-ignored': {
    severity: 'warning',
    summary: 'A foreign document breaks the OpenAPI specification where the output does not depend on it (a query string in a path template, `explode` where it is not allowed); a contract keeps it an error.',
    hint: 'the output is the one the document would give if it were valid; correct the document to silence this',
  },
  'schema-too-deep': {
    severity: 'error',
    summary: 'The document nests deeper than the YAML parser, the OpenAPI validator (in a contract) or openapi-typescript (in a contract) can follow; the place is where it stopped, or the deepest one.',
    hint: 'flatten the nesting: give deep inline schemas a name under `components/schemas`, and shorten chains of schemas that each refer to the next',
  },
  'validation-too-deep': {
    severity: 'warning',
    summary: 'A foreign document nests deeper than @readme/openapi-parser can follow; it was compiled with the compiler\'s own checks only.',
    hint: 'the compiler checked the schemas it reads; --no-validate skips the validator and this warning',
  },
  'typescript-types-failed': {
    severity: 'warning',
    summary: 'openapi-typescript could not type a foreign document; its types.ts is left out, the other outputs are written.',
    hint: 'the message is openapi-typescript\'s; the GraphQL and proto outputs do not depend on it',
  },
  'typescript-reference-cut': {
    severity: 'warning',
    summary: 'A component schema leads back to itself through aliases, array items or compositions alone, which TypeScript cannot type; in types.ts the reference that closes the cycle is `unknown`.',
    hint: 'let the schema reach itself through an object\'s property (the GraphQL and proto outputs say how they carry it)',
  },
  'compiler-failure': {
    severity: 'error',
    summary: 'The compiler stopped on something it did not expect; the message says what.',
    hint: 'please report it with the document; the rest of the output was not written',
  },
  'binary-response-download': {
    severity: 'info',
    summary: 'A binary response is not carried in GraphQL: its field answers a `Download` with the REST URL of the bytes.',
    hint: 'clients fetch the bytes from the Download\'s url with the same credentials, or over gRPC',
  },
  'stream-item-schema-missing': {
    severity: 'warning',
    summary: 'An event stream does not describe its events (`schema` other than a plain string, `itemSchema` or `x-item-schema`); its items are typed as JSON.',
    hint: "describe each event: `schema: {$ref: '#/components/schemas/<Event>'}` (or `x-item-schema` beside a string schema)",
  },
  'extension-invalid': {
    severity: 'error',
    summary: 'A Trident `x-` extension has a value of the wrong kind.',
    hint: 'see the table of contract extensions in the README',
  },
  'proto-number-invalid': {
    severity: 'error',
    summary: 'An explicit proto number is outside the allowed range.',
    hint: 'field numbers are 1..536870911 except 19000..19999; enum numbers are 1..2147483647',
  },
  'proto-number-collision': {
    severity: 'error',
    summary: 'Two fields or enum values would get the same proto number.',
    hint: 'give the explicit `x-proto-number` a number no other field holds or has held',
  },
  'lock-invalid': {
    severity: 'error',
    summary: 'The lock file does not have the expected shape.',
    hint: 'restore the lock file from version control; it is written by `trident generate`',
  },
  'lock-collision': {
    severity: 'error',
    summary: 'The lock file gives one number to two fields, or to a field and a reservation.',
    hint: 'restore the lock file from version control; numbers in a lock must be unique per message',
  },
  'proto-number-rebound': {
    severity: 'info',
    summary: 'A renamed property or enum value pins the proto number of the name it replaces (`x-proto-number`), so the lock gives it that number.',
    hint: 'gRPC clients on the wire keep working; the breaking-change gate judges the rename for each protocol',
  },
  'lock-numbers-reserved': {
    severity: 'warning',
    summary: 'Properties or enum values left a message or enum, so the lock reserves their proto numbers (an error under `--strict` and `--watch`).',
    hint: 'if they were removed on purpose, nothing is wrong (a name that returns gets its number back); if not, look above them for a line indented too little or too much, which hides what follows',
  },
  'lock-numbers-retired': {
    severity: 'warning',
    summary: 'A whole message or enum left the proto (a schema removed, an operation renamed), so the lock reserves all its numbers.',
    hint: 'if it was removed or renamed on purpose, nothing is wrong (its names get their numbers back if it returns); if not, look for a line indented too little or too much above it',
  },
} as const satisfies Record<string, DiagnosticDefinition>;

export type DiagnosticCode = keyof typeof diagnosticRegistry;

/** Where a diagnostic points: a file, a 1-based line and column, and the JSON pointer. */
export interface Location {
  file: string;
  line: number;
  col: number;
  pointer: string;
}

export interface Diagnostic extends Location {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  hint: string;
}

/** Builds a diagnostic; the hint defaults to the registry's and may be made more specific. */
export function diagnostic(code: DiagnosticCode, message: string, location: Location, hint?: string): Diagnostic {
  const definition: DiagnosticDefinition = diagnosticRegistry[code];
  return { code, severity: definition.severity, message, hint: hint ?? definition.hint, ...location };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((entry) => entry.severity === 'error');
}

/** Sorts by file, line, column and code so output never depends on discovery order. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col || a.code.localeCompare(b.code) ||
      a.message.localeCompare(b.message),
  );
}

/**
 * Renders a diagnostic the way compilers do: `file:line:col severity code: message`, the pointer,
 * the source line with a caret under the column, and the hint.
 */
export function formatDiagnostic(entry: Diagnostic, sourceText?: SourceText): string {
  const lines = [`${entry.file}:${entry.line}:${entry.col} ${entry.severity} ${entry.code}: ${entry.message}`];
  lines.push(`  at #${entry.pointer}`);
  const sourceLine = sourceText === undefined ? undefined : linesOf(sourceText, new Set([entry.line])).get(entry.line);
  if (sourceLine !== undefined) {
    const gutter = String(entry.line);
    const { text, caret } = sourceWindow(sourceLine.trimEnd(), entry.col);
    lines.push(`  ${gutter} | ${text}`);
    lines.push(`  ${' '.repeat(gutter.length)} | ${' '.repeat(caret)}^`);
  }
  lines.push(`  hint: ${entry.hint}`);
  return lines.join('\n');
}

/** The widest source line a diagnostic shows whole; a longer one (minified JSON) shows a window. */
export const sourceLineWidth = 160;

/**
 * The part of a source line a diagnostic shows, and the caret's offset in it: the whole line when
 * it is short, else a window around the column marked with `…` where it was cut.
 */
export function sourceWindow(line: string, col: number): { text: string; caret: number } {
  const at = Math.max(0, col - 1);
  if (line.length <= sourceLineWidth) return { text: line, caret: at };
  const start = Math.max(0, Math.min(at - sourceLineWidth / 2, line.length - sourceLineWidth));
  const end = Math.min(line.length, start + sourceLineWidth);
  const before = start > 0 ? '…' : '';
  return { text: `${before}${line.slice(start, end)}${end < line.length ? '…' : ''}`, caret: at - start + before.length };
}

