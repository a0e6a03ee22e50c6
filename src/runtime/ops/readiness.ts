/**
 * Whether the server should be sent traffic: what the handler module depends on (its database,
 * its blob store) answers, and the server is not draining. One state for `/readyz` and gRPC health.
 */

/** One dependency as a readiness probe saw it. */
export interface ReadinessCheck {
  /** A short name, e.g. `database` or `blobs`. */
  name: string;
  ok: boolean;
  /** Why it is not ready, in words safe to show anyone (no host, path, credential or data). */
  reason?: string;
}

/** A handler module's probe of its dependencies (`ProjectSetup.ready`). */
export type ReadinessProbe = (signal: AbortSignal) => Promise<ReadinessCheck[]>;

export interface ReadinessState {
  ready: boolean;
  draining: boolean;
  checks: ReadinessCheck[];
}

export interface Readiness {
  /** The current state: the last probe when younger than the cache time, else a new one. */
  check(): Promise<ReadinessState>;
  /** From now on, not ready: the server is shutting down. */
  drain(): void;
  /** Called whenever readiness flips (and once with the first result). */
  onChange(listener: (ready: boolean) => void): void;
}

export interface ReadinessOptions {
  probe?: ReadinessProbe;
  /** How long one probe may take before its dependency counts as not ready. */
  timeoutMs?: number;
  /** How long a result is reused, so a load balancer polling often costs one probe per period. */
  cacheMs?: number;
}

/** Readiness over an optional probe: bounded in time, cached briefly, one probe in flight at a time. */
export function createReadiness(options: ReadinessOptions = {}): Readiness {
  const timeoutMs = options.timeoutMs ?? 1000;
  const cacheMs = options.cacheMs ?? 500;
  let draining = false;
  let last: { at: number; checks: ReadinessCheck[] } | undefined;
  let inFlight: Promise<ReadinessCheck[]> | undefined;
  let reported: boolean | undefined;
  const listeners: Array<(ready: boolean) => void> = [];

  const state = (checks: ReadinessCheck[]): ReadinessState => {
    const ready = !draining && checks.every((check) => check.ok);
    if (ready !== reported) {
      reported = ready;
      for (const listener of listeners) listener(ready);
    }
    return { ready, draining, checks };
  };

  const probeOnce = async (): Promise<ReadinessCheck[]> => {
    if (!options.probe) return [];
    const aborter = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<ReadinessCheck[]>((resolve) => {
      timer = setTimeout(() => {
        aborter.abort();
        resolve([{ name: 'probe', ok: false, reason: `no answer within ${timeoutMs} ms` }]);
      }, timeoutMs);
    });
    try {
      return await Promise.race([options.probe(aborter.signal).catch(() => [{ name: 'probe', ok: false, reason: 'failed' }]), late]);
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    async check() {
      if (draining) return state(last?.checks ?? []);
      if (last && Date.now() - last.at < cacheMs) return state(last.checks);
      inFlight ??= probeOnce().finally(() => (inFlight = undefined));
      const checks = await inFlight;
      last = { at: Date.now(), checks };
      return state(checks);
    },
    drain() {
      draining = true;
      state(last?.checks ?? []);
    },
    onChange(listener) {
      listeners.push(listener);
    },
  };
}

/** The body of `/readyz`: `ready`, or `not_ready` with the reasons, each dependency's state. */
export function readinessBody(state: ReadinessState): Record<string, unknown> {
  const reasons = [...(state.draining ? ['draining: the server is shutting down'] : []), ...state.checks.filter((check) => !check.ok).map((check) => `${check.name}: ${check.reason ?? 'not ready'}`)];
  return {
    status: state.ready ? 'ready' : 'not_ready',
    ...(reasons.length > 0 ? { reason: reasons.join('; ') } : {}),
    draining: state.draining,
    checks: Object.fromEntries(state.checks.map((check) => [check.name, check.ok ? 'ok' : (check.reason ?? 'not ready')])),
  };
}
