import { dereference, validate } from '@readme/openapi-parser';
import { diagnostic, hasErrors, type Diagnostic } from './diagnostics.ts';
import type { Api } from './ir.ts';
import type { LoadedContract } from './load.ts';
import { parseSource, type SourceFile } from './source.ts';
import { convertOperations } from './operations.ts';
import { appendPointer, getAtPointer } from './pointer.ts';
import { isSchema, SchemaConverter } from './schemas.ts';
import { typeUsage } from './usage.ts';

/** What an API is called and which major version this contract is. */
export interface ApiIdentity {
  name: string;
  version: number;
}

/**
 * Checks a bundled contract against the OpenAPI specification and turns it into the IR. The IR is
 * only returned when there are no errors, so emitters never see a half-understood contract.
 */
export async function buildApi(contract: LoadedContract, identity: ApiIdentity): Promise<{ api?: Api; diagnostics: Diagnostic[] }> {
  const { document, locate } = contract;
  const diagnostics: Diagnostic[] = [];
  const openapi = document.openapi;
  if (typeof openapi !== 'string' || !/^3\.[01]\./.test(openapi)) {
    const swagger = document.swagger;
    const pointer = openapi !== undefined ? '/openapi' : swagger !== undefined ? '/swagger' : '';
    const found =
      openapi !== undefined ? `openapi: ${String(openapi)}` : swagger !== undefined ? `swagger: ${String(swagger)}` : 'no `openapi` field';
    diagnostics.push(diagnostic('openapi-version-unsupported', `expected OpenAPI 3.0 or 3.1, found ${found}`, locate(pointer)));
    return { diagnostics };
  }
  diagnostics.push(...(await validateSpecification(contract)));
  if (hasErrors(diagnostics)) return { diagnostics };

  const schemas = new SchemaConverter(document, locate, diagnostics);
  schemas.convertComponents();
  const operations = convertOperations(document, schemas, locate, diagnostics);
  if (hasErrors(diagnostics)) return { diagnostics };

  const info = isSchema(document.info) ? document.info : {};
  const sunset = info['x-sunset'];
  const api: Api = {
    name: identity.name,
    version: identity.version,
    title: typeof info.title === 'string' ? info.title : identity.name,
    ...(typeof info.description === 'string' ? { description: info.description } : {}),
    infoVersion: typeof info.version === 'string' ? info.version : `${identity.version}.0.0`,
    ...(typeof sunset === 'string' ? { sunset } : {}),
    types: [...schemas.types.values()],
    operations,
    document,
  };
  diagnostics.push(...checkInputTwins(api, locate));
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

// Duplicate operationIds are reported by the compiler with their location, so the parser's
// location-less version of that check is turned down to a warning and dropped.
async function validateSpecification(contract: LoadedContract): Promise<Diagnostic[]> {
  const result = await validate(structuredClone(contract.document) as never, {
    validate: { rules: { openapi: { 'duplicate-operation-id': 'warning' } } },
  });
  if (result.valid) return [];
  let framed: Promise<SourceFile | undefined> | undefined;
  const diagnostics: Diagnostic[] = [];
  for (const error of result.errors) {
    const { message, frameLine } = splitMessage(error.message);
    let pointer = pointerInMessage(message, contract.document);
    if (pointer === '' && frameLine !== undefined) {
      framed ??= dereferencedText(contract.document);
      pointer = pointerAtLine(await framed, frameLine, contract.document);
    }
    diagnostics.push(diagnostic('openapi-invalid', message, contract.locate(pointer)));
  }
  return diagnostics;
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
