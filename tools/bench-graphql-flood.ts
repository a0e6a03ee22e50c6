/**
 * `npm run bench:flood`: how long an unrelated request waits while GraphQL alias floods run.
 * Starts `trident serve` (PGlite in a scratch directory, or the PostgreSQL server of
 * `DATABASE_URL`), then times a REST GET of the demo study every 50 ms: first alone, then while
 * four clients each send, over and over, a 27 kB query of 450 aliases of `getStudy` (each one made
 * new by a numbered comment), and then while they send the largest such query the limits accept. Prints p50, p99 and max of the REST GET, and
 * how the server answered the floods. Every phase is bounded in time (`--duration`, seconds).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultQueryLimits } from '../src/runtime/graphql/limits.ts';
import { machine } from './bench/report.ts';

const { values } = parseArgs({ options: { duration: { type: 'string', default: '10' }, clients: { type: 'string', default: '4' } } });
const seconds = Number(values.duration);
const clients = Number(values.clients);
const root = join(import.meta.dirname, '..');

interface Server {
  httpUrl: string;
  token: string;
  studyId: string;
  stop(): Promise<void>;
}

async function startServer(dataDir: string): Promise<Server> {
  const child = spawn(join(root, 'node_modules/.bin/node'), ['tools/trident.ts', 'serve'], {
    cwd: root,
    env: { ...process.env, PORT: '0', GRPC_PORT: '0', TRIDENT_DATA_DIR: dataDir, DATABASE_URL: process.env.DATABASE_URL ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 120_000;
  while (!output.includes('Try:') && Date.now() < deadline && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 100));
  const httpUrl = /REST\s+(http:\/\/127\.0\.0\.1:\d+)\//.exec(output)?.[1];
  const token = /^ {2}doctor\s+(eyJ[\w.-]+)$/m.exec(output)?.[1];
  const studyId = /Demo study: (stu_\w+)/.exec(output)?.[1];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (!httpUrl || !token || !studyId) {
    child.kill('SIGKILL');
    throw new Error(`the server did not start:\n${output}`);
  }
  return {
    httpUrl,
    token,
    studyId,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A query of `aliases` aliases of getStudy, padded with whitespace to `bytes` when it is shorter. */
function aliasFlood(studyId: string, aliases: number, bytes: number): string {
  const fields = Array.from({ length: aliases }, (_, index) => `s${index}: getStudy(studyId: "${studyId}") { id }`).join(' ');
  const query = `query { ${fields} }`;
  return query.length < bytes ? query.replace('query {', `query {${' '.repeat(bytes - query.length)}`) : query;
}

interface Flood {
  answers: Map<string, number>;
  firstRefusal: string | undefined;
}

/** `clients` loops sending `query` until `end`; counts the answers by status and outcome. */
async function flood(server: Server, query: string, end: number): Promise<Flood> {
  const answers = new Map<string, number>();
  let firstRefusal: string | undefined;
  let sent = 0;
  const client = async (): Promise<void> => {
    while (Date.now() < end) {
      // A numbered comment makes each document new, as an attacker's would be: no cache of parsed
      // and validated documents answers it.
      sent += 1;
      const body = JSON.stringify({ query: `# ${sent}\n${query}` });
      const response = await fetch(`${server.httpUrl}/study/v2/graphql`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json', accept: 'application/graphql-response+json' },
        body,
        signal: AbortSignal.timeout(60_000),
      });
      const answer = (await response.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: { code?: string } }> };
      const error = answer.errors?.[0];
      const outcome = `${response.status} ${error ? (error.extensions?.code ?? 'error') : 'data'}`;
      answers.set(outcome, (answers.get(outcome) ?? 0) + 1);
      if (error && firstRefusal === undefined) firstRefusal = error.message;
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  return { answers, firstRefusal };
}

/** Times a REST GET of the demo study every 50 ms until `end`; latencies in ms. */
async function probe(server: Server, end: number): Promise<number[]> {
  const latencies: number[] = [];
  while (Date.now() < end) {
    const started = performance.now();
    const response = await fetch(`${server.httpUrl}/study/v2/studies/${server.studyId}`, { headers: { authorization: `Bearer ${server.token}` }, signal: AbortSignal.timeout(60_000) });
    await response.text();
    if (response.status !== 200) throw new Error(`the REST GET answered ${response.status}`);
    latencies.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return latencies;
}

function percentiles(latencies: number[]): string {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (share: number): string => (sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))] ?? 0).toFixed(1);
  return `p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${(sorted.at(-1) ?? 0).toFixed(1)} ms (${sorted.length} requests)`;
}

async function phase(server: Server, name: string, query: string | undefined): Promise<void> {
  const end = Date.now() + seconds * 1000;
  // The floods start first, so every timed request meets them.
  const floods = query === undefined ? Promise.resolve(undefined) : flood(server, query, end);
  await new Promise((resolve) => setTimeout(resolve, query === undefined ? 0 : 200));
  const [latencies, result] = await Promise.all([probe(server, end), floods]);
  console.log(`${name}: REST GET ${percentiles(latencies)}`);
  if (result) {
    const answers = [...result.answers].map(([outcome, count]) => `${count} x ${outcome}`).join(', ');
    console.log(`  floods answered: ${answers}${result.firstRefusal ? `; first error: ${result.firstRefusal}` : ''}`);
  }
}

const data = mkdtempSync(join(tmpdir(), 'trident-bench-flood-'));
const server = await startServer(data);
try {
  console.log(`Machine: ${machine()}`);
  console.log(`Store: ${process.env.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : 'PGlite'}. Each phase ${seconds} s; ${clients} flood clients, each sending its next query when the last is answered.`);
  const flood450 = aliasFlood(server.studyId, 450, 27_000);
  const withinLimits = aliasFlood(server.studyId, defaultQueryLimits.maxCalls, 0);
  await phase(server, 'Alone', undefined);
  await phase(server, `During ${clients} x 450 aliases of getStudy (${(flood450.length / 1000).toFixed(1)} kB)`, flood450);
  await phase(server, `During ${clients} x ${defaultQueryLimits.maxCalls} aliases of getStudy (the most one document may call)`, withinLimits);
  console.log('Goal: the REST GET within 100 ms while the floods run.');
} finally {
  await server.stop();
  rmSync(data, { recursive: true, force: true });
}
