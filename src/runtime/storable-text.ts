import { appendPointer } from '../compiler/pointer.ts';
import type { FieldViolation } from './errors.ts';

const loneSurrogate = /\p{Cs}/u;

/** At most this many text violations are reported for one request. */
const maxViolations = 100;

/**
 * Text a database cannot store: PostgreSQL refuses the NUL character (U+0000) in `text` and
 * `jsonb`, and an unpaired UTF-16 surrogate has no UTF-8 form at all (it would be refused, or
 * silently become U+FFFD). Such input is the caller's mistake, so it is refused up front, naming
 * where it is, instead of failing deep in the store.
 */
export function unstorableTextReason(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain a NUL character (U+0000)';
  // With the `u` flag a paired surrogate is one code point, so only an unpaired one is a Cs code point.
  if (loneSurrogate.test(text)) return 'must not contain an unpaired UTF-16 surrogate';
  return undefined;
}

/**
 * Every string and property name under `value` that cannot be stored, as violations pointing at
 * it from `pointer`. Iterative rather than recursive: a deeply nested body must not exhaust the stack.
 */
export function unstorableText(value: unknown, pointer: string): FieldViolation[] {
  // Nearly every request holds only storable text: a walk that builds no pointers says so first.
  if (!holdsUnstorableText(value)) return [];
  const violations: FieldViolation[] = [];
  const pending: Array<[unknown, string]> = [[value, pointer]];
  while (pending.length > 0 && violations.length < maxViolations) {
    const [current, at] = pending.pop()!;
    if (typeof current === 'string') {
      const reason = unstorableTextReason(current);
      if (reason !== undefined) violations.push({ pointer: at, message: reason });
    } else if (Array.isArray(current)) {
      for (let index = current.length - 1; index >= 0; index--) pending.push([current[index], appendPointer(at, String(index))]);
    } else if (isPlainObject(current)) {
      const entries = Object.entries(current);
      for (let index = entries.length - 1; index >= 0; index--) {
        const [key, item] = entries[index]!;
        const reason = unstorableTextReason(key);
        // The name itself is left out of the pointer: it is the very text that cannot be carried.
        if (reason !== undefined) violations.push({ pointer: at, message: `has a property name that ${reason.replace(/^must not contain/, 'contains')}` });
        else pending.push([item, appendPointer(at, key)]);
      }
    }
  }
  return violations;
}

/** Whether any string or property name under `value` cannot be stored; iterative, like the walk above. */
function holdsUnstorableText(value: unknown): boolean {
  if (typeof value === 'string') return unstorableTextReason(value) !== undefined;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const current = pending.pop();
    if (Array.isArray(current)) {
      for (const item of current) {
        if (typeof item === 'string') {
          if (unstorableTextReason(item) !== undefined) return true;
        } else if (item !== null && typeof item === 'object') pending.push(item);
      }
    } else if (isPlainObject(current)) {
      for (const key in current) {
        if (!Object.hasOwn(current, key)) continue;
        if (unstorableTextReason(key) !== undefined) return true;
        const item = current[key];
        if (typeof item === 'string') {
          if (unstorableTextReason(item) !== undefined) return true;
        } else if (item !== null && typeof item === 'object') pending.push(item);
      }
    }
  }
  return false;
}

// Parsed JSON and converted protocol input only: uploads, streams and class instances are not text.
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}
