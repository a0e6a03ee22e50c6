import type { ApiIdentity } from './build-ir.ts';
import { fallbackWords, snakeCase } from './names.ts';

// File names that say nothing about the API they describe.
const genericFileNames = new Set(['openapi', 'swagger', 'api', 'apis', 'spec', 'schema', 'index', 'docs', 'definition', 'contract', 'openapi3', 'oas', 'oas3']);
// Words of a title that every API has.
const noiseWords = new Set([
  'api', 'apis', 'rest', 'restful', 'openapi', 'swagger', 'spec', 'specification', 'http', 'web', 'service',
  'a', 'an', 'the', 'of', 'for', 'and', 'or', 'to', 'with', 'by', 'on', 'in', 'at', 'from',
]);

/**
 * The name and major version of a document that is not one of this repository's contracts.
 *
 * The name is the file's (`petstore.yaml` is `petstore`, `api.github.com.json` is
 * `api_github_com`); a generic file name (`openapi.yaml`) gives way to the first three telling
 * words of `info.title`, then to the folder's name, then to `api`. It is snake_case, starts with a
 * letter and is never `google` (which would hide the well-known proto types). The version is the
 * major of `info.version` (`2.3.0` and `v2` are 2), or 1 when it has none or is a date.
 */
export function foreignIdentity(path: string, document: unknown): ApiIdentity {
  const info = isRecord(document) && isRecord(document.info) ? document.info : {};
  return { name: foreignName(path, info.title), version: majorVersion(info.version) };
}

function foreignName(path: string, title: unknown): string {
  const segments = path.split(/[\\/]/).filter(Boolean);
  const file = (segments.at(-1) ?? '').replace(/\.(ya?ml|json)$/i, '');
  // The nearest folder that is not a version (`billing/v3/openapi.json` is billing's).
  const folder = segments.slice(0, -1).reverse().find((segment) => !/^v\d+$/i.test(segment) && segment !== '.' && segment !== '..') ?? '';
  const fromTitle = typeof title === 'string' ? fallbackWordsOrNone(title).filter((word) => !noiseWords.has(word)).slice(0, 3).join(' ') : '';
  const candidates = [genericFileNames.has(file.toLowerCase()) ? '' : file, fromTitle, folder];
  const chosen = candidates.map((candidate) => snakeCase(candidate)).find((name) => name !== '') ?? 'api';
  let name = chosen.slice(0, 40).replace(/_+$/, '');
  if (!/^[a-z]/.test(name)) name = `api_${name.replace(/^_+/, '')}`;
  return name === 'google' ? 'google_api' : name;
}

// Words of a title; a title of symbols only has none (its code points would make a poor name).
function fallbackWordsOrNone(title: string): string[] {
  const words = fallbackWords(title);
  return words.every((word) => /^u[0-9a-f]+$/.test(word)) ? [] : words;
}

function majorVersion(version: unknown): number {
  const text = typeof version === 'number' ? String(version) : typeof version === 'string' ? version.trim() : '';
  if (/^\d{4}-\d{2}/.test(text)) return 1;
  const major = /^v?(\d{1,4})(?:\D|$)/i.exec(text)?.[1];
  return major === undefined ? 1 : Number(major);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
