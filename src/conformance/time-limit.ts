import { AsyncLocalStorage } from 'node:async_hooks';

/** How long a check, a setup step or a call may take when nothing else is said. */
export const defaultTimeLimitMs = 10_000;

/** A time limit in force: network calls made under it abort when it runs out. */
interface Limit {
  signal: AbortSignal;
  /** Epoch milliseconds at which the limit runs out. */
  deadline: number;
}

// The limit of the check or step being run, so every call made inside it, however deep, obeys it
// without each caller passing a signal along.
const current = new AsyncLocalStorage<Limit>();

/** Thrown when a body runs past its time limit. */
export class TimeLimitExceeded extends Error {
  readonly ms: number;
  constructor(ms: number) {
    super(`timed out after ${ms} ms`);
    this.ms = ms;
  }
}

/**
 * Runs `body` with a time limit of `ms`: calls made inside it abort when the limit runs out, and the
 * returned promise rejects with `TimeLimitExceeded` then, even when `body` itself ignores the abort.
 * The limit is the body's own, not that of an enclosing check, so a preparation shared by several
 * checks is not cut short by the first one timing out.
 */
export async function withinTimeLimit<T>(ms: number, body: () => Promise<T>): Promise<T> {
  const aborter = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new TimeLimitExceeded(ms);
      aborter.abort(error);
      reject(error);
    }, ms);
  });
  try {
    return await Promise.race([current.run({ signal: aborter.signal, deadline: Date.now() + ms }, body), expired]);
  } finally {
    clearTimeout(timer);
    // Whatever the body left running (a stream, a slow request) stops with it.
    aborter.abort(new TimeLimitExceeded(ms));
  }
}

/**
 * The abort signal of a network call: the enclosing limit, also bounded by `ms` when given. Outside
 * any limit, `ms` or the default, so no call ever waits without end.
 */
export function callSignal(ms?: number): AbortSignal {
  const limit = current.getStore();
  if (!limit) return AbortSignal.timeout(ms ?? defaultTimeLimitMs);
  return ms === undefined ? limit.signal : AbortSignal.any([limit.signal, AbortSignal.timeout(ms)]);
}

/** The gRPC deadline of a call: `ms` from now, and never after the enclosing limit. */
export function callDeadline(ms = defaultTimeLimitMs): Date {
  const limit = current.getStore();
  return new Date(Math.min(Date.now() + ms, limit?.deadline ?? Number.POSITIVE_INFINITY));
}
