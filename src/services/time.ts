/** A timestamp from the database (a Date, or text from some drivers) as an RFC 3339 string. */
export function toIso(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

/** `toIso` that keeps null. */
export function toIsoOrNull(value: Date | string | null): string | null {
  return value === null ? null : toIso(value);
}

/**
 * An input date-time in the one form stored: UTC with milliseconds. Cursors compare timestamps
 * after a round trip through JavaScript, which keeps milliseconds only; storing more would let a
 * page skip or repeat rows.
 */
export function normaliseTime(value: string): string;
export function normaliseTime(value: string | null | undefined): string | null;
export function normaliseTime(value: string | null | undefined): string | null {
  return value === null || value === undefined ? null : new Date(value).toISOString();
}
