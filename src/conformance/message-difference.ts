import { isDeepStrictEqual } from 'node:util';

/**
 * Where two readings of one protobuf message (proto-loader objects, longs as strings) differ, as
 * "at /pointer: expected …, got …"; '' when they name the same values. Zero scalars may or may not
 * be on the wire (protobufjs writes them, ts-proto does not): both mean the default. A Timestamp
 * or Duration compares as the instant it names: the generated code holds a Timestamp as a Date and
 * writes one before 1970 as truncated seconds with negative nanos, proto-loader's reading of the
 * server's bytes has floored seconds with positive nanos, and the server reads both alike.
 */
export function messageDifference(expected: unknown, actual: unknown): string {
  return firstDifference(comparable(expected), comparable(actual));
}

function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(comparable);
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  if (isSecondsAndNanos(value)) return instantOf(value);
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, item]) => item !== 0 && item !== '' && item !== false && item !== '0' && !(Array.isArray(item) && item.length === 0))
      .map(([key, item]) => [key, comparable(item)]),
  );
}

function isSecondsAndNanos(value: object): value is { seconds?: string | number; nanos?: number } {
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => key === 'seconds' || key === 'nanos');
}

function instantOf(value: { seconds?: string | number; nanos?: number }): string {
  return `${BigInt(value.seconds ?? 0) * 1_000_000_000n + BigInt(value.nanos ?? 0)}ns`;
}

/** Where two plain values differ first, as "at /pointer: expected …, got …"; '' when they are equal. */
export function firstDifference(expected: unknown, actual: unknown, pointer = ''): string {
  if (isDeepStrictEqual(expected, actual)) return '';
  if (expected !== null && actual !== null && typeof expected === 'object' && typeof actual === 'object') {
    for (const key of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
      const inner = firstDifference((expected as Record<string, unknown>)[key], (actual as Record<string, unknown>)[key], `${pointer}/${key}`);
      if (inner) return inner;
    }
  }
  return `at ${pointer || '/'}: expected ${JSON.stringify(expected)?.slice(0, 120)}, got ${JSON.stringify(actual)?.slice(0, 120)}`;
}
