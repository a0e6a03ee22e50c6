import { describe, expect, it } from 'vitest';
import { operationsFromEnv, traceExportersOf } from '../../src/runtime/ops/env.ts';
import { createReadiness, readinessBody } from '../../src/runtime/ops/readiness.ts';

describe('operations settings from the environment', () => {
  it('have metrics open, no drain delay and no trace export by default', () => {
    expect(operationsFromEnv({})).toEqual({ metrics: { enabled: true }, drainDelayMs: 0, traceExporters: [] });
  });

  it('read the metrics switch and token, and the drain delay in seconds', () => {
    expect(operationsFromEnv({ TRIDENT_METRICS: 'off', TRIDENT_METRICS_TOKEN: 's3cret', TRIDENT_DRAIN_DELAY: '2.5' })).toEqual({ metrics: { enabled: false, token: 's3cret' }, drainDelayMs: 2500, traceExporters: [] });
  });

  it('refuse a value they cannot use, naming the variable', () => {
    expect(() => operationsFromEnv({ TRIDENT_METRICS: 'yes' })).toThrow('TRIDENT_METRICS=yes is not on or off');
    expect(() => operationsFromEnv({ TRIDENT_DRAIN_DELAY: 'soon' })).toThrow('TRIDENT_DRAIN_DELAY=soon is not a number of seconds from 0 to 300');
    expect(() => operationsFromEnv({ TRIDENT_DRAIN_DELAY: '-1' })).toThrow('TRIDENT_DRAIN_DELAY=-1');
  });

  it('export traces when an OTLP endpoint or an exporter is named, and not when disabled', () => {
    expect(traceExportersOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toEqual(['otlp']);
    expect(traceExportersOf({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' })).toEqual(['otlp']);
    expect(traceExportersOf({ OTEL_TRACES_EXPORTER: 'console, otlp' })).toEqual(['console', 'otlp']);
    expect(traceExportersOf({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toEqual([]);
    expect(traceExportersOf({ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' })).toEqual([]);
    expect(() => traceExportersOf({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow('OTEL_TRACES_EXPORTER names zipkin, which is not supported: use otlp, console or none');
    expect(() => traceExportersOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow('OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported');
    expect(traceExportersOf({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })).toEqual(['otlp']);
  });
});

describe('readiness', () => {
  it('bounds a probe that does not answer, and probes once for callers arriving together', async () => {
    let probes = 0;
    const readiness = createReadiness({ timeoutMs: 50, cacheMs: 0, probe: () => (probes += 1, new Promise(() => {})) });
    const [first, second] = await Promise.all([readiness.check(), readiness.check()]);
    expect(probes).toBe(1);
    expect(first).toEqual(second);
    expect(readinessBody(first)).toEqual({ status: 'not_ready', reason: 'probe: no answer within 50 ms', draining: false, checks: { probe: 'no answer within 50 ms' } });
  });

  it('reuses a result for the cache time, tells listeners of each flip, and stays not ready once draining', async () => {
    let ok = true;
    let probes = 0;
    const readiness = createReadiness({ cacheMs: 60_000, probe: async () => (probes += 1, [{ name: 'database', ok }]) });
    const flips: boolean[] = [];
    readiness.onChange((ready) => flips.push(ready));
    expect((await readiness.check()).ready).toBe(true);
    ok = false;
    expect((await readiness.check()).ready).toBe(true);
    expect(probes).toBe(1);
    readiness.drain();
    const drained = await readiness.check();
    expect(readinessBody(drained)).toEqual({ status: 'not_ready', reason: 'draining: the server is shutting down', draining: true, checks: { database: 'ok' } });
    expect(flips).toEqual([true, false]);
  });
});
