/**
 * Trace export, loaded only when it is turned on (./env.ts): the OpenTelemetry SDK with a batch
 * processor per exporter (OTLP over HTTP/JSON, or the console), registered globally with the W3C
 * trace-context propagator so incoming `traceparent` headers parent the server's spans. The
 * exporter reads the standard `OTEL_EXPORTER_OTLP_*` variables; the service is named by
 * `OTEL_SERVICE_NAME` (`trident`), sampling by `OTEL_TRACES_SAMPLER`.
 */
import { propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, ConsoleSpanExporter } from '@opentelemetry/sdk-trace-base';

export interface TraceExport {
  /** Sends what is still buffered and stops. */
  shutdown(): Promise<void>;
}

export function startTraceExport(exporters: readonly string[]): TraceExport {
  const resource = resourceFromAttributes({ 'service.name': 'trident' }).merge(detectResources({ detectors: [envDetector] }));
  const spanProcessors = exporters.map((name) => new BatchSpanProcessor(name === 'console' ? new ConsoleSpanExporter() : new OTLPTraceExporter()));
  const provider = new BasicTracerProvider({ resource, spanProcessors });
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  return {
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
    },
  };
}
