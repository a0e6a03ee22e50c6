/**
 * What an operator or a load balancer asks the server, beside the APIs: `/healthz` (the process
 * answers), `/readyz` (its dependencies answer and it is not draining), `/metrics` (Prometheus),
 * and gRPC health following the same readiness.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { HealthImplementation } from 'grpc-health-check';
import { ApiError } from '../errors.ts';
import type { InvocationObserver } from '../operation.ts';
import { toProblem, type ProblemShape } from '../rest/errors.ts';
import { createMetrics, type PoolStats, type ServerMetrics } from './metrics.ts';
import { invocationObserver } from './observe.ts';
import { createReadiness, readinessBody, type Readiness, type ReadinessProbe } from './readiness.ts';

export type { PoolStats } from './metrics.ts';
export type { ReadinessCheck, ReadinessProbe } from './readiness.ts';

export interface OperationsOptions {
  /** The handler module's probe of its dependencies; without one, ready means not draining. */
  ready?: ReadinessProbe;
  /** The database pool, for the pool gauges. */
  pool?: () => PoolStats | undefined;
  /** `/metrics`: open (the default), behind a bearer token, or off. */
  metrics?: { enabled: boolean; token?: string };
  /** How often readiness is probed in the background, so gRPC health follows it (1000 ms). */
  pollMs?: number;
  /** How long a probe may take (1000 ms) and how long its result is reused (500 ms). */
  probeTimeoutMs?: number;
  probeCacheMs?: number;
}

export interface Operations {
  readiness: Readiness;
  metrics: ServerMetrics | undefined;
  observe: InvocationObserver;
  /** Adds the routes and makes gRPC health (overall and each of `grpcServices`) follow readiness. */
  register(http: FastifyInstance, health: HealthImplementation, grpcServices: readonly string[], problem: ProblemShape): void;
  /** Not ready from now on; stops the background probe. */
  drain(): void;
}

// Polled by load balancers: their lines would drown the request log.
const quiet = { logLevel: 'warn' } as const;

export function createOperations(options: OperationsOptions = {}): Operations {
  const readiness = createReadiness({ ...(options.ready ? { probe: options.ready } : {}), timeoutMs: options.probeTimeoutMs ?? 1000, cacheMs: options.probeCacheMs ?? 500 });
  const metricsOn = options.metrics?.enabled ?? true;
  const metrics = metricsOn ? createMetrics(options.pool ? { pool: options.pool } : {}) : undefined;
  let poll: NodeJS.Timeout | undefined;
  return {
    readiness,
    metrics,
    observe: invocationObserver(metrics),
    register(http, health, grpcServices, problemShape) {
      readiness.onChange((ready) => {
        for (const service of ['', ...grpcServices]) health.setStatus(service, ready ? 'SERVING' : 'NOT_SERVING');
      });
      http.get('/healthz', quiet, async (_request, reply) => reply.header('cache-control', 'no-store').send({ status: 'alive' }));
      http.get('/readyz', quiet, async (_request, reply) => {
        const state = await readiness.check();
        return reply.code(state.ready ? 200 : 503).header('cache-control', 'no-store').send(readinessBody(state));
      });
      if (metrics) {
        const expected = options.metrics?.token ? digest(`Bearer ${options.metrics.token}`) : undefined;
        http.get('/metrics', quiet, async (request, reply) => {
          if (expected && !timingSafeEqual(digest(request.headers.authorization ?? ''), expected)) {
            const problem = toProblem(new ApiError('unauthenticated', '/metrics needs the bearer token of TRIDENT_METRICS_TOKEN.'), request.url, problemShape);
            return reply.code(401).header('www-authenticate', 'Bearer').type('application/problem+json').send(JSON.stringify(problem));
          }
          return reply.header('cache-control', 'no-store').type(metrics.contentType).send(await metrics.text());
        });
      }
      if (options.ready) {
        poll = setInterval(() => void readiness.check(), options.pollMs ?? 1000);
        poll.unref();
      }
      void readiness.check();
    },
    drain() {
      clearInterval(poll);
      readiness.drain();
    },
  };
}

// Equal-length digests, so comparing them takes the same time whatever the given token.
const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
