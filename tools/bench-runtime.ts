import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { randomBytes, createSecretKey } from 'node:crypto';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import { tokenAudience, tokenIssuer } from '../src/runtime/auth.ts';
import { benchOrgId, benchStudyId } from './bench/runtime-handlers.ts';
import { loadAverage, machine, medianResult, printTable } from './bench/report.ts';
import { grpcLoad, httpLoad, studyGrpcClient, type HttpRequest, type LoadResult } from './bench/runtime-load.ts';

/**
 * `npm run bench`: the cost of Trident in front of a handler. A Trident server and hand-written
 * baselines on the bare frameworks (Fastify, graphql-yoga, grpc-js) run in two child processes
 * over the same in-memory handler; this process loads each in turn (autocannon for HTTP, a bounded
 * grpc-js loop for gRPC) and prints throughput, p50/p99 and the ratio. `--sustained <s>` instead
 * holds mixed traffic on Trident for that long and compares its memory with after warm-up.
 */
const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '1' },
    sustained: { type: 'string' },
    warmup: { type: 'string' },
  },
});
const root = join(import.meta.dirname, '..');
const seconds = Number(values.duration);
const connections = Number(values.connections);
const rounds = Math.max(1, Number(values.rounds));
const secret = randomBytes(32).toString('hex');

interface Started {
  child: ChildProcess;
  httpUrl: string;
  grpcAddress: string;
}

/**
 * On a machine with two or more cores the servers run on the last core and this process (the load
 * generator) on the others, so that the two do not take turns on one core as the scheduler
 * pleases; that turn-taking made the same row move by tens of per cent from run to run.
 */
