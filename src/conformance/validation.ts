import fc from 'fast-check';
import type { Api, Operation } from '../compiler/ir.ts';
import { inputValidator } from '../runtime/validate.ts';
import type { Outcome } from './callers/caller.ts';
import { propertySeed, type RunContext } from './context.ts';
import { invalidInputs, portableKinds, type Mutation, type MutationKind } from './generate-inputs.ts';
import { expectThat, skip } from './model.ts';
import { judgeRestResponse } from './rest.ts';
import { apiKey } from './target.ts';

interface Finding {
  mutation: Mutation;
  problem: string;
}

const describeMutation = (mutation: Mutation): string =>
  `${mutation.kind} at ${mutation.pointer}${mutation.kind === 'missing_required' ? '' : ` = ${JSON.stringify(mutation.value)?.slice(0, 60)}`}`;

const report = (findings: Finding[], seed: number): string =>
  `${findings.length} case(s), e.g.\n${findings
    .slice(0, 3)
    .map((finding) => `${describeMutation(finding.mutation)}: ${finding.problem}`)
    .join('\n')}\n(property seed ${seed})`;

/**
 * Items 1 and 4: inputs one mutation away from a valid call, generated from the contract's schemas
 * with fast-check (wrong types, missing required values, out-of-range numbers, lengths, patterns,
 * unknown enum values, bad formats). REST must reject every one with 400 or 422 and a documented
 * problem; GraphQL and gRPC must reject those they can carry (patterns, ranges, lengths) as well.
 */
export async function validationChecks(context: RunContext): Promise<void> {
  for (const loaded of context.apis) {
    for (const operation of loaded.api.operations) {
      if (operation.result.kind === 'stream') continue;
      await validateOperation(context, loaded.api, operation);
    }
  }
}

// What both checks start from: the seed of their cases, a token for the operation's role, and the
// generator of invalid inputs (only mutations of `kinds`, when given). Skips when there is none.
async function invalidCases(context: RunContext, api: Api, operation: Operation, label: string, kinds: ReadonlySet<MutationKind> | undefined, nothing: string) {
  const seed = propertySeed(context.seed, `${apiKey(api)} ${operation.id} ${label}`);
  const prepared = await context.prepared(api, operation);
  const token = await context.target.tokens.token('valid', prepared.role);
  if (typeof token !== 'string') return skip(token.skipped);
  const arbitrary = invalidInputs(api, operation, prepared.input, kinds);
  if (!arbitrary) return skip(nothing);
  return { seed, token, arbitrary };
}

async function validateOperation(context: RunContext, api: Api, operation: Operation): Promise<void> {
  const { target, checks } = context;
  const key = apiKey(api);
  // The contract's own schema decides: a generated case that happens to be valid is discarded.
  const isInvalid = inputValidator(api, operation);
  await checks.run('rest', key, 'invalid requests are rejected with 400/422, never 5xx', operation.id, async () => {
    const { seed, token, arbitrary } = await invalidCases(context, api, operation, 'invalid', undefined, 'the operation takes no input that can be invalid');
    const findings: Finding[] = [];
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(arbitrary, async ({ mutation, input }) => {
        fc.pre(isInvalid(input).length > 0);
        tried += 1;
        const outcome = await target.callers.rest.call(api, operation.id, input, token);
        const exchange = outcome.exchange!;
        if (exchange.status !== 400 && exchange.status !== 422) findings.push({ mutation, problem: `answered ${exchange.status}${outcome.ok ? '' : ` ${outcome.code}`}` });
        else {
          const problems = judgeRestResponse(context.schemas(api), operation, exchange);
          if (problems.length > 0) findings.push({ mutation, problem: problems.join('; ') });
        }
      }),
      { seed, numRuns: context.runs, endOnFailure: true },
    );
    expectThat(tried > 0, 'no invalid case could be generated');
    expectThat(findings.length === 0, report(findings, seed));
    return `${tried} invalid inputs`;
  });
  await checks.run('cross', key, 'GraphQL and gRPC reject what REST rejects (patterns, ranges, lengths)', operation.id, async () => {
    const { seed, token, arbitrary } = await invalidCases(context, api, operation, 'portable', portableKinds, 'no pattern, range or length to break');
    const findings: Finding[] = [];
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(arbitrary, async ({ mutation, input }) => {
        fc.pre(isInvalid(input).length > 0);
        // Only what REST rejects is held against the others (REST's own faults are the check above).
        const rest = await target.callers.rest.call(api, operation.id, input, token);
        if (rest.ok || (rest.exchange?.status !== 400 && rest.exchange?.status !== 422)) return;
        tried += 1;
        for (const protocol of ['graphql', 'grpc'] as const) {
          const problem = rejection(protocol, await target.callers[protocol].call(api, operation.id, input, token));
          if (problem) findings.push({ mutation, problem: `${protocol}: ${problem}` });
        }
      }),
      { seed, numRuns: Math.max(5, Math.ceil(context.runs / 2)), endOnFailure: true },
    );
    if (tried === 0) skip('REST accepted every generated case (see the REST check)');
    expectThat(findings.length === 0, report(findings, seed));
    return `${tried} cases`;
  });
}

// What is wrong with another protocol's answer to an input REST rejected as invalid.
function rejection(protocol: 'graphql' | 'grpc', outcome: Outcome): string | undefined {
  if (outcome.ok) return 'accepted it';
  const status = outcome.exchange?.status;
  if (protocol === 'graphql' && status !== undefined && status >= 500) return `HTTP ${status}`;
  if (protocol === 'grpc' && outcome.code === 'not_encodable') return undefined;
  if (outcome.code !== 'invalid_argument') return `rejected it with ${outcome.code}, not invalid_argument: ${outcome.message.slice(0, 120)}`;
  return undefined;
}
