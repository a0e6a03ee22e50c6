/**
 * Runs the TypeScript compiler over probes, all in one program, and says which fail and why. The
 * program is self-contained: a few lines stand in for the standard library (the probes use only
 * objects, arrays, literals and comparisons), so checking a hundred probes takes milliseconds
 * after the compiler has loaded.
 */
import module, { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type * as TypeScript from 'typescript';

/** The least of a standard library that the checker needs to type arrays, literals and functions. */
const library = [
  'interface Array<T> { length: number; [index: number]: T }',
  'interface Boolean {}',
  'interface CallableFunction {}',
  'interface Function {}',
  'interface IArguments {}',
  'interface NewableFunction {}',
  'interface Number {}',
  'interface Object {}',
  'interface RegExp {}',
  'interface String {}',
].join('\n');

let compiler: typeof TypeScript | undefined;

// Loaded on the first diff that has probes: most runs of the gate never need it.
function typescript(): typeof TypeScript {
  compiler ??= createRequire(import.meta.url)('typescript') as typeof TypeScript;
  return compiler;
}

/**
 * Checks each probe (statements) after the prelude (declarations). The result has, for each probe
 * that does not compile, the compiler's first message about it, by index. With a checker thread
 * started (startProbeThread), the check runs there, where the compiler has been loading meanwhile.
 */
export function checkProbes(prelude: string, probes: readonly string[]): Map<number, string> {
  return startProbeCheck(prelude, probes)();
}

/**
 * checkProbes in two steps: the probes go to the checker thread at once, and the function returned
 * waits for its answer, so that the caller may work meanwhile. Without a thread the check runs when
 * the function is called.
 */
export function startProbeCheck(prelude: string, probes: readonly string[]): () => Map<number, string> {
  if (probes.length === 0) return () => new Map();
  const answer = probeThread?.start(prelude, probes);
  return () => answer?.() ?? probeFailures(typescript(), prelude, probes);
}

/** The check itself, with the compiler given: the same in this thread and in the checker thread. */
export function probeFailures(ts: typeof TypeScript, prelude: string, probes: readonly string[]): Map<number, string> {
  const failures = new Map<number, string>();
  const starts: number[] = [];
  let text = `${prelude}\n`;
  for (const probe of probes) {
    starts.push(text.length);
    text += `${probe}\n`;
  }
  const files = new Map([
    ['/probes/lib.d.ts', library],
    ['/probes/probes.ts', text],
  ]);
  const options: TypeScript.CompilerOptions = { noLib: true, strict: true, noEmit: true, types: [], target: ts.ScriptTarget.ES2022, noUnusedLocals: false };
  const host: TypeScript.CompilerHost = {
    getSourceFile: (name, version) => {
      const content = files.get(name);
      return content === undefined ? undefined : ts.createSourceFile(name, content, version);
    },
    getDefaultLibFileName: () => '/probes/lib.d.ts',
    writeFile: () => undefined,
    getCurrentDirectory: () => '/probes',
    getCanonicalFileName: (name) => name,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    fileExists: (name) => files.has(name),
    readFile: (name) => files.get(name),
    getDirectories: () => [],
  };
  const program = ts.createProgram({ rootNames: [...files.keys()], options, host });
  const source = program.getSourceFile('/probes/probes.ts');
  const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
  for (const diagnostic of diagnostics) {
    const start = diagnostic.start ?? 0;
    const message = describe(diagnostic.messageText);
    if (start < (starts[0] ?? 0)) throw new Error(`the TypeScript probes' declarations do not compile: ${message}`);
    const index = upperBound(starts, start) - 1;
    if (!failures.has(index)) failures.set(index, message);
  }
  return failures;
}

// The compiler's first and most specific sentence, without the probes' own scaffolding (the
// brands of opaque types, the property that makes an object type refuse unknown ones).
function describe(text: string | TypeScript.DiagnosticMessageChain): string {
  const chain: string[] = [];
  for (let link: string | TypeScript.DiagnosticMessageChain | undefined = text; link !== undefined; link = typeof link === 'string' ? undefined : link.next?.[0]) {
    chain.push(typeof link === 'string' ? link : link.messageText);
  }
  const head = chain[0] ?? '';
  const tail = chain.at(-1) ?? head;
  const sentences = tail === head || tail.includes('__') ? [head] : [head, tail];
  return sentences
    .join(' ')
    .replace(/ ?__probe\?: undefined;/g, '').replace(/\{ \}/g, '{}')
    .replace(/\bOpaque_/g, '');
}

// The number of entries of a sorted list that are at most `value`.
function upperBound(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((sorted[middle] ?? 0) <= value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** A check asked of the checker thread; `id` numbers the checks, so that an answer is known for its own. */
export interface ProbeRequest {
  id: number;
  prelude: string;
  probes: readonly string[];
}

/** Its answer: the failures by probe index, or why the check could not run. */
export type ProbeReply = { id: number; failures: Array<[number, string]> } | { id: number; error: string };

/**
 * The shared signal between the threads: [0] the id of the last answer posted, [1] 1 once the
 * thread runs. -1 in either says the thread has stopped.
 */
export const answered = 0;
export const running = 1;

/**
 * How long a check waits for the thread to start, then for its answer, before it runs here
 * instead: a thread that could not start, or died without a word, never answers.
 */
const startPatience = 10_000;
const answerPatience = 60_000;

let probeThread: ProbeThread | undefined;

/**
 * Starts loading the TypeScript compiler on a thread of its own, on the other core, while this one
 * compiles the contracts; the diff's check (checkProbes) then runs there. Loading takes as long as
 * compiling a large contract, and only a few strings cross between the threads. An idle thread
 * never keeps the process alive. Where no thread can be started (Node's permission model without
 * --allow-worker), the check runs in this thread, as without one.
 */
export function startProbeThread(): void {
  if (probeThread) return;
  try {
    probeThread = new ProbeThread();
  } catch {
    probeThread = undefined;
  }
}

/** Whether a checker thread is there to take the next check (none was started, or it failed). */
export function probeThreadRunning(): boolean {
  return probeThread !== undefined;
}

class ProbeThread {
  private readonly worker: Worker;
  private readonly replies: MessagePort;
  private readonly signal = new Int32Array(new SharedArrayBuffer(8));
  private next = 0;
  /** Answers read from the port before their checks were awaited, by id. */
  private readonly unclaimed = new Map<number, ProbeReply>();

  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.replies = port1;
    this.worker = new Worker(new URL(`./thread${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url), {
      // The thread keeps V8's compiled code where this one does (see enableCompileCache in
      // tools/cli.ts): the compiler, read from that cache, loads in half the time.
      workerData: { replies: port2, signal: this.signal, compileCache: module.getCompileCacheDir?.() },
      transferList: [port2],
    });
    // A thread that fails leaves the check to this one.
    this.worker.on('error', () => undefined);
    this.worker.unref();
    this.replies.unref();
  }

  /**
   * Posts the check to the thread, which takes it once the compiler has loaded; the function
   * returned waits for the answer, undefined when the thread gave none (the caller checks here).
   */
  start(prelude: string, probes: readonly string[]): () => Map<number, string> | undefined {
    const request: ProbeRequest = { id: (this.next += 1), prelude, probes };
    this.worker.postMessage(request);
    return () => {
      const reply = this.answer(request);
      if (reply === undefined) {
        void this.worker.terminate();
        if (probeThread === this) probeThread = undefined;
        return undefined;
      }
      if ('error' in reply) throw new Error(reply.error);
      return new Map(reply.failures);
    };
  }

  private answer(request: ProbeRequest): ProbeReply | undefined {
    if (!this.await(running, (value) => value !== 0, startPatience) || Atomics.load(this.signal, running) !== 1) return undefined;
    // Answers come in order, one for each check, so a later one says this one is on the port. A
    // thread that stopped may have answered first: what is on the port is read either way.
    if (!this.await(answered, (value) => value >= request.id || value === -1, answerPatience)) return undefined;
    for (let message = receiveMessageOnPort(this.replies); message !== undefined; message = receiveMessageOnPort(this.replies)) {
      const reply = message.message as ProbeReply;
      this.unclaimed.set(reply.id, reply);
    }
    const reply = this.unclaimed.get(request.id);
    this.unclaimed.delete(request.id);
    return reply;
  }

  // Waits until the signal at `index` satisfies `done`, or the time is up; whether it did.
  private await(index: number, done: (value: number) => boolean, patience: number): boolean {
    const deadline = performance.now() + patience;
    for (let value = Atomics.load(this.signal, index); !done(value); value = Atomics.load(this.signal, index)) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      Atomics.wait(this.signal, index, value, left);
    }
    return true;
  }
}
