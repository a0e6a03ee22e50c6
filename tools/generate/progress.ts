/** Where a long run reports how far it is. */
export interface Progress {
  /** Document `index` of `total` is being compiled. */
  document(index: number, total: number, path: string): void;
  /** It compiled, with this many operations (or came from the cache). */
  compiled(path: string, operations: number, cached: boolean): void;
  /** A later step (gRPC TypeScript, writing) has started. */
  step(text: string): void;
  /** The run is over: the line is cleared. */
  done(): void;
}

export const silentProgress: Progress = { document() {}, compiled() {}, step() {}, done() {} };

interface Terminal {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/**
 * Progress on one rewritten line of a terminal: documents done, operations compiled, the current
 * step. It says nothing when the stream is not a terminal or when CI is set, so logs stay clean.
 */
export function terminalProgress(stream: Terminal, env: Record<string, string | undefined> = process.env): Progress {
  if (!stream.isTTY || (env.CI !== undefined && env.CI !== '' && env.CI !== 'false')) return silentProgress;
  let operations = 0;
  let finished = 0;
  let total = 0;
  let shown = false;
  const show = (text: string): void => {
    const width = Math.max(20, (stream.columns ?? 80) - 1);
    stream.write(`\r\u001b[2K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
    shown = true;
  };
  return {
    document(index, count, path) {
      total = count;
      show(`trident: ${index}/${count} documents, ${operations} operations - compiling ${path}`);
    },
    compiled(_path, count) {
      operations += count;
      finished += 1;
      show(`trident: ${finished}/${total} documents, ${operations} operations`);
    },
    step(text) {
      show(`trident: ${finished}/${total} documents, ${operations} operations - ${text}`);
    },
    done() {
      if (shown) stream.write('\r\u001b[2K');
      shown = false;
    },
  };
}
