import type { NameBook } from './chosen-names.ts';
import { replaceDanglingTypes } from './dangling.ts';
import { deepestNode } from './depth.ts';
import { diagnostic, hasErrors, type Diagnostic, type Location } from './diagnostics.ts';
import { harmlessViolation } from './harmless-violations.ts';
import type { Api } from './ir.ts';
import type { LoadedContract } from './load.ts';
import { jsonFallback, LossLog } from './losses.ts';
import { parseSource, type SourceFile } from './source.ts';
import { convertOperations } from './operations.ts';
import { appendPointer, fragmentToPointer, getAtPointer, parsePointer } from './pointer.ts';
import { checkSchemas } from './schema-check.ts';
import { isSchema, SchemaConverter } from './schemas.ts';
import { typeUsage } from './usage.ts';

/** What an API is called and which major version this contract is. */
export interface ApiIdentity {
  name: string;
  version: number;
  /** The first segments of the proto package (`trident` by default): `<protoPackage>.<name>.v<version>`. */
  protoPackage?: string;
}

/** When to check a document against the OpenAPI schema with @readme/openapi-parser. */
export type ValidationPolicy = 'always' | 'never' | 'auto';

/** Documents above this many characters are not validated under the `auto` policy. */
export const autoValidationLimit = 2_000_000;

export interface BuildOptions {
  /** A foreign document: clashing and unusable names are renamed with warnings instead of errors. */
  lenient?: boolean;
  /** `always` (the default, and the rule for contracts), `never`, or `auto`: below `autoValidationLimit`. */
  validate?: ValidationPolicy;
  /** Where constructs that do not map exactly are recorded. */
  losses?: LossLog;
  /** The names the lock keeps from earlier runs; it records this run's choices. */
  book?: NameBook;
  /**
   * `false` when the caller reads errors only (the breaking-change gate): the converters' warnings
   * are then dropped rather than located, which on a large JSON document is a pass over its text.
   */
  warnings?: boolean;
}

/**
 * Checks a bundled contract against the OpenAPI specification and turns it into the IR. The IR is
 * only returned when there are no errors, so emitters never see a half-understood contract.
 */
export async function buildApi(contract: LoadedContract, identity: ApiIdentity, options: BuildOptions = {}): Promise<{ api?: Api; diagnostics: Diagnostic[] }> {
  const { document, locate } = contract;
  const diagnostics: Diagnostic[] = [];
  const losses = options.losses ?? new LossLog();
  const openapi = document.openapi;
  if (typeof openapi !== 'string' || !/^3\.[01]\./.test(openapi)) {
    const swagger = document.swagger;
    const pointer = openapi !== undefined ? '/openapi' : swagger !== undefined ? '/swagger' : '';
    const found =
      openapi !== undefined ? `openapi: ${String(openapi)}` : swagger !== undefined ? `swagger: ${String(swagger)}` : 'no `openapi` field';
    diagnostics.push(diagnostic('openapi-version-unsupported', `expected OpenAPI 3.0 or 3.1, found ${found}`, locate(pointer)));
    return { diagnostics };
  }
  const size = contract.files.get(contract.path)?.source.length ?? 0;
  const policy = options.validate ?? 'always';
  if (policy === 'always' || (policy === 'auto' && size <= autoValidationLimit)) {
    diagnostics.push(...(await validateSpecification(contract, options.lenient !== true)));
  } else if (policy === 'auto') {
    const megabytes = (size / 1_000_000).toFixed(1);
    diagnostics.push(diagnostic('validation-skipped', `the document has ${megabytes} MB; it was compiled without a full OpenAPI validation`, locate('')));
  }
  if (hasErrors(diagnostics)) return { diagnostics };

  // The converters report with the pointer only; every place is then found in one pass, which on a
  // large JSON document is far cheaper than finding each as it comes.
  const converted: Diagnostic[] = [];
  const unplaced = (pointer: string): Location => ({ file: contract.path, line: 0, col: 0, pointer });
  const schemas = new SchemaConverter(document, unplaced, converted, { lenient: options.lenient === true, losses, refs: contract.refs, ...(options.book ? { book: options.book } : {}) });
  schemas.convertComponents();
  const operations = convertOperations(document, schemas, unplaced, converted, locate);
  if (!hasErrors(converted)) {
    for (const pointer of replaceDanglingTypes(schemas.types, operations)) {
      const what = 'a reference to a self-referring schema that is not an object';
      converted.push(diagnostic('no-clean-mapping', `${what} has no clean mapping; using a JSON scalar in GraphQL and google.protobuf.Value in proto`, unplaced(pointer)));
      losses.add(pointer, 'fallback', what, jsonFallback);
    }
  }
  const kept = options.warnings === false ? converted.filter((entry) => entry.severity === 'error') : converted;
  const places = contract.locateAll(kept.map((entry) => entry.pointer));
  for (const entry of kept) Object.assign(entry, places.get(entry.pointer));
  diagnostics.push(...kept);
  if (hasErrors(diagnostics)) return { diagnostics };

  const info = isSchema(document.info) ? document.info : {};
  const sunset = info['x-sunset'];
  const api: Api = {
    name: identity.name,
    version: identity.version,
    ...(identity.protoPackage !== undefined && identity.protoPackage !== 'trident' ? { protoPackage: identity.protoPackage } : {}),
    title: typeof info.title === 'string' ? info.title : identity.name,
    ...(typeof info.description === 'string' ? { description: info.description } : {}),
    infoVersion: typeof info.version === 'string' ? info.version : `${identity.version}.0.0`,
    ...(typeof sunset === 'string' ? { sunset } : {}),
    types: [...schemas.types.values()],
    operations,
    document,
  };
  // A foreign document's clash is resolved by the GraphQL emitter, which numbers the twin.
  if (options.lenient !== true) diagnostics.push(...checkInputTwins(api, locate));
  if (hasErrors(diagnostics)) return { diagnostics };
  return { api, diagnostics };
}

