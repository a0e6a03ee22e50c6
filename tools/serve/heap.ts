import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Gives back what start-up took: loading modules, compiling contracts and seeding fill V8's
 * young generation up to its largest size, which V8 keeps committed afterwards. One collection of
 * the kind V8 runs on a low-memory notification (`flavor: 'last-resort'`) shrinks it back to its
 * first size and returns the pages; under load it grows again. The collector function is taken
 * from a fresh context, so `gc` never becomes a global of the serving process.
 */
export function releaseStartupMemory(): boolean {
  setFlagsFromString('--expose-gc');
  try {
    const collect = runInNewContext('typeof gc === "function" ? gc : undefined') as ((options: object) => unknown) | undefined;
    if (collect === undefined) return false;
    collect({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    return true;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}
