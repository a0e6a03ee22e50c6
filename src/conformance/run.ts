import { join } from 'node:path';
import type { LoadedApi } from '../runtime/load.ts';
import { createContext, type RunContext } from './context.ts';
import { Fixtures } from './fixtures.ts';
import { Checks, type Area, type CheckResult } from './model.ts';
import { authChecks } from './auth.ts';
import { crossChecks } from './cross.ts';
import { graphqlChecks } from './graphql.ts';
import { grpcChecks } from './grpc.ts';
import { explicitFlowCheck, readFlow, type ExplicitFlow } from './explicit-flows.ts';
import { flowChecks } from './flows.ts';
import { restChecks } from './rest.ts';
import { validationChecks } from './validation.ts';
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
  /** Flows written down as JSON (see flows.ts), run after the built-in ones. */
  flows?: ExplicitFlow[];
}

/** The flows shipped with Trident: they run when every API version they call is under test. */
export const builtinFlows = (): ExplicitFlow[] => [readFlow(join(import.meta.dirname, 'flows', 'review-workflow.json'))];

type Group = (context: RunContext) => Promise<void>;

const groups: Array<[Area, Group]> = [
  ['rest', restChecks],
  ['rest', validationChecks],
  ['auth', authChecks],
  ['graphql', graphqlChecks],
  ['grpc', grpcChecks],
  ['cross', crossChecks],
  ['flow', flowChecks],
];

/** Runs every check group against the target and returns the verdicts. */
export async function runConformance(options: RunOptions): Promise<RunSummary> {
  const started = performance.now();
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const checks = new Checks(options.onResult);
  const wanted = options.apis ?? [];
  const apis: LoadedApi[] = wanted.length === 0 ? options.target.apis : options.target.apis.filter((loaded) => wanted.includes(loaded.key));
  const unknown = wanted.filter((key) => !options.target.apis.some((loaded) => loaded.key === key));
  if (unknown.length > 0) throw new Error(`unknown API version ${unknown.join(', ')}; the contracts have ${options.target.apis.map((loaded) => loaded.key).join(', ')}`);
  const fixtures = new Fixtures(options.target, seed);
  const context = createContext({ target: options.target, fixtures, checks, apis, seed, runs: options.runs ?? 25 });
  const ready = await checks.run('flow', '*', 'seed data is created through the API', 'setup', async () => {
    await fixtures.setup();
  });
  if (ready === 'pass') {
    for (const [area, group] of groups) {
      if (options.areas && !options.areas.includes(area)) continue;
      await group(context);
    }
    if (!options.areas || options.areas.includes('flow')) {
      const keys = new Set(apis.map((loaded) => loaded.key));
      for (const flow of [...builtinFlows().filter((candidate) => candidate.steps.every((step) => keys.has(step.api))), ...(options.flows ?? [])]) await explicitFlowCheck(context, flow);
    }
  }
  return { results: checks.results, seed, ms: performance.now() - started };
}
