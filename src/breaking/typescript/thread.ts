/**
 * The checker thread of the TypeScript probes (see startProbeThread in ./check.ts): it loads the
 * compiler as soon as it starts, then answers each check on the port it was given, and wakes the
 * waiting thread through the shared signal.
 */
import module, { createRequire } from 'node:module';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type * as TypeScript from 'typescript';
import { answered, probeFailures, running, type ProbeReply, type ProbeRequest } from './check.ts';

const { replies, signal, compileCache } = workerData as { replies: MessagePort; signal: Int32Array; compileCache?: string };

// However the thread stops, the waiting thread is told at once rather than when its patience ends.
const stopped = (): void => {
  Atomics.store(signal, running, -1);
  Atomics.store(signal, answered, -1);
  Atomics.notify(signal, running);
  Atomics.notify(signal, answered);
};
process.on('exit', stopped);

let compiler: typeof TypeScript | Error;
try {
  if (compileCache !== undefined) module.enableCompileCache?.(compileCache);
  compiler = createRequire(import.meta.url)('typescript') as typeof TypeScript;
} catch (error) {
  compiler = error instanceof Error ? error : new Error(String(error));
}

// Running: the waiting thread now waits for the answer, however long the compiler took to load.
Atomics.store(signal, running, 1);
Atomics.notify(signal, running);

// A first, small check while nothing waits: the compiler's own code is compiled by V8 on its first
// run, which the gate's check then does not wait for.
if (!(compiler instanceof Error)) {
  try {
    probeFailures(compiler, 'interface Base { id: string; size?: number | null; kind: "a" | "b" }', ['const base: Base = { id: "x", kind: "a" }; const read: { id: string } = base; if (base.kind === "b" && base.size === 1) { void read; }']);
  } catch {
    // The check that matters reports its own failure.
  }
}

parentPort?.on('message', (request: ProbeRequest) => {
  let reply: ProbeReply;
  try {
    if (compiler instanceof Error) throw compiler;
    reply = { id: request.id, failures: [...probeFailures(compiler, request.prelude, request.probes)] };
  } catch (error) {
    reply = { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
  replies.postMessage(reply);
  Atomics.store(signal, answered, request.id);
  Atomics.notify(signal, answered);
});
