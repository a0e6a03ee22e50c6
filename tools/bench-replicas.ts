/**
 * `npm run bench:replicas`: what Trident costs end to end on PostgreSQL. Study v2 `getStudy` and
 * `updateStudy` over REST, GraphQL and gRPC, through 1 and through 2 `trident serve` replicas
 * behind haproxy (tools/replicas), beside the hand-written baselines of `npm run bench` (Fastify,
 * graphql-yoga, grpc-js) as the same number of replica processes behind haproxy, calling the study
 * service itself on the same PostgreSQL server (tools/bench/replica-baseline.ts). Prints
 * requests/s, p50/p99, errors and the ratio Trident/baseline per row. Needs DATABASE_URL.
 *
 *   --duration <s>      seconds per figure (10), after a warm-up of up to 2 s
 *   --connections <n>   HTTP connections, and gRPC calls in flight (16)
 *   --rounds <n>        measure each row n times, the side going first alternating; figures are medians (1)
 *   --replicas 1,2      the replica counts to measure
 *   --rows <list>       only these rows: rest, graphql, grpc, getStudy, updateStudy or e.g. grpc:getStudy
 *   --direct            load the replica's own ports instead of haproxy's (with --replicas 1)
 *   --cpu-prof <dir>    every replica writes a V8 CPU profile into <dir>/Trident or <dir>/baseline
 *                       (BENCH_PROFILE_FLAGS='--heap-prof --heap-prof-dir' writes heap profiles instead)
 */
import { status, type ServiceError } from '@grpc/grpc-js';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { mintingTokens } from '../src/conformance/tokens.ts';
import { devSecret, tokenAudience, tokenIssuer } from '../src/runtime/auth.ts';
import { demoOrgId, demoUsers } from '../src/services/demo/seed.ts';
import { StudyVersions, type HeldStudy } from './bench/replica-studies.ts';
import { loadAverage, machine, median, medianResult, printTable } from './bench/report.ts';
import { grpcLoad, httpLoad, studyGrpcClient, type GrpcCalls, type HttpRequest, type LoadResult } from './bench/runtime-load.ts';
import { startReplicaSet, type ReplicaSet } from './replicas/index.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '1' },
    replicas: { type: 'string', default: '1,2' },
    rows: { type: 'string' },
    direct: { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
  },
});

function usage(message: string): never {
  process.stderr.write(`bench:replicas: ${message}\n`);
  process.exit(2);
}

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) usage('needs a PostgreSQL server in DATABASE_URL; with a throwaway one: tools/ci-postgres.sh run -- npm run bench:replicas');
const seconds = Number(values.duration);
const connections = Number(values.connections);
const replicaCounts = values.replicas.split(',').map(Number);
const rounds = Number(values.rounds);
if (!(seconds > 0 && seconds <= 600)) usage(`--duration must be seconds from 0 to 600, not ${values.duration}`);
if (!Number.isInteger(connections) || connections < 1 || connections > 256) usage(`--connections must be a whole number from 1 to 256, not ${values.connections}`);
if (replicaCounts.some((count) => !Number.isInteger(count) || count < 1 || count > 8)) usage(`--replicas must list replica counts from 1 to 8, e.g. 1,2; not ${values.replicas}`);
if (!Number.isInteger(rounds) || rounds < 1 || rounds > 20) usage(`--rounds must be a whole number from 1 to 20, not ${values.rounds}`);
if (values.direct && replicaCounts.some((count) => count !== 1)) usage('--direct loads one replica past haproxy: use it with --replicas 1');

const root = join(import.meta.dirname, '..');
const warmup = Math.min(seconds, 2);
let writeCount = 0;
const nextDescription = (): string => `Benchmark write ${(writeCount += 1)}`;
const studyFields = 'id orgId studyInstanceUid subject { pseudonymId issuer } description modalities { system code display } startedAt numberOfImages status reviewState createdAt updatedAt version';

type Protocol = 'REST' | 'GraphQL' | 'gRPC';
type Operation = 'getStudy' | 'updateStudy';
const protocols: Protocol[] = ['REST', 'GraphQL', 'gRPC'];
const operations: Operation[] = ['getStudy', 'updateStudy'];

/** `--rows rest,graphql:updateStudy`: rows whose protocol, operation or `protocol:operation` is listed. */
function selected(protocol: Protocol, operation: Operation): boolean {
  if (values.rows === undefined) return true;
  const wanted = values.rows.toLowerCase().split(',').map((term) => term.trim());
  return [protocol, operation, `${protocol}:${operation}`].some((name) => wanted.includes(name.toLowerCase()));
}
const scenarios = protocols.flatMap((protocol) => operations.filter((operation) => selected(protocol, operation)).map((operation) => ({ protocol, operation })));
if (scenarios.length === 0) usage(`--rows ${values.rows} selects nothing: name protocols (rest, graphql, grpc), operations (getStudy, updateStudy) or protocol:operation`);

