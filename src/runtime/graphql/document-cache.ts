/**
 * A least-recently-used cache of what graphql-yoga parsed, bounded by the total length of the
 * documents' sources rather than by their number. A parsed document holds about fifty times its
 * source in memory (a 27 kB query of 450 aliases is 1.3 MB of syntax tree), so yoga's own cache of
 * 1,024 documents lets a client who sends new large documents fill the heap; this one keeps the
 * many small documents of ordinary clients and lets the large ones go.
 */
export class DocumentCache<T> {
  private readonly entries = new Map<string, T>();
  private size = 0;
  private readonly maxSize: number;

  private readonly maxEntry: number;

  /**
   * `maxSize`: the characters of source kept at most. A document longer than `maxEntry` is not
   * kept at all: ordinary clients send short documents, and a long one kept would live long
   * enough to be moved to the old generation, where collecting it costs the most.
   */
  constructor(maxSize: number, maxEntry = maxSize) {
    this.maxSize = maxSize;
    this.maxEntry = Math.min(maxEntry, maxSize);
  }

  get(source: string): T | undefined {
    const value = this.entries.get(source);
    if (value !== undefined) {
      // Map keeps insertion order: moving the entry to the end marks it as the most recent.
      this.entries.delete(source);
      this.entries.set(source, value);
    }
    return value;
  }

  set(source: string, value: T): void {
    if (source.length > this.maxEntry) return;
    if (this.entries.delete(source)) this.size -= source.length;
    this.entries.set(source, value);
    this.size += source.length;
    for (const oldest of this.entries.keys()) {
      if (this.size <= this.maxSize) break;
      this.entries.delete(oldest);
      this.size -= oldest.length;
    }
  }
}
