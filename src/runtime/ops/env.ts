/**
 * The settings of `/metrics`, the drain delay and trace export, from `serve`'s environment. A
 * value that cannot be used is an `OpsConfigError` naming the variable and what it accepts.
 */
import type { OperationsOptions } from './index.ts';

export class OpsConfigError extends Error {
  override name = 'OpsConfigError';
}

export interface OperationsSettings {
  metrics: NonNullable<OperationsOptions['metrics']>;
  drainDelayMs: number;
  /** The span exporters to start (`otlp`, `console`); empty, nothing is exported. */
  traceExporters: string[];
}

const exporters = new Set(['otlp', 'console']);

export function operationsFromEnv(env: NodeJS.ProcessEnv): OperationsSettings {
  const switched = (env.TRIDENT_METRICS ?? 'on').trim().toLowerCase();
  if (switched !== 'on' && switched !== 'off') throw new OpsConfigError(`TRIDENT_METRICS=${env.TRIDENT_METRICS} is not on or off`);
  const token = env.TRIDENT_METRICS_TOKEN;
  const delay = env.TRIDENT_DRAIN_DELAY ?? '';
  const seconds = delay === '' ? 0 : Number(delay);
  if (!Number.isFinite(seconds) || seconds < 0 || seconds > 300) throw new OpsConfigError(`TRIDENT_DRAIN_DELAY=${delay} is not a number of seconds from 0 to 300`);
  return { metrics: { enabled: switched === 'on', ...(token ? { token } : {}) }, drainDelayMs: Math.round(seconds * 1000), traceExporters: traceExportersOf(env) };
}

/**
 * Trace export is off unless asked for: `OTEL_TRACES_EXPORTER` (`otlp`, `console`, comma-separated;
 * `none`), or, when it is unset, an OTLP endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT` or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`). `OTEL_SDK_DISABLED=true` turns it off.
 */
export function traceExportersOf(env: NodeJS.ProcessEnv): string[] {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return [];
  const named = (env.OTEL_TRACES_EXPORTER ?? '').split(',').map((name) => name.trim().toLowerCase()).filter((name) => name !== '');
  const wanted = named.length > 0 ? named.filter((name) => name !== 'none') : env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? ['otlp'] : [];
  const unknown = wanted.find((name) => !exporters.has(name));
  if (unknown !== undefined) throw new OpsConfigError(`OTEL_TRACES_EXPORTER names ${unknown}, which is not supported: use otlp, console or none`);
  const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL;
  if (wanted.includes('otlp') && protocol && protocol !== 'http/json') {
    throw new OpsConfigError(`OTEL_EXPORTER_OTLP_PROTOCOL=${protocol} is not supported: spans are sent as OTLP over HTTP with JSON (http/json), which collectors accept on port 4318`);
  }
  return [...new Set(wanted)];
}
