/**
 * Measures every operation invocation once, where the three protocols meet (`invoke`): one
 * Prometheus observation and one OpenTelemetry span per call, and the open-stream gauge. Only
 * `@opentelemetry/api` is used here: without a registered tracer provider its spans are no-ops,
 * so tracing costs next to nothing until export is turned on (./tracing.ts).
 */
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Tracer } from '@opentelemetry/api';
import { ApiError, errorCatalog } from '../errors.ts';
import type { BoundOperation, CallOptions, InvocationObserver } from '../operation.ts';
import type { InvocationLabels, Protocol, ServerMetrics } from './metrics.ts';

/** The outcome of a failed call as the metrics and spans name it: the error code, or `cancelled`. */
export function outcomeOf(error: unknown, signal: AbortSignal): string {
  if (error instanceof ApiError) return error.code;
  return signal.aborted ? 'cancelled' : 'internal';
}

/** The labels and span name of an operation through one protocol: made once, used by every call. */
interface Naming {
  labels: InvocationLabels;
  spanName: string;
}

const spanOptions = { kind: SpanKind.SERVER };

/** The span and metric observer of a server; `metrics` absent counts nothing. Spans go to the global tracer provider unless `tracer` is given. */
export function invocationObserver(metrics: ServerMetrics | undefined, tracer: Tracer = trace.getTracer('trident')): InvocationObserver {
  const namings = new WeakMap<BoundOperation, Map<Protocol, Naming>>();
  const namingOf = (bound: BoundOperation, protocol: Protocol): Naming => {
    let byProtocol = namings.get(bound);
    if (!byProtocol) namings.set(bound, (byProtocol = new Map()));
    let naming = byProtocol.get(protocol);
    if (!naming) {
      const labels: InvocationLabels = { api: bound.api.name, version: `v${bound.api.version}`, operation: bound.operation.id, protocol };
      naming = { labels, spanName: `${labels.api}/${labels.version} ${labels.operation}` };
      byProtocol.set(protocol, naming);
    }
    return naming;
  };
  return async (bound: BoundOperation, options: CallOptions, run: () => Promise<unknown>): Promise<unknown> => {
    const { labels, spanName } = namingOf(bound, options.protocol);
    const parent = options.traceHeaders ? propagation.extract(ROOT_CONTEXT, options.traceHeaders) : ROOT_CONTEXT;
    const span = tracer.startSpan(spanName, spanOptions, parent);
    // With export off the span is a no-op: nothing is set on it and no context is made for it.
    const recording = span.isRecording();
    // Names and ids only: never a field's value, a body or a token.
    if (recording) span.setAttributes({ 'trident.api': labels.api, 'trident.api.version': bound.api.version, 'trident.operation': labels.operation, 'trident.protocol': labels.protocol, ...(options.requestId ? { 'trident.request_id': options.requestId } : {}) });
    const started = performance.now();
    let outcome = 'ok';
    try {
      const value = recording ? await context.with(trace.setSpan(parent, span), run) : await run();
      return bound.operation.result.kind === 'stream' && metrics ? countedStream(value as AsyncIterable<unknown>, metrics, options.protocol) : value;
    } catch (error) {
      outcome = outcomeOf(error, options.signal);
      throw error;
    } finally {
      metrics?.observe(labels, outcome, (performance.now() - started) / 1000);
      if (recording) {
        span.setAttribute('trident.outcome', outcome);
        // A caller's mistake (4xx) is the call going as designed; a server-side failure is an error.
        const status = outcome === 'ok' || outcome === 'cancelled' ? 0 : errorCatalog[outcome as keyof typeof errorCatalog].http;
        if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      }
    }
  };
}

/** The stream, counted as open from its first read until it ends, fails or is closed by the binding. */
async function* countedStream(items: AsyncIterable<unknown>, metrics: ServerMetrics, protocol: Protocol): AsyncIterable<unknown> {
  metrics.streams(protocol, 1);
  try {
    yield* items;
  } finally {
    metrics.streams(protocol, -1);
  }
}
