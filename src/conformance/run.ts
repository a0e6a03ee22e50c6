import { join } from 'node:path';
import type { LoadedApi } from '../runtime/load.ts';
import { createContext, type RunContext } from './context.ts';
import { Checks, type Area, type CheckResult, type CheckStatus } from './model.ts';
import { SeedingFixtures, type SeedStep } from './seed-data.ts';
import { authChecks } from './auth.ts';
import { crossChecks } from './cross.ts';
import { graphqlChecks } from './graphql.ts';
import { grpcChecks, grpcServerChecks } from './grpc.ts';
import { explicitFlowCheck, flowNames, readFlow, type ExplicitFlow } from './explicit-flows.ts';
import { flowChecks } from './flows.ts';
import { restChecks } from './rest.ts';
import { validationChecks } from './validation.ts';
import { acceptanceChecks } from './acceptance.ts';
import type { RunSummary } from './report/console.ts';
import type { Target } from './target.ts';

export interface RunOptions {
  target: Target;
  /** API versions to check (`study/v2`); all that the target serves when empty. */
  apis?: string[];
  seed?: number;
  /** fast-check runs per operation and property. */
  runs?: number;
  /** Areas to run; all when absent. */
  areas?: Area[];
  onResult?: (result: CheckResult) => void;
  /** One line per seeding, per area and API version done, and per check that timed out, as the run goes. */
  onProgress?: (line: string) => void;
  /** How long one check (and one seeding step) may take; 10 s by default. */
  checkTimeoutMs?: number;
  /** Flows written down as JSON (see flows.ts), run after the built-in ones. */
  flows?: ExplicitFlow[];
}

/** The flows shipped with Trident: they run when every API version they call is under test. */
export const builtinFlows = (): ExplicitFlow[] => [readFlow(join(import.meta.dirname, 'flows', 'review-workflow.json'))];

/**
 * Whether a built-in flow applies to the API versions under test: every step's API version is
 * among them and has the operation it calls (the review flow is the imaging product's, and an API
 * of another team that happens to be named `review/v1` is not that one).
 */
export const flowApplies = (flow: ExplicitFlow, apis: readonly LoadedApi[]): boolean =>
  flow.steps.every((step) => apis.some((loaded) => loaded.key === step.api && loaded.api.operations.some((operation) => operation.id === step.call)));

type Group = (context: RunContext) => Promise<void>;

/** The groups of checks of each area, in the order the areas run. */
const areaGroups: Array<[Area, Group[]]> = [
  ['rest', [restChecks, validationChecks, acceptanceChecks]],
  ['auth', [authChecks]],
  ['graphql', [graphqlChecks]],
  ['grpc', [grpcChecks]],
  ['cross', [crossChecks]],
  ['flow', [flowChecks]],
];

/**
 * Runs every check group against the target and returns the verdicts. Seed data the implementation
 * refuses does not stop the run: the checks that need it are skipped with the reason.
 */
export async function runConformance(options: RunOptions): Promise<RunSummary> {
  const started = performance.now();
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const progress = options.onProgress ?? (() => {});
  const checks = new Checks((result) => {
    if (result.status === 'fail' && result.detail?.startsWith('timed out after ')) progress(`  ${result.detail}: ${result.area} ${result.api} ${result.subject}: ${result.name}`);
    options.onResult?.(result);
  }, options.checkTimeoutMs);
  const wanted = options.apis ?? [];
  const apis: LoadedApi[] = wanted.length === 0 ? options.target.apis : options.target.apis.filter((loaded) => wanted.includes(loaded.key));
  const unknown = wanted.filter((key) => !options.target.apis.some((loaded) => loaded.key === key));
  if (unknown.length > 0) throw new Error(`unknown API version ${unknown.join(', ')}; the contracts have ${options.target.apis.map((loaded) => loaded.key).join(', ')}`);
  const runFlows = !options.areas || options.areas.includes('flow');
  const flows = runFlows ? [...builtinFlows().filter((candidate) => flowApplies(candidate, apis)), ...(options.flows ?? [])] : [];
  const fixtures = new SeedingFixtures(options.target, seed, { underTest: apis.map((loaded) => loaded.key), wanted: flows.flatMap(flowNames), timeoutMs: checks.timeoutMs });
  const context = createContext({ target: options.target, fixtures, checks, apis, seed, runs: options.runs ?? 25 });
  const seeding = performance.now();
  await fixtures.setup();
  const verdict = seedVerdict(fixtures.steps, new Set(apis.map((loaded) => loaded.key)));
  checks.record({ area: 'flow', api: '*', name: 'seed data is created through the API', subject: 'setup', ...verdict, ms: Math.round(performance.now() - seeding) });
  progress(`seed data: ${verdict.detail}`);
  const segment = async (area: Area, api: string, body: () => Promise<void>) => {
    const from = checks.results.length;
    const segmentStarted = performance.now();
    await body();
    const results = checks.results.slice(from);
    const count = (status: string) => results.filter((result) => result.status === status).length;
    progress(`${area.padEnd(7)}  ${api.padEnd(10)}  ${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped in ${((performance.now() - segmentStarted) / 1000).toFixed(1)} s`);
  };
  for (const [area, groups] of areaGroups) {
    if (options.areas && !options.areas.includes(area)) continue;
    if (area === 'grpc') await segment(area, '*', () => grpcServerChecks(context));
    for (const loaded of apis) {
      await segment(area, loaded.key, async () => {
        for (const group of groups) await group({ ...context, apis: [loaded] });
      });
    }
  }
  if (flows.length > 0) await segment('flow', '*', async () => {
    for (const flow of flows) await explicitFlowCheck(context, flow);
  });
  return { results: checks.results, seed, ms: performance.now() - started, operations: apis.flatMap((loaded) => loaded.api.operations.map((operation) => ({ api: loaded.key, id: operation.id }))) };
}

/**
 * The verdict on the seeding: it passes when every resource was created; it fails when an API
 * version under test refused one (the checks that need it are skipped); a refusal by an API
 * version not under test only skips, since that implementation does not claim it.
 */
export function seedVerdict(steps: SeedStep[], underTest: ReadonlySet<string>): { status: CheckStatus; detail: string } {
  // A noun that two API versions create is told apart by the version: `a study (study/v1)`.
  const label = (step: SeedStep) => (steps.filter((other) => other.noun === step.noun).length > 1 ? `${step.noun} (${step.api})` : step.noun);
  const refused = steps.filter((step) => step.missing !== undefined && !step.blocked);
  if (steps.length === 0) return { status: 'pass', detail: 'nothing to create: no operation under test names a resource that an operation creates' };
  if (refused.length === 0) return { status: 'pass', detail: `created ${steps.map(label).join(', ')}` };
  const missing = steps.filter((step) => step.missing !== undefined);
  const detail = `could not create ${missing.map(label).join(', ')} (${refused.map((step) => step.missing).join('; ')}); the checks that need them are skipped`;
  return { status: refused.some((step) => underTest.has(step.api)) ? 'fail' : 'skip', detail };
}
