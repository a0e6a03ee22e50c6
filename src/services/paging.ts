import { createHash } from 'node:crypto';
import { ApiError } from '../runtime/errors.ts';

/** One position in a keyset-ordered list: the sort values of the last row shown. */
export type PageKey = (string | number)[];

/** The page size asked for, checked: 1..100, 20 when absent. */
export function pageSize(value: number | undefined, pointer: string): number {
  if (value === undefined) return 20;
  if (!Number.isInteger(value) || value < 1 || value > 100) throw new ApiError('invalid_argument', 'The page size must be 1 to 100.', [{ pointer, message: 'must be 1 to 100' }]);
  return value;
}

// A cursor remembers which list and which filters it came from, so that one reused with other
// filters is refused instead of silently skipping rows.
function filterHash(filters: Record<string, unknown>): string {
  const entries = Object.entries(filters).filter(([, value]) => value !== undefined).sort(([a], [b]) => a.localeCompare(b));
  return createHash('sha256').update(JSON.stringify(entries)).digest('base64url').slice(0, 12);
}

/** An opaque cursor (or page token) pointing after `key` in the list `scope` under `filters`. */
export function encodeCursor(scope: string, filters: Record<string, unknown>, key: PageKey): string {
  return Buffer.from(JSON.stringify({ s: scope, f: filterHash(filters), k: key })).toString('base64url');
}

/**
 * The key inside a cursor, checked against the list and filters it is used with and against the
 * `shape` of the key (`'time'`, `'int'` or `'text'` per position); undefined when there is none.
 */
export function decodeCursor(token: string | undefined, scope: string, filters: Record<string, unknown>, shape: readonly ('time' | 'int' | 'text')[], pointer: string): PageKey | undefined {
  if (token === undefined || token === '') return undefined;
  const invalid = (message: string) => new ApiError('invalid_argument', message, [{ pointer, message }]);
  let decoded: { s?: unknown; f?: unknown; k?: unknown };
  try {
    decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as typeof decoded;
  } catch {
    throw invalid('is not a cursor of this list');
  }
  if (decoded.s !== scope || !Array.isArray(decoded.k) || decoded.k.length !== shape.length) throw invalid('is not a cursor of this list');
  if (decoded.f !== filterHash(filters)) throw invalid('was issued for other filters; repeat them unchanged');
  const key: unknown[] = decoded.k;
  const fits = shape.every((kind, index) => {
    const value = key[index];
    if (kind === 'int') return Number.isInteger(value);
    if (typeof value !== 'string') return false;
    return kind === 'text' || value === '-infinity' || !Number.isNaN(Date.parse(value));
  });
  if (!fits) throw invalid('is not a cursor of this list');
  return key as PageKey;
}

/**
 * Splits the `size + 1` rows fetched for a page into the page and the cursor of the next one
 * (null on the last page).
 */
export function toPage<Row, Item>(rows: Row[], size: number, toItem: (row: Row) => Item, keyOf: (row: Row) => PageKey, cursorOf: (key: PageKey) => string): { items: Item[]; next: string | null } {
  const shown = rows.slice(0, size);
  const last = shown.at(-1);
  return { items: shown.map(toItem), next: rows.length > size && last !== undefined ? cursorOf(keyOf(last)) : null };
}
