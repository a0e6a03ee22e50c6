import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Output files kept on disk rather than in memory, behind a Map's interface, for the compile of a
 * very large document: GitHub's description prints about 40 MB of text, which JavaScript holds as
 * two bytes a character when a description uses one character outside Latin-1, as most large
 * descriptions do. Each text is written to a scratch folder when set and read back when asked
 * for, so the compiler's peak holds none of them and openapi-typescript then runs in an almost
 * empty process. `dispose` removes the folder.
 */
export class SpilledFiles extends Map<string, string> {
  private folder: string | undefined;
  private readonly names = new Map<string, string>();
  private next = 0;

  /**
   * A scratch file of the folder, outside the map, holding what `produce` writes to it in pieces
   * (the JSON the types are written from), so that the whole text is never in memory.
   */
  stash(produce: (write: (chunk: string) => void) => void): { file: string } {
    const file = join(this.scratch(), `stash-${(this.next += 1)}`);
    writeInPieces(file, produce);
    return { file };
  }

  override set(path: string, text: string): this {
    return this.setWritten(path, (write) => write(text));
  }

  /** Sets the text of `path` to what `produce` writes, in pieces. */
  setWritten(path: string, produce: (write: (chunk: string) => void) => void): this {
    // The Map's constructor sets its entries before the fields exist; it is always called empty.
    const file = this.names.get(path) ?? join(this.scratch(), `file-${(this.next += 1)}`);
    writeInPieces(file, produce);
    this.names.set(path, file);
    return super.set(path, '');
  }

  override get(path: string): string | undefined {
    const file = this.names.get(path);
    return file === undefined ? undefined : readFileSync(file, 'utf8');
  }

  override delete(path: string): boolean {
    const file = this.names.get(path);
    if (file !== undefined) rmSync(file, { force: true });
    this.names.delete(path);
    return super.delete(path);
  }

  override clear(): void {
    for (const path of [...this.keys()]) this.delete(path);
  }

  override *entries(): MapIterator<[string, string]> {
    for (const path of this.keys()) yield [path, this.get(path) ?? ''];
  }

  override *values(): MapIterator<string> {
    for (const [, text] of this.entries()) yield text;
  }

  override [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }

  override forEach(callback: (text: string, path: string, map: Map<string, string>) => void, thisArg?: unknown): void {
    for (const [path, text] of this.entries()) callback.call(thisArg, text, path, this);
  }

  /** The texts, each read back once, in a Map of their own. */
  load(): Map<string, string> {
    return new Map(this.entries());
  }

  dispose(): void {
    if (this.folder !== undefined) rmSync(this.folder, { recursive: true, force: true });
    this.folder = undefined;
    this.names.clear();
    super.clear();
  }

  private scratch(): string {
    this.folder ??= mkdtempSync(join(tmpdir(), 'trident-outputs-'));
    return this.folder;
  }
}

function writeInPieces(file: string, produce: (write: (chunk: string) => void) => void): void {
  const descriptor = openSync(file, 'w');
  try {
    produce((chunk) => writeSync(descriptor, chunk));
  } finally {
    closeSync(descriptor);
  }
}