/** One side under load: a replica set, where the load goes (haproxy, or with --direct the replica) and a gRPC client. */
interface Side {
  name: 'baseline' | 'Trident';
  set: ReplicaSet;
  url: string;
  grpc: ReturnType<typeof studyGrpcClient>;
}

/**
 * The CPU time (user and system) the processes have used so far, in ms, from /proc (Linux); with
 * `getconf CLK_TCK` at its usual 100. Undefined where /proc cannot be read.
 */
function cpuMs(pids: readonly (number | undefined)[]): number | undefined {
  try {
    return pids.reduce<number>((total, pid) => {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
      return total + (Number(fields[11]) + Number(fields[12])) * 10;
    }, 0);
  } catch {
    return undefined;
  }
}

interface Measured extends LoadResult {
  /** The replicas' CPU time per answered call, in µs (undefined without /proc). */
  cpuPerCall: number | undefined;
  /** updateStudy only: writes answered and versions PostgreSQL gained meanwhile, precondition failures. */
  written: number;
  committed: number;
  stale: number;
}

// GraphQL answers errors with 200, which autocannon counts as success: each answer is read, and
// errors other than a precondition failure (counted by StudyVersions) are counted here.
const graphqlErrors = { count: 0 };
/** The first failure of a run, named when a warm-up fails. */
const firstError: { text?: string | undefined } = {};
function graphqlAnswer(body: string, operation: Operation): number | 'stale' | 'failed' {
  const answer = JSON.parse(body) as { data?: Record<string, { version?: string } | null>; errors?: { extensions?: { code?: string } }[] };
  const version = answer.data?.[operation]?.version;
  if (answer.errors === undefined && version !== undefined) return Number(version);
  if (answer.errors?.[0]?.extensions?.code === 'PRECONDITION_FAILED') return 'stale';
  graphqlErrors.count += 1;
  firstError.text ??= body.slice(0, 300);
  return 'failed';
}

async function load(side: Side, protocol: Protocol, operation: Operation, studies: StudyVersions, token: string, duration: number): Promise<LoadResult> {
  const auth = { authorization: `Bearer ${token}` };
  const json = { ...auth, 'content-type': 'application/json' };
  const readId = studies.ids[0]!;
  const held = (context: Record<string, unknown>) => context.study as HeldStudy;
  const graphql = (body: object): HttpRequest => ({ method: 'POST', path: '/study/v2/graphql', headers: json, body: JSON.stringify(body) });
  if (protocol === 'gRPC') {
    const noted = (error: ServiceError | null) => {
      if (error && firstError.text === undefined) firstError.text = `${status[error.code] ?? error.code}: ${error.details}`;
    };
    const calls: GrpcCalls = operation === 'getStudy'
      ? { next: () => ({ study_id: readId }), answered: (_request: object, error: ServiceError | null) => noted(error) }
      : (() => {
          const inFlight = new Map<object, HeldStudy>();
          return {
            next: () => {
              const study = studies.take();
              const request = { study_id: study.id, if_match: `"${study.version}"`, body: { description: nextDescription() } };
              inFlight.set(request, study);
              return request;
            },
            answered: (request: object, error: ServiceError | null, response: unknown) => {
              const study = inFlight.get(request)!;
              inFlight.delete(request);
              noted(error);
              const version = (response as { body?: { version?: string } } | undefined)?.body?.version;
              studies.give(study, error ? (error.code === status.FAILED_PRECONDITION ? 'stale' : 'failed') : Number(version));
            },
          };
        })();
    return grpcLoad(side.grpc, operation === 'getStudy' ? 'GetStudy' : 'UpdateStudy', calls, token, { concurrency: connections, seconds: duration });
  }
  let request: HttpRequest;
  if (protocol === 'REST' && operation === 'getStudy') {
    request = { method: 'GET', path: `/study/v2/studies/${readId}`, headers: auth, onResponse: (code, body) => void (code === 200 || (firstError.text ??= `${code} ${body.slice(0, 300)}`)) };
  }
  else if (protocol === 'GraphQL' && operation === 'getStudy') request = { ...graphql({ query: `query($id: String!) { getStudy(studyId: $id) { ${studyFields} } }`, variables: { id: readId } }), onResponse: (_status, body) => void graphqlAnswer(body, 'getStudy') };
  else if (protocol === 'REST') {
    request = {
      method: 'PATCH',
      path: '/study/v2/studies',
      headers: json,
      setupRequest: (spec, context) => {
        const study = (context.study = studies.take());
        return { ...spec, path: `/study/v2/studies/${study.id}`, headers: { ...json, 'if-match': `"${study.version}"` }, body: JSON.stringify({ description: nextDescription() }) };
      },
      onResponse: (code, body, context) => {
        if (code !== 200 && code !== 412) firstError.text ??= `${code} ${body.slice(0, 300)}`;
        studies.give(held(context), code === 200 ? Number((JSON.parse(body) as { version?: number }).version) : code === 412 ? 'stale' : 'failed');
      },
    };
  } else {
    const mutation = `mutation($id: String!, $ifMatch: String!, $input: StudyUpdateInput!) { updateStudy(studyId: $id, ifMatch: $ifMatch, input: $input) { ${studyFields} } }`;
    request = {
      ...graphql({}),
      setupRequest: (spec, context) => {
        const study = (context.study = studies.take());
        return { ...spec, body: JSON.stringify({ query: mutation, variables: { id: study.id, ifMatch: `"${study.version}"`, input: { description: nextDescription() } } }) };
      },
      onResponse: (_code, body, context) => studies.give(held(context), graphqlAnswer(body, 'updateStudy')),
    };
  }
  return httpLoad(side.url, [request], { connections, seconds: duration });
}

