import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConformance } from '../../src/conformance/run.ts';
import { consoleReport } from '../../src/conformance/report/console.ts';
import { junitReport } from '../../src/conformance/report/junit.ts';
import { openBench, startProxy, type Bench } from './bench.ts';

// An implementation that is not ours may refuse the seed data, or never answer at all: the run
// still checks what it can, says why it skips the rest, and ends.
let bench: Bench;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  bench = await openBench();
}, 120_000);

afterAll(async () => {
  for (const close of closers) await close();
  await bench?.close();
});

const listening = (server: Server | ReturnType<typeof createTcpServer>): Promise<number> =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));

describe('a run against an implementation that refuses or stalls', () => {
  it('seed data refused: the checks that need it are skipped with the reason, per operation; the others run', async () => {
    // The implementation has no study registration: POST /study/v2/studies answers 404 (the proxy hides what upstream did).
    const proxy = await startProxy({
      upstream: bench.real.httpUrl,
      rewrite: (exchange) =>
        exchange.method === 'POST' && exchange.path === '/study/v2/studies'
          ? { status: 404, headers: { 'content-type': 'application/problem+json' }, body: Buffer.from(JSON.stringify({ title: 'Not Found', status: 404, detail: 'no such route' })) }
          : undefined,
    });
    closers.push(proxy.close);
    const summary = await runConformance({ target: bench.target(proxy.url, bench.real.grpcAddress), seed: 3, runs: 3, apis: ['study/v2'], areas: ['rest', 'auth'] });
    const find = (subject: string, name: string) => summary.results.find((result) => result.subject === subject && result.name === name);
    const reason = 'needs a study: setup study/v2 registerStudy as clinic_uploader failed: http_404: no such route';
    expect(find('setup', 'seed data is created through the API')).toMatchObject({ status: 'fail', detail: expect.stringContaining('registerStudy as clinic_uploader failed: http_404') });
    expect(find('getStudy', 'a valid request is accepted and answered as documented')).toMatchObject({ status: 'skip', detail: reason });
    expect(find('getStudySubjectIdentity', 'no credentials answer 401 problem+json')).toMatchObject({ status: 'skip', detail: reason });
    // Listing needs no study of its own.
    expect(find('listStudies', 'a valid request is accepted and answered as documented')?.status).toBe('pass');
    expect(find('listStudies', 'no token: the same decision in every protocol')?.status).toBe('pass');
    // What the implementation refuses is its own failure, not a skip.
    expect(find('registerStudy', 'a valid request is accepted and answered as documented')?.status).toBe('fail');

    const printed = consoleReport(summary);
    expect(printed).toMatch(/^ {2}study\/v2\s+getStudy\s+\d+\s+\d+\s+[1-9]\d*$/m);
    expect(printed).toMatch(/^ {2}study\/v2\s+listStudies\s+[1-9]\d*\s+\d+\s+\d+$/m);
    expect(printed).toContain(`SKIP rest study/v2 getStudy: a valid request is accepted and answered as documented\n       ${reason}`);
    expect(junitReport(summary)).toContain(`<skipped message="${reason}"/>`);
  });

  it('a server that never answers: each check fails as timed out, the run goes on, ends, and says so as it goes', async () => {
    const sockets = new Set<Socket>();
    const silentHttp = createHttpServer(() => {});
    silentHttp.on('connection', (socket) => sockets.add(socket));
    const silentGrpc = createTcpServer((socket) => sockets.add(socket));
    const httpPort = await listening(silentHttp);
    const grpcPort = await listening(silentGrpc);
    closers.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silentHttp.close(resolve));
      await new Promise((resolve) => silentGrpc.close(resolve));
    });
    const progress: string[] = [];
    const started = performance.now();
    const summary = await runConformance({
      target: bench.target(`http://127.0.0.1:${httpPort}`, `127.0.0.1:${grpcPort}`),
      seed: 3,
      runs: 2,
      apis: ['study/v2'],
      areas: ['rest', 'grpc'],
      checkTimeoutMs: 300,
      onProgress: (line) => progress.push(line),
    });
    const elapsed = performance.now() - started;
    const timedOut = summary.results.filter((result) => result.status === 'fail' && result.detail === 'timed out after 300 ms');
    expect(summary.results.length).toBeGreaterThan(30);
    expect(timedOut.length).toBeGreaterThan(10);
    // No check outlives its limit by more than the time to notice.
    for (const result of summary.results) expect(result.ms, `${result.subject}: ${result.name}`).toBeLessThan(1300);
    expect(elapsed).toBeLessThan(summary.results.length * 300 + 10_000);
    const setup = summary.results.find((result) => result.subject === 'setup');
    expect(setup).toMatchObject({ status: 'fail', detail: expect.stringContaining('setup study/v2 registerStudy: timed out after 300 ms') });
    // A check that needs the study is skipped, not timed out again.
    expect(summary.results.find((result) => result.subject === 'getStudy' && result.name === 'a valid request is accepted and answered as documented')?.detail).toMatch(/^needs a study: setup study\/v2 registerStudy: timed out after 300 ms$/);
    expect(progress[0]).toMatch(/^seed data: could not create a study/);
    expect(progress).toContainEqual(expect.stringMatching(/^rest\s+study\/v2\s+\d+ passed, [1-9]\d* failed, \d+ skipped in [\d.]+ s$/));
    expect(progress).toContainEqual(expect.stringMatching(/^grpc\s+study\/v2\s+/));
    expect(progress).toContainEqual(expect.stringMatching(/^ {2}timed out after 300 ms: rest study\/v2 listStudies: /));
  }, 120_000);
});
