/**
 * `npm run bench:ops`: what measuring an invocation costs. Calls study v2 `getStudy` in process
 * through the shared `invoke` (dev token verified, input validated, the in-memory benchmark
 * handler, result projected), and an empty invocation (the observer's own cost, apart from the
 * token check and validation that dominate a whole call), in rounds alternating between: no observer; metrics with tracing
 * off (the `@opentelemetry/api` no-ops, as `serve` runs by default); metrics with the tracing SDK
 * registered (spans recorded and dropped, nothing sent). Prints the CPU time per call (median of
 * the rounds) and the difference from the first.
 *
 *     npm run bench:ops                       # 5 rounds of 20,000 calls per configuration
 *     npm run bench:ops -- --calls 5000 --rounds 3
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { BasicTracerProvider, NoopSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { devAuthenticator } from '../src/runtime/auth.ts';
import { loadApis } from '../src/runtime/load.ts';
import { serveApi, invoke, type InvocationObserver } from '../src/runtime/operation.ts';
import { createMetrics } from '../src/runtime/ops/metrics.ts';
import { invocationObserver } from '../src/runtime/ops/observe.ts';
import { BenchStudies, benchOrgId, benchStudyId, benchStudyV2Handlers } from './bench/runtime-handlers.ts';

const { values } = parseArgs({ options: { calls: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '5' } } });
const calls = Math.min(Math.max(Number(values.calls) || 20000, 100), 1_000_000);
const rounds = Math.min(Math.max(Number(values.rounds) || 5, 1), 50);

const root = resolve(import.meta.dirname, '..');
const loaded = (await loadApis(root)).find((api) => api.key === 'study/v2');
if (!loaded) throw new Error('study/v2 is not in contracts/');
const authenticator = devAuthenticator();
const token = await authenticator.issue!({ userId: 'usr_bench', orgId: benchOrgId, roles: ['doctor'] });
const handlers = benchStudyV2Handlers(new BenchStudies()) as unknown as Record<string, unknown>;
const provider = new BasicTracerProvider({ spanProcessors: [new NoopSpanProcessor()] });

const configurations: Array<{ name: string; observe?: InvocationObserver }> = [
  { name: 'no observer' },
  { name: 'metrics, tracing off', observe: invocationObserver(createMetrics()) },
  { name: 'metrics, tracing SDK on', observe: invocationObserver(createMetrics(), provider.getTracer('trident')) },
];
const bound = configurations.map(({ observe }) => serveApi(loaded.api, handlers, undefined, observe).operations.find((operation) => operation.operation.id === 'getStudy')!);
const input = { path: { studyId: benchStudyId } };
const signal = new AbortController().signal;

const empty = async () => undefined;
const options = { token, protocol: 'rest' as const, signal };

/** CPU time per call of `calls` calls: the whole invocation, or only the observer around an empty one. */
async function round(index: number, whole: boolean): Promise<number> {
  const configuration = configurations[index]!;
  const operation = bound[index]!;
  const started = process.cpuUsage();
  if (whole) for (let call = 0; call < calls; call += 1) await invoke(operation, input, options, authenticator);
  else for (let call = 0; call < calls; call += 1) await (configuration.observe ? configuration.observe(operation, options, empty) : empty());
  const used = process.cpuUsage(started);
  return (used.user + used.system) / calls;
}

const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;

async function table(whole: boolean, title: string): Promise<void> {
  // A warm-up round of each, then the measured rounds, the order rotating between rounds.
  for (let index = 0; index < configurations.length; index += 1) await round(index, whole);
  const samples = configurations.map((): number[] => []);
  for (let r = 0; r < rounds; r += 1) {
    for (let step = 0; step < configurations.length; step += 1) {
      const index = (r + step) % configurations.length;
      samples[index]!.push(await round(index, whole));
    }
  }
  const base = median(samples[0]!);
  console.log(`${rounds} rounds of ${calls} ${title}, CPU time per call (median):`);
  console.log('| configuration | µs per call | vs no observer |');
  console.log('|---|---|---|');
  for (const [index, { name }] of configurations.entries()) {
    const value = median(samples[index]!);
    console.log(`| ${name} | ${value.toFixed(2)} | ${index === 0 ? '' : `${value - base >= 0 ? '+' : ''}${(value - base).toFixed(2)} µs`} |`);
  }
}

await table(false, 'empty invocations, only the observer around them');
console.log('');
await table(true, 'getStudy calls through invoke');