/**
 * A warm-up, then the measured run. A side that answers none of the warm-up's calls stops the
 * benchmark (a broken server must not pass for a fast one); failures of a run are counted in its
 * row, and the first is named on standard error.
 */
async function measure(side: Side, protocol: Protocol, operation: Operation, studies: StudyVersions, token: string): Promise<Measured> {
  const failures = (result: LoadResult) => result.errors + graphqlErrors.count + studies.wrong + (protocol === 'GraphQL' ? studies.stale : 0);
  const say = (what: string, result: LoadResult) => `${side.name} ${protocol} ${operation} ${what}: ${result.requests} answered, ${failures(result)} failed (${studies.stale} precondition failures); first error: ${firstError.text ?? 'none recorded'}`;
  await studies.refresh();
  graphqlErrors.count = 0;
  firstError.text = undefined;
  const first = await load(side, protocol, operation, studies, token, warmup);
  if (first.requests <= failures(first)) throw new Error(say('failed during the warm-up', first));
  if (failures(first) > 0) process.stderr.write(`  ${say('had failures during the warm-up', first)}\n`);
  await studies.refresh();
  graphqlErrors.count = 0;
  firstError.text = undefined;
  const pids = side.set.state.replicas.map((replica) => replica.pid);
  const cpuBefore = cpuMs(pids);
  const result = await load(side, protocol, operation, studies, token, seconds);
  const cpuAfter = cpuMs(pids);
  const cpuPerCall = cpuBefore === undefined || cpuAfter === undefined || result.requests === 0 ? undefined : ((cpuAfter - cpuBefore) * 1000) / result.requests;
  const committed = operation === 'updateStudy' ? await studies.committed() : 0;
  if (failures(result) > 0) process.stderr.write(`  ${say('had failures', result)}\n`);
  // REST and gRPC count a precondition failure among their errors already; GraphQL answers it with 200.
  return { ...result, cpuPerCall, errors: failures(result), written: studies.written, committed, stale: studies.stale };
}

async function startSide(name: Side['name'], replicas: number): Promise<Side> {
  // --cpu-prof <dir>: every replica writes a V8 CPU profile there when it stops.
  const profile = values['cpu-prof'] === undefined ? {} : { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} ${process.env.BENCH_PROFILE_FLAGS ?? '--cpu-prof --cpu-prof-dir'}=${resolve(values['cpu-prof'], name)}`.trim() };
  const set = await startReplicaSet({ replicas, env: { ...process.env, ...profile }, ...(name === 'baseline' ? { entry: 'tools/bench/replica-baseline.ts' } : {}) });
  const url = values.direct ? set.replicaUrl(0) : set.url;
  return { name, set, url, grpc: studyGrpcClient(root, values.direct ? set.replicaGrpcAddress(0) : set.grpcAddress) };
}

/** Stops a side; after a failure its folder (logs, haproxy's configuration) is kept and named. */
async function stopSide(side: Side | undefined, failed: boolean): Promise<void> {
  if (side === undefined) return;
  side.grpc.close();
  await side.set.stop({ keep: failed });
  if (failed) process.stderr.write(`bench:replicas: ${side.name} replicas' logs kept in ${side.set.state.dir}\n`);
}

