/**
 * The server's Prometheus metrics (prom-client), on a registry of its own. Labels come from the
 * contracts and the error catalog only (API name, major version, operation id, protocol, outcome),
 * so their number is bounded whatever the traffic; no path, id or value ever becomes a label.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
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
  const requests = new Counter({ name: 'trident_requests_total', help: 'Operation invocations, by API version, operation, protocol and outcome (ok or the error code).', labelNames, registers: [registry] });
  const durations = new Histogram({
    name: 'trident_request_duration_seconds',
    help: 'Time from the start of an invocation to its result (for a stream, to the stream being handed out).',
    labelNames,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
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
  // One pair of children per label set, looked up by a joined key instead of prom-client's hashing.
  const children = new Map<string, { count: Counter.Internal; time: Histogram.Internal<(typeof labelNames)[number]> }>();
  return {
    registry,
    contentType: registry.contentType,
    // Two expositions with no metric name in common make one.
    text: async () => `${[await registry.metrics(), await process.metrics()].map((part) => part.trimEnd()).join('\n')}\n`,
    observe(labels, outcome, seconds) {
      const key = `${labels.api}\0${labels.version}\0${labels.operation}\0${labels.protocol}\0${outcome}`;
      let child = children.get(key);
      if (!child) {
        const values = { ...labels, outcome };
        child = { count: requests.labels(values), time: durations.labels(values) };
        children.set(key, child);
      }
      child.count.inc();
      child.time.observe(seconds);
    },
    streams(protocol, delta) {
      openStreams.labels(protocol).inc(delta);
    },
  };
}
