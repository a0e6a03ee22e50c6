/**
 * The documented differences between the protocols, taken out before results are compared
 * (README, "What differs between the protocols"): absent and null are the same; an empty list is
 * the same as none (proto3 cannot tell them apart); int64 values are numbers whatever their
 * spelling; date-times are compared as instants.
 */
export function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise);
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return new Date(value).toISOString();
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const item = (value as Record<string, unknown>)[key];
    if (item === null || item === undefined || (Array.isArray(item) && item.length === 0)) continue;
    out[key] = normalise(item);
  }
  return out;
}

/** The first place two normalised values differ, as a JSON pointer and both values; empty when equal. */
export function difference(expected: unknown, actual: unknown, pointer = ''): string {
  if (JSON.stringify(expected) === JSON.stringify(actual)) return '';
  if (expected !== null && actual !== null && typeof expected === 'object' && typeof actual === 'object') {
    for (const key of new Set([...Object.keys(expected), ...Object.keys(actual)])) {
      const inner = difference((expected as Record<string, unknown>)[key], (actual as Record<string, unknown>)[key], `${pointer}/${key}`);
      if (inner) return inner;
    }
  }
  return `${pointer || '/'}: ${JSON.stringify(expected)?.slice(0, 100) ?? 'absent'} vs ${JSON.stringify(actual)?.slice(0, 100) ?? 'absent'}`;
}
