import { readFileSync } from 'node:fs';
import type { OperationInput } from '../runtime/handler.ts';
import type { Outcome } from './callers/caller.ts';
import type { RunContext } from './context.ts';
import { protocols, type Protocol } from './cross.ts';
import { expectThat, fail, skip } from './model.ts';
import { difference, normalise } from './normalise.ts';

type Json = Record<string, unknown>;

async function tokenFor(context: RunContext, role: string): Promise<string> {
  const token = await context.target.tokens.token('valid', role);
  if (typeof token !== 'string') skip(token.skipped);
  return token as string;
}

/** A flow written down: steps through any protocol, with values saved from one step for the next. */
export interface ExplicitFlow {
  name: string;
  steps: Array<{
    api: string;
    call: string;
    as: string;
    /** One protocol, or `all` (the same outcome through the three). */
    via?: Protocol | 'all';
    input?: OperationInput;
    /** `ok` (the default), an error code, or JSON pointers into the result with their expected values. */
    expect?: 'ok' | { error: string } | { result: Record<string, unknown> };
    /** Names for values of the result, by JSON pointer; `${name}` in later inputs is replaced by the value. */
    save?: Record<string, string>;
  }>;
}

export function readFlow(path: string): ExplicitFlow {
  const flow = JSON.parse(readFileSync(path, 'utf8')) as ExplicitFlow;
  if (typeof flow.name !== 'string' || !Array.isArray(flow.steps)) throw new Error(`${path}: a flow needs a name and steps`);
  return flow;
}

const at = (value: unknown, pointer: string): unknown =>
  pointer.split('/').slice(1).reduce<unknown>((node, token) => (node === null || typeof node !== 'object' ? undefined : (node as Json)[token.replace(/~1/g, '/').replace(/~0/g, '~')]), value);

function substitute(value: unknown, saved: (name: string) => unknown, unique: () => string): unknown {
  if (typeof value === 'string') {
    const whole = /^\$\{(\w+)\}$/.exec(value);
    if (whole) return whole[1] === 'unique' ? unique() : saved(whole[1]!);
    return value.replace(/\$\{(\w+)\}/g, (_, name: string) => (name === 'unique' ? unique() : String(saved(name) ?? '')));
  }
  if (Array.isArray(value)) return value.map((item) => substitute(item, saved, unique));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, saved, unique)]));
  return value;
}

/** The names a flow substitutes and no step of it saves (`${studyId}`): the seed data creates what they name. */
export function flowNames(flow: ExplicitFlow): string[] {
  const saved = new Set(flow.steps.flatMap((step) => Object.keys(step.save ?? {})));
  const used = [...JSON.stringify(flow.steps).matchAll(/\$\{(\w+)\}/g)].map((match) => match[1]!);
  return [...new Set(used)].filter((name) => name !== 'unique' && !saved.has(name));
}

/** Runs an explicit flow as one check; it fails at the first step that does not do what it says. */
export async function explicitFlowCheck(context: RunContext, flow: ExplicitFlow): Promise<void> {
  await context.checks.run('flow', '*', `explicit flow: ${flow.name}`, `${flow.steps.length} steps`, async () => {
    const world = context.fixtures.world;
    const saved = new Map<string, unknown>([['technicianId', world.technicianId], ['doctorId', world.doctorId]]);
    // A name no step saved is the id of the seed data's resource of that parameter (`${studyId}`), if any.
    const valueOf = (name: string): unknown => (saved.has(name) ? saved.get(name) : context.fixtures.seededId(undefined, name));
    for (const [index, step] of flow.steps.entries()) {
      const label = `step ${index + 1} (${step.api} ${step.call} via ${step.via ?? 'rest'})`;
      const loaded = context.target.apis.find((candidate) => candidate.key === step.api);
      if (!loaded) fail(`${label}: no API ${step.api}`);
      const input = substitute(step.input ?? {}, valueOf, () => context.fixtures.marker()) as OperationInput;
      const token = await tokenFor(context, step.as);
      const vias: Protocol[] = step.via === 'all' ? [...protocols] : [step.via ?? 'rest'];
      const outcomes: Outcome[] = [];
      for (const via of vias) outcomes.push(await context.target.callers[via].call(loaded!.api, step.call, input, token));
      const expect = step.expect ?? 'ok';
      for (const [position, outcome] of outcomes.entries()) {
        const where = `${label}${vias.length > 1 ? ` through ${vias[position]}` : ''}`;
        if (typeof expect === 'object' && 'error' in expect) {
          expectThat(!outcome.ok && outcome.code === expect.error, `${where}: expected ${expect.error}, got ${outcome.ok ? 'a result' : outcome.code}`);
          continue;
        }
        if (!outcome.ok) fail(`${where}: ${outcome.code}: ${outcome.message}`);
        const value = (outcome as { value: unknown }).value;
        if (typeof expect === 'object') {
          for (const [pointer, wanted] of Object.entries(expect.result)) {
            expectThat(JSON.stringify(at(value, pointer)) === JSON.stringify(substitute(wanted, valueOf, () => '')), `${where}: ${pointer} is ${JSON.stringify(at(value, pointer))}, expected ${JSON.stringify(wanted)}`);
          }
        }
      }
      if (outcomes.length > 1 && outcomes.every((outcome) => outcome.ok)) {
        const first = normalise((outcomes[0] as { value: unknown }).value);
        for (const [position, outcome] of outcomes.entries()) {
          const diff = difference(first, normalise((outcome as { value: unknown }).value));
          expectThat(diff === '', `${label}: ${vias[0]} and ${vias[position]} differ at ${diff}`);
        }
      }
      const result = outcomes[0]?.ok ? (outcomes[0] as { value: unknown }).value : undefined;
      for (const [name, pointer] of Object.entries(step.save ?? {})) saved.set(name, at(result, pointer));
    }
    return `${flow.steps.length} steps`;
  });
}
