import { validate } from '@readme/openapi-parser';
import { diagnostic, hasErrors, type Diagnostic } from './diagnostics.ts';
import type { Api } from './ir.ts';
import type { LoadedContract } from './load.ts';
import { convertOperations } from './operations.ts';
import { appendPointer, getAtPointer } from './pointer.ts';
import { isSchema, SchemaConverter } from './schemas.ts';

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
    const pointer = openapi === undefined ? '' : '/openapi';
    const found = openapi === undefined ? 'no `openapi` field' : `openapi: ${String(openapi)}`;
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
  return { api, diagnostics };
}

// Duplicate operationIds are reported by the compiler with their location, so the parser's
// location-less version of that check is turned down to a warning and dropped.
async function validateSpecification(contract: LoadedContract): Promise<Diagnostic[]> {
  const result = await validate(structuredClone(contract.document) as never, {
    validate: { rules: { openapi: { 'duplicate-operation-id': 'warning' } } },
  });
  if (result.valid) return [];
  return result.errors.map((error) => {
    const pointer = pointerInMessage(error.message, contract.document);
    return diagnostic('openapi-invalid', firstLine(error.message), contract.locate(pointer));
  });
}

function firstLine(message: string): string {
  return message.split('\n').map((line) => line.trim()).filter(Boolean).join(' ').replace(/\s+/g, ' ');
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
