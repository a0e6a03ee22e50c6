import { createServer, type Server } from 'node:http';
import { credentials, makeGenericClientConstructor, Metadata, type Client, type ServiceError } from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import parsePrometheus from 'parse-prometheus-text-format';
import { afterAll, describe, expect, it } from 'vitest';
import { call, grpcClient } from './clients.ts';
import { postgresReason, usePostgresServer } from './postgres-cluster.ts';
import { killServer, scratchDataDir, startServerProcess, useServerBeside, type ServerProcess } from './server-process.ts';
import { startLocalS3 } from '../services/local-s3.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it gives `expected` (or the time is up); returns what it gave last. */
async function eventually<T>(probe: () => Promise<T>, expected: T, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let seen = await probe();
  while (seen !== expected && Date.now() < deadline) {
    await sleep(100);
    seen = await probe();
  }
  return seen;
}

/** The gRPC health status of `service` ('' for the server as a whole), or the error's code. */
async function grpcHealth(address: string, service = ''): Promise<string> {
  const Health = makeGenericClientConstructor(healthService as never, 'Health');
  const client = new Health(address, credentials.createInsecure()) as unknown as Client & { check(request: object, options: object, callback: (error: ServiceError | null, response: { status?: string }) => void): void };
  try {
    return await new Promise<string>((done) => client.check({ service }, { deadline: Date.now() + 5000 }, (error, response) => done(error ? `error ${error.code}` : String(response.status))));
  } finally {
    client.close();
  }
}

const readyz = async (server: ServerProcess) => call(`${server.httpUrl}/readyz`);

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  status?: { code?: number };
  attributes: Array<{ key: string; value: { stringValue?: string; intValue?: string | number } }>;
}

