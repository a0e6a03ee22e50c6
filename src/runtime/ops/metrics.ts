/**
 * The server's Prometheus metrics (prom-client), on a registry of its own. Labels come from the
 * contracts and the error catalog only (API name, major version, operation id, protocol, outcome),
 * so their number is bounded whatever the traffic; no path, id or value ever becomes a label.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry, type Metric } from 'prom-client';
import type { OperationContext } from '../handler.ts';

/** A database connection pool as it stands (PostgreSQL's `pg` pool). */
export interface PoolStats {
  /** Clients open, busy or idle. */
  total: number;
  idle: number;
  /** Queries waiting for a client. */
  waiting: number;
}

export type Protocol = OperationContext['protocol'];

/** What one invocation is counted under. */
export interface InvocationLabels {
  api: string;
  version: string;
  operation: string;
  protocol: Protocol;
}

export interface ServerMetrics {
  registry: Registry;
  /** The text of `/metrics`: this server's metrics and the process's. */
  text(): Promise<string>;
  contentType: string;
  /** Records one finished invocation: `outcome` is `ok` or the error catalog's code. */
  observe(labels: InvocationLabels, outcome: string, seconds: number): void;
  /** A stream was opened (+1) or ended (-1). */
  streams(protocol: Protocol, delta: 1 | -1): void;
}

const labelNames = ['api', 'version', 'operation', 'protocol', 'outcome'] as const;

// The process's metrics (CPU, memory, event loop, GC) are collected once, whatever the number of
// servers in the process: each collector starts observers of its own that nothing stops.
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** Metrics of one server: invocations, durations, open streams, the database pool, the process. */
export function createMetrics(options: { pool?: () => PoolStats | undefined } = {}): ServerMetrics {
  const registry = new Registry();
  const process = processMetrics();
  // Counted in series of our own on the request path and handed to prom-client when scraped:
  // prom-client validates and hashes the labels again on every observation, which costs more
  // than the rest of the measuring together.
  const series = new Map<string, Series>();
  const seriesOf = new WeakMap<InvocationLabels, Map<string, Series>>();
  new Counter({
    name: 'trident_requests_total',
    help: 'Operation invocations, by API version, operation, protocol and outcome (ok or the error code).',
    labelNames,
    registers: [registry],
    collect() {
      for (const entry of series.values()) {
        this.inc(entry.labels, entry.count - entry.counted);
        entry.counted = entry.count;
      }
    },
  });
  registry.registerMetric(durationHistogram(series) as unknown as Metric);
  const openStreams = new Gauge({ name: 'trident_open_streams', help: 'Server streams (REST event streams, GraphQL subscriptions, gRPC server streams) open now.', labelNames: ['protocol'], registers: [registry] });
  for (const protocol of ['rest', 'graphql', 'grpc'] as const) openStreams.labels(protocol).set(0);
  const pool = options.pool;
  if (pool) {
    new Gauge({
      name: 'trident_db_pool_clients',
      help: 'Database pool clients by state: total (open), idle, and waiting (queries queued for a client).',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        const stats = pool();
        if (!stats) return;
        this.labels('total').set(stats.total);
        this.labels('idle').set(stats.idle);
        this.labels('waiting').set(stats.waiting);
      },
    });
  }
  return {
    registry,
    contentType: registry.contentType,
    // Two expositions with no metric name in common make one.
    text: async () => `${[await registry.metrics(), await process.metrics()].map((part) => part.trimEnd()).join('\n')}\n`,
    observe(labels, outcome, seconds) {
      // The labels of a call are one object per operation and protocol (./observe.ts), so the
      // series are found by it and the outcome without building a key.
      let byOutcome = seriesOf.get(labels);
      if (!byOutcome) seriesOf.set(labels, (byOutcome = new Map()));
      let entry = byOutcome.get(outcome);
      if (!entry) {
        const key = `${labels.api}\0${labels.version}\0${labels.operation}\0${labels.protocol}\0${outcome}`;
        entry = series.get(key);
        if (!entry) {
          entry = { labels: { ...labels, outcome }, buckets: new Array<number>(bounds.length).fill(0), sum: 0, count: 0, counted: 0 };
          series.set(key, entry);
        }
        byOutcome.set(outcome, entry);
      }
      entry.count += 1;
      entry.sum += seconds;
      const bucket = bounds.findIndex((bound) => seconds <= bound);
      if (bucket >= 0) entry.buckets[bucket]! += 1;
    },
    streams(protocol, delta) {
      openStreams.labels(protocol).inc(delta);
    },
  };
}

const bounds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** One label set's observations: counts per bucket (not cumulative), their sum and number. */
interface Series {
  labels: Record<(typeof labelNames)[number], string>;
  buckets: number[];
  sum: number;
  count: number;
  /** How many of `count` the counter has been given. */
  counted: number;
}

/**
 * `trident_request_duration_seconds` as prom-client's registry reads a metric (`get()`): cumulative
 * buckets up to `+Inf`, the sum and the count of each label set.
 */
interface Sample {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

function durationHistogram(series: Map<string, Series>): { name: string; help: string; type: string; aggregator: string; get(): { name: string; help: string; type: string; aggregator: string; values: Sample[] } } {
  const name = 'trident_request_duration_seconds';
  const help = 'Time from the start of an invocation to its result (for a stream, to the stream being handed out).';
  return {
    name,
    help,
    type: 'histogram',
    aggregator: 'sum',
    get() {
      const values: Sample[] = [];
      for (const entry of series.values()) {
        let cumulative = 0;
        for (const [index, bound] of bounds.entries()) {
          cumulative += entry.buckets[index]!;
          values.push({ metricName: `${name}_bucket`, labels: { le: bound, ...entry.labels }, value: cumulative });
        }
        values.push({ metricName: `${name}_bucket`, labels: { le: '+Inf', ...entry.labels }, value: entry.count });
        values.push({ metricName: `${name}_sum`, labels: entry.labels, value: entry.sum });
        values.push({ metricName: `${name}_count`, labels: entry.labels, value: entry.count });
      }
      return { name, help, type: 'histogram', aggregator: 'sum', values };
    },
  };
}