const fixed = (value: number, digits = 2): string => value.toFixed(digits);
const micros = (value: number | undefined): string => (value === undefined ? '-' : fixed(value, 0));

async function main(): Promise<void> {
  console.log(`Machine: ${machine()}`);
  console.log('Not pinned: the load generator (this process), haproxy, PostgreSQL and the replicas share every core, so a row measures the whole machine.');
  console.log(`Each figure: ${connections} connections ${values.direct ? 'to the replica itself, past haproxy' : 'through haproxy'} (gRPC: ${connections} calls in flight on one h2c channel) for ${seconds} s, after a ${warmup} s warm-up; ${rounds} round(s), median; the side that goes first alternates.`);
  console.log(`Study v2 on PostgreSQL: Trident = trident serve replicas (dev mode); baseline = Fastify, graphql-yoga and grpc-js replicas calling the same study service. updateStudy: each call sends If-Match with the current ETag of a study no other call holds (${connections * 2} studies).`);
  const token = await mintingTokens({ secret: devSecret, orgId: demoOrgId, users: { clinic_uploader: demoUsers.clinic_uploader.id }, issuer: tokenIssuer, audience: tokenAudience, lifetimeSeconds: 6 * 3600 }).token('valid', 'clinic_uploader');
  if (typeof token !== 'string') throw new Error(token.skipped);
  const rows: string[][] = [];
  const writes: string[] = [];
  let worst = Infinity;
  let studies: StudyVersions | undefined;
  for (const [index, replicas] of replicaCounts.entries()) {
    let trident: Side | undefined;
    let baseline: Side | undefined;
    let failed = true;
    try {
      // Trident first: its first start migrates the database and seeds the demo organisation.
      trident = await startSide('Trident', replicas);
      baseline = await startSide('baseline', replicas);
      studies ??= await StudyVersions.open(databaseUrl!, trident.set.url, token, demoOrgId, connections * 2);
      for (const [row, { protocol, operation }] of scenarios.entries()) {
        const results: Record<Side['name'], Measured[]> = { baseline: [], Trident: [] };
        for (let round = 0; round < rounds; round += 1) {
          const order = (index + row + round) % 2 === 0 ? [baseline, trident] : [trident, baseline];
          for (const side of order) results[side.name].push(await measure(side, protocol, operation, studies, token));
        }
        const sum = (list: Measured[], key: 'written' | 'committed' | 'stale') => list.reduce((total, result) => total + result[key], 0);
        const cpu = (list: Measured[]) => (list.every((result) => result.cpuPerCall !== undefined) ? median(list.map((result) => result.cpuPerCall!)) : undefined);
        const combine = (list: Measured[]): Measured => ({ ...medianResult(list), cpuPerCall: cpu(list), written: sum(list, 'written'), committed: sum(list, 'committed'), stale: sum(list, 'stale') });
        const base = combine(results.baseline);
        const ours = combine(results.Trident);
        const ratio = base.rps > 0 ? ours.rps / base.rps : 0;
        worst = Math.min(worst, ratio);
        rows.push([String(replicas), protocol, operation, fixed(base.rps, 0), fixed(ours.rps, 0), `${fixed(ratio)}x`, `${fixed(base.p50)} / ${fixed(base.p99)}`, `${fixed(ours.p50)} / ${fixed(ours.p99)}`, `${base.errors} / ${ours.errors}`, operation === 'updateStudy' ? `${base.stale} / ${ours.stale}` : '-', `${micros(base.cpuPerCall)} / ${micros(ours.cpuPerCall)}`]);
        if (operation === 'updateStudy') writes.push(`${replicas} x ${protocol}: baseline ${base.written} writes answered, ${base.committed} versions gained; Trident ${ours.written} answered, ${ours.committed} gained`);
        process.stderr.write(`  measured ${replicas} replica(s) ${protocol} ${operation}: ${fixed(ratio)}x\n`);
      }
      failed = false;
    } finally {
      await stopSide(trident, failed);
      await stopSide(baseline, failed);
    }
  }
  await studies?.close();
  printTable(['replicas', 'protocol', 'operation', 'baseline req/s', 'Trident req/s', 'ratio', 'baseline p50 / p99 ms', 'Trident p50 / p99 ms', 'errors b / T', 'stale If-Match b / T', 'replica CPU µs/call b / T'], rows);
  if (writes.length > 0) console.log(`Writes (answered with the version moved by one; PostgreSQL's count also holds calls cut off at the end of a run):\n  ${writes.join('\n  ')}`);
  console.log(`Lowest ratio: ${fixed(worst)}x (goal: Trident at least 0.90x of the baseline in every row). Load average after: ${loadAverage()}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:replicas: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