/** An OTLP/HTTP JSON receiver on loopback: what the server exports lands in `spans`, as sent. */
async function otlpReceiver(): Promise<{ url: string; spans: OtlpSpan[]; raw: string[]; close(): Promise<void> }> {
  const spans: OtlpSpan[] = [];
  const raw: string[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      raw.push(body);
      if (request.url === '/v1/traces') {
        const payload = JSON.parse(body) as { resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: OtlpSpan[] }> }> };
        for (const resource of payload.resourceSpans ?? []) for (const scope of resource.scopeSpans ?? []) spans.push(...(scope.spans ?? []));
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, spans, raw, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const attribute = (span: OtlpSpan, key: string) => {
  const value = span.attributes.find((entry) => entry.key === key)?.value;
  return value?.stringValue ?? (value?.intValue === undefined ? undefined : Number(value.intValue));
};

// The values of the fields the study contracts mark x-sensitive, made recognisable.
const identity = { issuer: 'urn:oid:2.999.7', patientId: 'PID-OPS-SENTINEL-4417', patientName: 'Opsname^Secretgiven', birthDate: '1969-04-05', sex: 'male', accessionNumber: 'ACC-OPS-5521' };
const markers = ['PID-OPS-SENTINEL-4417', 'Opsname', 'Secretgiven', '1969-04-05', 'ACC-OPS-5521'];

describe('a server with trace export to an OTLP receiver (PGlite)', () => {
  const started = useServerBeside(otlpReceiver, (receiver) => ({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100', OTEL_SERVICE_NAME: 'trident-ops-test' }));
  const server = () => started().server;
  const receiver = () => started().beside;

  it('answers /healthz and /readyz, and gRPC health says SERVING', async () => {
    const running = server();
    const health = await call(`${running.httpUrl}/healthz`);
    expect(health).toMatchObject({ status: 200, body: { status: 'alive' } });
    const ready = await readyz(running);
    expect(ready).toMatchObject({ status: 200, body: { status: 'ready', draining: false, checks: { database: 'ok', blobs: 'ok' } } });
    expect(await grpcHealth(running.grpcAddress)).toBe('SERVING');
    expect(await grpcHealth(running.grpcAddress, 'trident.study.v2.StudyService')).toBe('SERVING');
    expect(running.output()).toContain(`Health ${running.httpUrl}/healthz, readiness ${running.httpUrl}/readyz, metrics ${running.httpUrl}/metrics; traces exported (otlp).`);
    // No token needed, none looked at.
    expect((await call(`${running.httpUrl}/readyz`, { token: 'not-a-token' })).status).toBe(200);
  });

  it('counts each protocol\'s calls under bounded labels, and traces them under the caller\'s trace, without a sensitive value', async () => {
    const running = server();
    const token = running.tokens.org_admin!;
    const registered = await call(`${running.httpUrl}/study/v2/studies`, { method: 'POST', token, body: { studyInstanceUid: '2.25.5512093847561029384756102938', subjectIdentity: identity, description: 'ops' } });
    expect(registered.status).toBe(201);
    const studyId = registered.body.id as string;
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parents = { rest: '00f067aa0ba902b7', graphql: '00f067aa0ba902b8', grpc: '00f067aa0ba902b9' };
    const traceparent = (parent: string) => `00-${traceId}-${parent}-01`;

    const rest = await call(`${running.httpUrl}/study/v2/studies/${studyId}/subject-identity`, { token, headers: { traceparent: traceparent(parents.rest) } });
    expect(rest.body.patientId).toBe(identity.patientId);
    const graphql = await call(`${running.httpUrl}/study/v2/graphql`, {
      method: 'POST',
      token,
      headers: { traceparent: traceparent(parents.graphql) },
      body: { query: 'query($id: String!) { getStudySubjectIdentity(studyId: $id) { patientId patientName } }', variables: { id: studyId } },
    });
    expect(graphql.body.data).toMatchObject({ getStudySubjectIdentity: { patientId: identity.patientId } });
    const client = grpcClient(running.grpcAddress, 'trident.study.v2.StudyService');
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    metadata.set('traceparent', traceparent(parents.grpc));
    const grpc = await new Promise<Record<string, unknown>>((resolve, reject) => client.GetStudySubjectIdentity!({ study_id: studyId }, metadata, { deadline: Date.now() + 10_000 }, (error, response) => (error ? reject(error) : resolve(response))));
    client.close();
    expect((grpc.body as Record<string, unknown>).patient_id).toBe(identity.patientId);
    // A failure: an unknown study, over REST.
    expect((await call(`${running.httpUrl}/study/v2/studies/stu_00000000000000000000000000/subject-identity`, { token })).status).toBe(404);

    const metricsResponse = await fetch(`${running.httpUrl}/metrics`);
    expect(metricsResponse.headers.get('content-type')).toContain('text/plain');
    const text = await metricsResponse.text();
    const families = parsePrometheus(text);
    const family = (name: string) => families.find((candidate) => candidate.name === name);
    const requests = family('trident_requests_total');
    expect(requests?.type).toBe('COUNTER');
    const count = (labels: Record<string, string>) => Number(requests?.metrics.find((sample) => JSON.stringify(sample.labels) === JSON.stringify(labels))?.value ?? 0);
    for (const protocol of ['rest', 'graphql', 'grpc']) {
      expect(count({ api: 'study', version: 'v2', operation: 'getStudySubjectIdentity', protocol, outcome: 'ok' })).toBe(1);
    }
    expect(count({ api: 'study', version: 'v2', operation: 'getStudySubjectIdentity', protocol: 'rest', outcome: 'not_found' })).toBe(1);
    expect(count({ api: 'study', version: 'v2', operation: 'registerStudy', protocol: 'rest', outcome: 'ok' })).toBe(1);
    const durations = family('trident_request_duration_seconds');
    expect(durations?.type).toBe('HISTOGRAM');
    // The parser folds a labelled histogram's samples together, so its lines are read as they are.
    const histogramLabels = 'api="study",version="v2",operation="getStudySubjectIdentity",protocol="grpc",outcome="ok"';
    expect(text).toContain(`trident_request_duration_seconds_count{${histogramLabels}} 1\n`);
    expect(text).toContain(`trident_request_duration_seconds_bucket{le="+Inf",${histogramLabels}} 1\n`);
    expect(family('trident_open_streams')?.metrics.map((sample) => sample.labels?.protocol).sort()).toEqual(['graphql', 'grpc', 'rest']);
    expect(family('process_cpu_user_seconds_total')?.type).toBe('COUNTER');
    // PGlite is one connection, not a pool: no pool gauge.
    expect(family('trident_db_pool_clients')).toBeUndefined();
    // Labels come from the contracts: no study id, no path.
    expect(text).not.toContain(studyId);
    expect(text).not.toContain('/study/');

    const spansOf = () => receiver().spans.filter((span) => attribute(span, 'trident.operation') === 'getStudySubjectIdentity');
    const deadline = Date.now() + 15_000;
    while (spansOf().length < 4 && Date.now() < deadline) await sleep(100);
    const spans = spansOf();
    expect(spans).toHaveLength(4);
    for (const [protocol, parent] of Object.entries(parents)) {
      const span = spans.find((candidate) => attribute(candidate, 'trident.protocol') === protocol && candidate.parentSpanId === parent);
      expect(span, protocol).toBeDefined();
      expect(span!.traceId).toBe(traceId);
      expect(span!.name).toBe('study/v2 getStudySubjectIdentity');
      expect(attribute(span!, 'trident.outcome')).toBe('ok');
      expect(attribute(span!, 'trident.api')).toBe('study');
      expect(attribute(span!, 'trident.api.version')).toBe(2);
    }
    const failed = spans.find((span) => attribute(span, 'trident.outcome') === 'not_found');
    expect(failed?.traceId).not.toBe(traceId);
    expect(receiver().raw.join('\n')).toContain('trident-ops-test');
    for (const marker of markers) {
      expect(text).not.toContain(marker);
      expect(receiver().raw.join('\n')).not.toContain(marker);
    }
  }, 60_000);

  it('counts an open event stream while it is open', async () => {
    const running = server();
    const openStreams = async () => {
      const families = parsePrometheus(await (await fetch(`${running.httpUrl}/metrics`)).text());
      const sample = families.find((family) => family.name === 'trident_open_streams')?.metrics.find((candidate) => candidate.labels?.protocol === 'rest');
      return Number(sample?.value);
    };
    expect(await openStreams()).toBe(0);
    const aborter = new AbortController();
    const stream = await fetch(`${running.httpUrl}/review/v1/studies/${running.studyId}/events`, { headers: { authorization: `Bearer ${running.tokens.doctor}`, accept: 'text/event-stream' }, signal: aborter.signal });
    expect(stream.status).toBe(200);
    expect(await eventually(openStreams, 1, 5000)).toBe(1);
    aborter.abort();
    expect(await eventually(openStreams, 0, 5000)).toBe(0);
  }, 30_000);
});

describe('a server draining after SIGTERM, with TRIDENT_DRAIN_DELAY and a metrics token', () => {
  const data = scratchDataDir();
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await killServer(server);
    data.remove();
  });

  it('keeps /metrics behind the token', async () => {
    server = await startServerProcess(data.dir, { env: { TRIDENT_DRAIN_DELAY: '3', TRIDENT_METRICS_TOKEN: 'metrics-secret-1' } });
    const refused = await call(`${server.httpUrl}/metrics`);
    expect(refused).toMatchObject({ status: 401, body: { code: 'unauthenticated' } });
    expect((await call(`${server.httpUrl}/metrics`, { token: 'metrics-secret-2' })).status).toBe(401);
    const allowed = await fetch(`${server.httpUrl}/metrics`, { headers: { authorization: 'Bearer metrics-secret-1' } });
    expect(allowed.status).toBe(200);
    expect(parsePrometheus(await allowed.text()).some((family) => family.name === 'trident_requests_total')).toBe(true);
  }, 120_000);

  it('says not ready and NOT_SERVING at once, still serves during the delay, then exits 0', async () => {
    const running = server!;
    expect((await readyz(running)).status).toBe(200);
    running.child.kill('SIGTERM');
    const drained = await eventually(async () => (await readyz(running)).status, 503, 2000);
    expect(drained).toBe(503);
    const body = (await readyz(running)).body;
    expect(body).toMatchObject({ status: 'not_ready', draining: true });
    expect(body.reason).toContain('draining');
    expect(await grpcHealth(running.grpcAddress)).toBe('NOT_SERVING');
    expect(await grpcHealth(running.grpcAddress, 'trident.study.v2.StudyService')).toBe('NOT_SERVING');
    // Alive, and still answering calls until the delay is over.
    expect((await call(`${running.httpUrl}/healthz`)).status).toBe(200);
    expect((await call(`${running.httpUrl}/study/v2/studies/${running.studyId}`, { token: running.tokens.doctor! })).status).toBe(200);
    expect(await running.exited).toBe(0);
  }, 60_000);
});

if (postgresReason) console.warn(`PostgreSQL readiness tests skipped: ${postgresReason}`);

describe('readiness with the blob bucket stopped and started again', () => {
  const started = useServerBeside(() => startLocalS3('clinic-images'), (s3) => s3.env('imaging/'));

  it('goes not ready while the bucket does not answer, naming neither host nor bucket, and back when it returns', async () => {
    const { server: running, beside: s3 } = started();
    expect(running.output()).toMatch(/^Blobs: S3 bucket clinic-images, prefix imaging\/ at 127\.0\.0\.1:\d+\.$/m);
    // A server just started on a loaded machine may take its first probe past the probe's budget.
    expect(await eventually(async () => (await readyz(running)).status, 200, 10_000)).toBe(200);
    expect((await readyz(running)).body).toMatchObject({ status: 'ready', checks: { database: 'ok', blobs: 'ok' } });
    await s3.stop();
    expect(await eventually(async () => (await readyz(running)).status, 503, 5000)).toBe(503);
    const down = (await readyz(running)).body;
    expect(down).toMatchObject({ status: 'not_ready', checks: { database: 'ok', blobs: 'bucket not reachable' }, reason: 'blobs: bucket not reachable' });
    expect(JSON.stringify(down)).not.toMatch(new RegExp(`clinic-images|${new URL(s3.endpoint).port}`));
    await s3.start();
    expect(await eventually(async () => (await readyz(running)).status, 200, 5000)).toBe(200);
  });
});

describe.skipIf(postgresReason !== undefined)('readiness with PostgreSQL stopped and started again', () => {
  const postgres = usePostgresServer();

  it('goes not ready and NOT_SERVING while the database is down, and back when it returns; the pool is in the metrics', async () => {
    const { server: running, cluster } = postgres();
    expect(await eventually(async () => (await readyz(running)).status, 200, 10_000)).toBe(200);
    expect((await readyz(running)).body).toMatchObject({ status: 'ready', checks: { database: 'ok', blobs: 'ok' } });
    const families = parsePrometheus(await (await fetch(`${running.httpUrl}/metrics`)).text());
    const pool = families.find((family) => family.name === 'trident_db_pool_clients');
    expect(pool?.type).toBe('GAUGE');
    expect(pool?.metrics.map((sample) => sample.labels?.state).sort()).toEqual(['idle', 'total', 'waiting']);
    expect(Number(pool?.metrics.find((sample) => sample.labels?.state === 'total')?.value)).toBeGreaterThanOrEqual(1);

    await cluster.stop();
    expect(await eventually(async () => (await readyz(running)).status, 503, 5000)).toBe(503);
    const down = (await readyz(running)).body;
    expect(down).toMatchObject({ status: 'not_ready', draining: false, checks: { database: 'not reachable', blobs: 'ok' } });
    expect(down.reason).toBe('database: not reachable');
    // Nothing of where the database is.
    expect(JSON.stringify(down)).not.toContain(new URL(cluster.url).port);
    expect(await eventually(() => grpcHealth(running.grpcAddress), 'NOT_SERVING', 5000)).toBe('NOT_SERVING');
    expect(await grpcHealth(running.grpcAddress, 'trident.study.v2.StudyService')).toBe('NOT_SERVING');
    expect((await call(`${running.httpUrl}/healthz`)).status).toBe(200);

    await cluster.start();
    expect(await eventually(async () => (await readyz(running)).status, 200, 10_000)).toBe(200);
    expect(await eventually(() => grpcHealth(running.grpcAddress), 'SERVING', 5000)).toBe('SERVING');
    expect(await grpcHealth(running.grpcAddress, 'trident.study.v2.StudyService')).toBe('SERVING');
  }, 120_000);
});