// GraphQL gives each object used as input an `XInput` twin; a contract type may not already hold that name.
function checkInputTwins(api: Api, locate: LoadedContract['locate']): Diagnostic[] {
  const byName = new Map(api.types.map((type) => [type.name, type]));
  return [...typeUsage(api).input].flatMap((name) => {
    const holder = byName.get(`${name}Input`);
    if (!holder) return [];
    return [diagnostic('name-collision', `'${holder.name}' is the name GraphQL gives the input form of '${name}'`, locate(holder.pointer), `rename the schema '${holder.name}'`)];
  });
}

// The parser checks the OpenAPI objects; in a 3.1 document the inside of a schema is checked by
// `checkSchemas`, whose message replaces the parser's where both speak of one node. Duplicate
// operationIds are reported by the compiler with their location, so the parser's location-less
// version of that check is turned down to a warning and dropped.
async function validateSpecification(contract: LoadedContract, strict: boolean): Promise<Diagnostic[]> {
  const inSchemas = /^3\.1\./.test(String(contract.document.openapi)) ? checkSchemas(contract.document, { strict }) : [];
  const own = inSchemas.map((problem) => diagnostic('openapi-invalid', problem.message, contract.locate(problem.pointer), problem.hint));
  const checked = new Set(inSchemas.map((problem) => problem.pointer));
  // Loaded on first use: the parser and its schema compiler are the heaviest part of start-up.
  const { validate } = await import('@readme/openapi-parser');
  const diagnostics: Diagnostic[] = own;
  let checkedCopy = contract.document;
  // The parser checks the rules of the specification beyond its schema (path parameters) only on a
  // document the schema accepts: when all it found was harmless, it runs again without those.
  for (let round = 0; round < 3; round += 1) {
    let result: Awaited<ReturnType<typeof validate>>;
    try {
      result = await validate(structuredClone(checkedCopy) as never, {
        validate: { rules: { openapi: { 'duplicate-operation-id': 'warning' } } },
      });
    } catch (error) {
      // The parser stumbles on some malformed schemas; when they are reported, its stumble says nothing more.
      if (hasErrors(diagnostics)) return diagnostics;
      const message = error instanceof Error ? error.message.split('\n')[0] ?? error.message : String(error);
      // It also stops where a valid document nests deeper than it follows: that says nothing of the document.
      if (error instanceof RangeError) return [...diagnostics, tooDeepToValidate(contract, message, strict)];
      return [...diagnostics, diagnostic('openapi-invalid', message, contract.locate(''))];
    }
    if (result.valid) return diagnostics;
    const found = await parserFindings(contract, result.errors, checked, strict);
    diagnostics.push(...found);
    const ignored = found.filter((entry) => entry.code === 'openapi-violation-ignored' && /\/(explode|style|allowReserved)$/.test(entry.pointer)).map((entry) => entry.pointer);
    if (hasErrors(found) || ignored.length === 0) return diagnostics;
    checkedCopy = withoutPointers(checkedCopy, ignored);
  }
  return diagnostics;
}

// Each error of the parser as a diagnostic at its place; one that changes nothing in a foreign
// document's output is a warning.
async function parserFindings(contract: LoadedContract, errors: ReadonlyArray<{ message: string }>, checked: ReadonlySet<string>, strict: boolean): Promise<Diagnostic[]> {
  let framed: Promise<SourceFile | undefined> | undefined;
  const diagnostics: Diagnostic[] = [];
  for (const error of errors) {
    const { message, frameLine } = splitMessage(error.message);
    let pointer = pointerInMessage(message, contract.document);
    if (pointer === '' && frameLine !== undefined) {
      framed ??= dereferencedText(contract.document);
      pointer = pointerAtLine(await framed, frameLine, contract.document);
    }
    if (checked.has(pointer) || checked.has(refTarget(contract.document, pointer))) continue;
    const harmless = strict ? undefined : harmlessViolation(contract.document, message, pointer);
    if (harmless !== undefined) diagnostics.push(diagnostic('openapi-violation-ignored', `${message}; ${harmless}`, contract.locate(pointer)));
    else diagnostics.push(diagnostic('openapi-invalid', message, contract.locate(pointer)));
  }
  return diagnostics;
}