const pinning = cpus().length >= 2 ? { server: String(cpus().length - 1), load: cpus().length === 2 ? '0' : `0-${cpus().length - 2}` } : undefined;
let pinned = false;
function pin(pid: number | undefined, cores: string): boolean {
  if (pid === undefined) return false;
  try {
    execFileSync('taskset', ['-a', '-p', '-c', cores, String(pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
if (pinning) pinned = pin(process.pid, pinning.load);

function startServer(kind: 'trident' | 'baseline'): Promise<Started> {
  const child = fork(join(import.meta.dirname, 'bench/runtime-server.ts'), [kind], {
    execArgv: ['--expose-gc'],
    env: { ...process.env, BENCH_JWT_SECRET: secret },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  if (pinning && pinned) pinned = pin(child.pid, pinning.server);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${kind} server did not start in 120 s`)), 120_000);
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
    child.on('message', (message: { type?: string; httpUrl?: string; grpcAddress?: string }) => {
      if (message.type !== 'ready') return;
      clearTimeout(timer);
      resolve({ child, httpUrl: message.httpUrl ?? '', grpcAddress: message.grpcAddress ?? '' });
    });
  });
}

function residentMemory(server: Started): Promise<number> {
  return new Promise((resolve) => {
    const onMessage = (message: { type?: string; rss?: number }) => {
      if (message.type !== 'memory') return;
      server.child.off('message', onMessage);
      resolve(message.rss ?? 0);
    };
    server.child.on('message', onMessage);
    server.child.send({ type: 'memory' });
  });
}

function stopServer(server: Started): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.child.kill('SIGKILL'), 10_000);
    server.child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    server.child.send({ type: 'stop' });
  });
}

const token = await new SignJWT({ org: benchOrgId, roles: ['org_admin'] })
  .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
  .setSubject('usr_01HZBENCH000000000000000')
  .setIssuer(tokenIssuer)
  .setAudience(tokenAudience)
  .setIssuedAt()
  .setExpirationTime('2h')
  .sign(createSecretKey(Buffer.from(secret)));
const auth = { authorization: `Bearer ${token}` };
const json = { ...auth, 'content-type': 'application/json' };
const studyFields = 'id orgId studyInstanceUid subject { pseudonymId issuer } description modalities { system code display } startedAt numberOfImages status reviewState createdAt updatedAt version';

type Protocol = 'REST' | 'GraphQL' | 'gRPC';
interface Scenario {
  protocol: Protocol;
  operation: 'getStudy' | 'updateStudy';
  http?: HttpRequest;
  grpc?: { method: string; request: object };
}

const scenarios: Scenario[] = [
  { protocol: 'REST', operation: 'getStudy', http: { method: 'GET', path: `/study/v2/studies/${benchStudyId}`, headers: auth } },
  { protocol: 'REST', operation: 'updateStudy', http: { method: 'PATCH', path: `/study/v2/studies/${benchStudyId}`, headers: { ...json, 'if-match': '*' }, body: JSON.stringify({ description: 'Benchmark study, updated' }) } },
  { protocol: 'GraphQL', operation: 'getStudy', http: { method: 'POST', path: '/study/v2/graphql', headers: json, body: JSON.stringify({ query: `query($id: String!) { getStudy(studyId: $id) { ${studyFields} } }`, variables: { id: benchStudyId } }) } },
  {
    protocol: 'GraphQL',
    operation: 'updateStudy',
    http: { method: 'POST', path: '/study/v2/graphql', headers: json, body: JSON.stringify({ query: `mutation($id: String!, $input: StudyUpdateInput!) { updateStudy(studyId: $id, ifMatch: "*", input: $input) { ${studyFields} } }`, variables: { id: benchStudyId, input: { description: 'Benchmark study, updated' } } }) },
  },
  { protocol: 'gRPC', operation: 'getStudy', grpc: { method: 'GetStudy', request: { study_id: benchStudyId } } },
  { protocol: 'gRPC', operation: 'updateStudy', grpc: { method: 'UpdateStudy', request: { study_id: benchStudyId, if_match: '*', body: { description: 'Benchmark study, updated' } } } },
];

type Clients = Record<string, ReturnType<typeof studyGrpcClient>>;

async function measure(server: Started, clients: Clients, scenario: Scenario, duration: number): Promise<LoadResult> {
  if (scenario.http) return httpLoad(server.httpUrl, [scenario.http], { connections, seconds: duration });
  const grpc = scenario.grpc!;
  return grpcLoad(clients[server.grpcAddress]!, grpc.method, grpc.request, token, { concurrency: connections, seconds: duration });
}

// One call per scenario before measuring, so a broken server cannot pass for a fast one.
async function checkAnswers(server: Started, clients: Clients, name: string): Promise<void> {
  for (const scenario of scenarios) {
    if (scenario.http) {
      const response = await fetch(server.httpUrl + scenario.http.path, { method: scenario.http.method, headers: scenario.http.headers, ...(scenario.http.body === undefined ? {} : { body: scenario.http.body }) });
      const body = (await response.json()) as { id?: string; errors?: unknown; data?: Record<string, { id?: string }> };
      const id = scenario.protocol === 'GraphQL' ? body.data?.[scenario.operation]?.id : body.id;
      if (response.status !== 200 || id !== benchStudyId) throw new Error(`${name} ${scenario.protocol} ${scenario.operation} answered ${response.status} ${JSON.stringify(body).slice(0, 300)}`);
    } else {
      const result = await grpcLoad(clients[server.grpcAddress]!, scenario.grpc!.method, scenario.grpc!.request, token, { concurrency: 1, seconds: 5, maxCalls: 1 });
      if (result.errors > 0 || result.requests !== 1) throw new Error(`${name} gRPC ${scenario.operation} failed`);
    }
  }
}

const fixed = (value: number, digits = 2): string => value.toFixed(digits);
const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function overhead(): Promise<void> {
  console.log(`Machine: ${machine()}`);
  console.log(pinned && pinning ? `Pinned (taskset): servers on core ${pinning.server}, load generator on core ${pinning.load}.` : 'Not pinned to cores (taskset unavailable or one core).');
  console.log(`Each figure: ${connections} connections (gRPC: ${connections} calls in flight on one channel) for ${seconds} s, after a ${Math.min(seconds, 2)} s warm-up; ${rounds} round(s), median.`);
  const [baseline, trident] = await Promise.all([startServer('baseline'), startServer('trident')]);
  const clients: Clients = { [baseline.grpcAddress]: studyGrpcClient(root, baseline.grpcAddress), [trident.grpcAddress]: studyGrpcClient(root, trident.grpcAddress) };
  try {
    await checkAnswers(baseline, clients, 'baseline');
    await checkAnswers(trident, clients, 'Trident');
    const rows: string[][] = [];
    let worst = Infinity;
    for (const scenario of scenarios) {
      const results: Record<'baseline' | 'trident', LoadResult[]> = { baseline: [], trident: [] };
      for (let round = 0; round < rounds; round += 1) {
        // Alternate which goes first, so a change in the machine's load does not favour one side.
        const order = round % 2 === 0 ? (['baseline', 'trident'] as const) : (['trident', 'baseline'] as const);
        for (const side of order) {
          const server = side === 'baseline' ? baseline : trident;
          await measure(server, clients, scenario, Math.min(seconds, 2));
          results[side].push(await measure(server, clients, scenario, seconds));
        }
      }
      const base = medianResult(results.baseline);
      const ours = medianResult(results.trident);
      const ratio = base.rps > 0 ? ours.rps / base.rps : 0;
      worst = Math.min(worst, ratio);
      rows.push([scenario.protocol, scenario.operation, fixed(base.rps, 0), fixed(ours.rps, 0), `${fixed(ratio)}x`, `${fixed(base.p50)} / ${fixed(base.p99)}`, `${fixed(ours.p50)} / ${fixed(ours.p99)}`, String(base.errors + ours.errors)]);
      console.error(`  measured ${scenario.protocol} ${scenario.operation}: ${fixed(ratio)}x`);
    }
    printTable(['protocol', 'operation', 'baseline req/s', 'Trident req/s', 'ratio', 'baseline p50 / p99 ms', 'Trident p50 / p99 ms', 'errors'], rows);
    console.log(`Lowest ratio: ${fixed(worst)}x (goal: at least 0.90x in every protocol). Load average after: ${loadAverage()}`);
  } finally {
    for (const client of Object.values(clients)) client.close();
    await Promise.all([stopServer(baseline), stopServer(trident)]);
  }
}

async function sustained(duration: number): Promise<void> {
  const warmup = Number(values.warmup ?? 10);
  console.log(`Machine: ${machine()}`);
  const trident = await startServer('trident');
  const client = studyGrpcClient(root, trident.grpcAddress);
  const restMix = [scenarios[0]!.http!, scenarios[1]!.http!];
  const graphqlMix = [scenarios[2]!.http!, scenarios[3]!.http!];
  const perProtocol = Math.max(1, Math.floor(connections / 3));
  const mixed = (seconds: number, rates?: { rest: number; graphql: number; grpc: number }) =>
    Promise.all([
      httpLoad(trident.httpUrl, restMix, { connections: perProtocol, seconds, ...(rates ? { rate: rates.rest } : {}) }),
      httpLoad(trident.httpUrl, graphqlMix, { connections: perProtocol, seconds, ...(rates ? { rate: rates.graphql } : {}) }),
      grpcLoad(client, 'GetStudy', scenarios[4]!.grpc!.request, token, { concurrency: perProtocol, seconds, ...(rates ? { rate: rates.grpc } : {}) }),
    ]);
  try {
    await checkAnswers(trident, { [trident.grpcAddress]: client }, 'Trident');
    const [rest, graphql, grpc] = await mixed(warmup);
    const before = await residentMemory(trident);
    // The rate the machine holds: three quarters of what the warm-up reached at full speed.
    const rates = { rest: Math.max(1, Math.floor(rest.rps * 0.75)), graphql: Math.max(1, Math.floor(graphql.rps * 0.75)), grpc: Math.max(1, Math.floor(grpc.rps * 0.75)) };
    console.log(`Warm-up ${warmup} s at full speed: REST ${fixed(rest.rps, 0)}/s, GraphQL ${fixed(graphql.rps, 0)}/s, gRPC ${fixed(grpc.rps, 0)}/s; resident memory after it ${megabytes(before)}.`);
    console.log(`Holding REST ${rates.rest}/s, GraphQL ${rates.graphql}/s, gRPC ${rates.grpc}/s (reads and writes mixed over HTTP) for ${duration} s.`);
    const results = await mixed(duration, rates);
    const after = await residentMemory(trident);
    const rows = (['REST', 'GraphQL', 'gRPC'] as const).map((protocol, index) => {
      const result = results[index]!;
      return [protocol, String(result.requests), fixed(result.rps, 0), `${fixed(result.p50)} / ${fixed(result.p99)}`, String(result.errors)];
    });
    printTable(['protocol', 'requests', 'req/s', 'p50 / p99 ms', 'errors'], rows);
    const errors = results.reduce((sum, result) => sum + result.errors, 0);
    const growth = (after - before) / before;
    console.log(`Errors: ${errors}. Resident memory: ${megabytes(before)} after warm-up, ${megabytes(after)} at the end (${growth >= 0 ? '+' : ''}${fixed(growth * 100, 1)}%; goal within 10%).`);
    if (errors > 0 || Math.abs(growth) > 0.1) process.exitCode = 1;
  } finally {
    client.close();
    await stopServer(trident);
  }
}

if (values.sustained !== undefined) await sustained(Number(values.sustained));
else await overhead();
