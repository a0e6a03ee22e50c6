import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Collector = (options: object) => unknown;
let collector: Collector | undefined;

/**
 * Collects what is garbage now, in the kind of collection V8 runs on a low-memory notification,
 * which also returns the freed pages. `generate` runs it between a very large document's compile
 * and its types, so that openapi-typescript's tree is not built beside the compiler's garbage.
 * V8 offers it only as `gc`, with `--expose-gc`; a one-shot command turns that on here (a new
 * context then has `gc`), where a server would rather have it on its command line (see
 * tools/serve/heap.ts).
 */
export function releaseMemory(): void {
  if (collector === undefined) {
    const exposed = (globalThis as { gc?: Collector }).gc;
    if (typeof exposed === 'function') collector = exposed;
    else {
      setFlagsFromString('--expose-gc');
      collector = runInNewContext('gc') as Collector;
    }
  }
  collector({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}