// A copy of the document without the keys at the given pointers.
function withoutPointers(document: Record<string, unknown>, pointers: readonly string[]): Record<string, unknown> {
  const copy = structuredClone(document);
  for (const pointer of pointers) {
    const holder = getAtPointer(copy, pointer.slice(0, pointer.lastIndexOf('/')));
    const tokens = parsePointer(pointer);
    if (holder !== null && typeof holder === 'object') delete (holder as Record<string, unknown>)[tokens.at(-1) ?? ''];
  }
  return copy;
}

// The parser follows a schema through its references up to 500 levels ("Maximum dereference depth
// (500) exceeded at #/paths/...") and recurses while it does, so a deeper valid document stops it
// with a RangeError. A contract must be validated; a foreign document keeps the compiler's checks.
function tooDeepToValidate(contract: LoadedContract, message: string, strict: boolean): Diagnostic {
  const named = pointerInMessage(message, contract.document);
  const pointer = named !== '' ? named : deepestNode(contract.document).pointer;
  const reason = /dereference depth/i.test(message) ? 'more than 500 levels (counted through references)' : "deeper than the parser's call stack goes";
  const text = `@readme/openapi-parser cannot validate the document: from here it nests ${reason}`;
  return strict
    ? diagnostic('schema-too-deep', text, contract.locate(pointer))
    : diagnostic('validation-too-deep', `${text}; it was compiled with the compiler's own checks only`, contract.locate(pointer));
}

// The parser validates the dereferenced document: a schema it rejects is reported again at every
// `$ref` to it. The pointer a `$ref` at `pointer` names, or '' when there is none.
function refTarget(document: Record<string, unknown>, pointer: string): string {
  const node = getAtPointer(document, pointer);
  const ref = node !== null && typeof node === 'object' ? (node as { $ref?: unknown }).$ref : undefined;
  return typeof ref === 'string' && ref.startsWith('#') ? fragmentToPointer(ref) : '';
}

// The parser's schema errors read "KEYWORD message", then a code frame of the dereferenced document
// printed as two-space JSON, with "> N |" on the offending line and a note under the caret.
function splitMessage(raw: string): { message: string; frameLine?: number } {
  const lines = raw.split('\n');
  const head = (lines[0] ?? raw).replace(/^[A-Z_]+ (?=[a-z])/, '').trim();
  const marked = lines.findIndex((line) => /^>\s*\d+\s*\|/.test(line));
  if (marked === -1) return { message: head };
  const note = /\^\s*(.+)$/.exec(lines[marked + 1] ?? '')?.[1]?.trim();
  const message = note && !head.includes(note) ? `${head} (${note.replace(/!$/, '')})` : head;
  return { message, frameLine: Number(/^>\s*(\d+)/.exec(lines[marked] ?? '')?.[1]) };
}

async function dereferencedText(document: Record<string, unknown>): Promise<SourceFile | undefined> {
  try {
    const { dereference } = await import('@readme/openapi-parser');
    const dereferenced = await dereference(structuredClone(document) as never, { dereference: { circular: 'ignore' } });
    return parseSource('dereferenced.json', JSON.stringify(dereferenced, null, 2)).file;
  } catch {
    return undefined;
  }
}

// The node whose key starts on that line of the printed document, as far as the bundled document has it.
function pointerAtLine(printed: SourceFile | undefined, line: number, document: Record<string, unknown>): string {
  if (!printed) return '';
  let found = '';
  for (const [pointer, position] of printed.positions) {
    if (position.line === line && pointer.length > found.length) found = pointer;
  }
  while (found !== '' && getAtPointer(document, found) === undefined) found = found.slice(0, found.lastIndexOf('/'));
  return found;
}

// The parser names the offending node in its message ("at #/paths/..." or "/paths/..."); when it
// does, the diagnostic points there.
function pointerInMessage(message: string, document: Record<string, unknown>): string {
  // Some messages print an operation as `/paths<path>/<method>` with the path unescaped.
  const paths = document.paths !== null && typeof document.paths === 'object' ? Object.keys(document.paths) : [];
  const longestFirst = [...paths].sort((a, b) => b.length - a.length);
  for (const path of longestFirst) {
    const at = message.indexOf(`/paths${path}/`);
    if (at === -1) continue;
    const method = /^[a-z]+/.exec(message.slice(at + `/paths${path}/`.length))?.[0];
    const pointer = appendPointer('/paths', path, ...(method ? [method] : []));
    if (getAtPointer(document, pointer) !== undefined) return pointer;
  }
  const match = /(?:#|\s)(\/(?:paths|components|info|servers|tags|security|webhooks)[^\s'",]*)/.exec(message);
  if (!match?.[1]) return '';
  let pointer = match[1];
  while (pointer !== '' && getAtPointer(document, pointer) === undefined) pointer = pointer.slice(0, pointer.lastIndexOf('/'));
  return pointer;
}
