import { defaultTimeLimitMs, TimeLimitExceeded, withinTimeLimit } from './time-limit.ts';

/** Where a check belongs: one protocol against the contract, or the protocols against each other. */
export type Area = 'rest' | 'graphql' | 'grpc' | 'cross' | 'auth' | 'flow';

export type CheckStatus = 'pass' | 'fail' | 'skip';

/** One verdict: what was checked, on what, and why it failed or was skipped. */
export interface CheckResult {
  area: Area;
  /** `study/v2`, or `*` for checks of the whole server. */
  api: string;
  /** What the check proves, e.g. `undeclared methods answer 405 with Allow`. */
  name: string;
  /** The operation, path or service it was run on. */
  subject: string;
  status: CheckStatus;
  detail?: string;
  ms: number;
}

/** Thrown inside a check to fail it with a reason. */
export class CheckFailure extends Error {}

/** Thrown inside a check that cannot run here, with the reason. */
export class CheckSkipped extends Error {}

export const fail = (reason: string): never => {
  throw new CheckFailure(reason);
};

export const skip = (reason: string): never => {
  throw new CheckSkipped(reason);
};

/** Asserts a condition of the contract; the message says what was expected and what came. */
export function expectThat(condition: unknown, reason: string): asserts condition {
  if (!condition) throw new CheckFailure(reason);
}

/** Collects the verdicts of a run; each check is a function that returns, fails or skips. */
export class Checks {
  readonly results: CheckResult[] = [];
  /** How long one check may take before it fails as timed out. */
  readonly timeoutMs: number;
  private readonly onResult: (result: CheckResult) => void;

  constructor(onResult: (result: CheckResult) => void = () => {}, timeoutMs = defaultTimeLimitMs) {
    this.onResult = onResult;
    this.timeoutMs = timeoutMs;
  }

  /**
   * Runs one check within the time limit and records its verdict: pass, fail with the reason
   * (`timed out after N ms` when the limit ran out; the calls it was making are aborted), or skip.
   */
  async run(area: Area, api: string, name: string, subject: string, body: () => Promise<void | string>): Promise<CheckStatus> {
    const started = performance.now();
    let status: CheckStatus = 'pass';
    let detail: string | undefined;
    try {
      const note = await withinTimeLimit(this.timeoutMs, body);
      if (typeof note === 'string') detail = note;
    } catch (error) {
      status = error instanceof CheckSkipped ? 'skip' : 'fail';
      detail = describeError(error);
    }
    this.record({ area, api, name, subject, status, ...(detail !== undefined ? { detail } : {}), ms: Math.round(performance.now() - started) });
    return status;
  }

  record(result: CheckResult): void {
    this.results.push(result);
    this.onResult(result);
  }

  count(status: CheckStatus): number {
    return this.results.filter((result) => result.status === status).length;
  }
}

/**
 * The reason a check failed or was skipped: its own message for the verdicts checks give, the
 * network error for a call that did not reach the server, else the stack of the unexpected error.
 */
export function describeError(error: unknown): string {
  if (error instanceof CheckFailure || error instanceof CheckSkipped || error instanceof TimeLimitExceeded) return error.message;
  // fast-check wraps what the property threw; that is the reason.
  if (error instanceof Error && error.message.startsWith('Property failed') && error.cause instanceof Error) return describeError(error.cause);
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (error instanceof TypeError && error.message === 'fetch failed') return `network error: ${String(cause?.code ?? cause?.message ?? 'fetch failed')}`;
  const grpcError = error as { code?: unknown; details?: unknown } | undefined;
  if (typeof grpcError?.code === 'number' && typeof grpcError.details === 'string') return `gRPC status ${grpcError.code}: ${grpcError.details}`;
  return `unexpected error: ${(error as Error)?.stack ?? String(error)}`;
}
