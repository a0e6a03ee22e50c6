/**
 * Collects the parameters of a statement built piece by piece, so that every value goes in as a
 * `$n` placeholder and never as SQL text.
 */
export class SqlParams {
  readonly values: unknown[] = [];

  /** Adds `value` and returns its placeholder. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }

  /** Adds `value` as JSON text and returns its placeholder cast to jsonb. */
  json(value: unknown): string {
    return `${this.add(JSON.stringify(value))}::jsonb`;
  }
}
