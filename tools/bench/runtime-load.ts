import { credentials, loadPackageDefinition, Metadata, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { join } from 'node:path';
import autocannon, { type RequestSpec } from 'autocannon';

/** One measurement: completed calls per second, latency percentiles in ms, and failures. */
export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Called before each send on a connection: may change the request (autocannon's `setupRequest`). */
  setupRequest?: (request: RequestSpec, context: Record<string, unknown>) => RequestSpec;
  /** Called with each answer, with the context its `setupRequest` saw (autocannon's `onResponse`). */
  onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
}

/** HTTP load with autocannon: `connections` keep-alive connections for `seconds`, or at `rate` per second. */
export async function httpLoad(url: string, requests: HttpRequest[], options: { connections: number; seconds: number; rate?: number }): Promise<LoadResult> {
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.seconds,
    ...(options.rate === undefined ? {} : { overallRate: options.rate }),
    requests: requests.map(({ method, path, headers, body, setupRequest, onResponse }) => ({ method, path, headers, ...(body === undefined ? {} : { body }), ...(setupRequest ? { setupRequest } : {}), ...(onResponse ? { onResponse } : {}) })),
  });
  const seconds = result.duration > 0 ? result.duration : options.seconds;
  return { rps: result.requests.total / seconds, p50: result.latency.p50, p99: result.latency.p99, requests: result.requests.total, errors: result.errors + result.timeouts + result.non2xx };
}

type UnaryMethod = (request: object, metadata: Metadata, options: { deadline: number }, callback: (error: ServiceError | null, response?: unknown) => void) => void;

/** What a gRPC load sends: one fixed request, or one made per call and told its answer. */
export type GrpcCalls = object | { next(): object; answered(request: object, error: ServiceError | null, response: unknown): void };

/** A grpc-js client of study v2 on the generated proto, as any service written against it would use. */
export function studyGrpcClient(root: string, address: string): Client & Record<string, UnaryMethod> {
  const definition = loadSync('trident/study/v2/study.proto', { keepCase: true, longs: String, enums: String, defaults: false, oneofs: true, includeDirs: [join(root, 'generated/proto')] });
  const Service = (loadPackageDefinition(definition) as unknown as { trident: { study: { v2: { StudyService: new (address: string, creds: unknown) => Client } } } }).trident.study.v2.StudyService;
  return new Service(address, credentials.createInsecure()) as Client & Record<string, UnaryMethod>;
}

/**
 * gRPC load: `concurrency` calls in flight on one channel for `seconds` (never more than
 * `maxCalls`), or spaced to `rate` per second. Latency is measured per call.
 */
export async function grpcLoad(client: Record<string, UnaryMethod>, method: string, calls: GrpcCalls, token: string, options: { concurrency: number; seconds: number; rate?: number; maxCalls?: number }): Promise<LoadResult> {
  const call = client[method];
  if (!call) throw new Error(`no method ${method}`);
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  const latencies: number[] = [];
  let errors = 0;
  let issued = 0;
  const maxCalls = options.maxCalls ?? 10_000_000;
  const started = performance.now();
  const end = started + options.seconds * 1000;
  const worker = async (): Promise<void> => {
    while (performance.now() < end && issued < maxCalls) {
      if (options.rate !== undefined) {
        const slot = started + (issued * 1000) / options.rate;
        issued += 1;
        const wait = slot - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        if (performance.now() >= end) break;
      } else {
        issued += 1;
      }
      const request = 'next' in calls && typeof calls.next === 'function' ? calls.next() : calls;
      const begin = performance.now();
      await new Promise<void>((resolve) =>
        call.call(client, request, metadata, { deadline: Date.now() + 10_000 }, (error, response) => {
          if (error) errors += 1;
          if ('answered' in calls && typeof calls.answered === 'function') calls.answered(request, error, response);
          resolve();
        }),
      );
      latencies.push(performance.now() - begin);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (fraction: number): number => latencies[Math.min(latencies.length - 1, Math.floor(fraction * latencies.length))] ?? 0;
  return { rps: latencies.length / elapsed, p50: at(0.5), p99: at(0.99), requests: latencies.length, errors };
}
