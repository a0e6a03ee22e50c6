/**
 * Gives back what start-up took: loading modules, compiling contracts and seeding fill V8's
 * young generation, which V8 keeps committed afterwards. `serve` calls it twice: once the
 * contracts are loaded (what their loading left is then not resident beside what the database
 * and the servers allocate next) and once serving. One collection of the kind V8 runs on a
 * low-memory notification (`flavor: 'last-resort'`) shrinks it back to its floor (16 MB
 * semi-spaces unless NODE_OPTIONS sizes them, see withServingHeap in ../cli.ts) and returns the
 * pages; under load it grows again. The collector is V8's `gc`, which `serve` gets from
 * `--expose-gc` on the command line it restarts itself with (../trident.ts); without it (a
 * platform with no execve) nothing is given back. Turning `--expose-gc` on and off at run time
 * instead, as `serve` once did, left V8 running two to three times as many major collections
 * under load for as long as the process lived (`npm run bench:replicas`, see the README).
 */
export function releaseStartupMemory(): boolean {
  const collect = (globalThis as { gc?: (options: object) => unknown }).gc;
  if (typeof collect !== 'function') return false;
  collect({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  return true;
}
