import fc from 'fast-check';
import type { Api, Operation } from '../compiler/ir.ts';
import { appendPointer, getAtPointer } from '../compiler/pointer.ts';
import type { OperationInput } from '../runtime/handler.ts';
import { inputSchema, inputValidator } from '../runtime/validate.ts';
import type { Outcome } from './callers/caller.ts';
import { propertySeed, type RunContext } from './context.ts';
import { replaceAt, resolveSchema, schemaValues } from './generate-inputs.ts';
import { expectThat, skip } from './model.ts';
import { apiKey } from './target.ts';

/** One valid value put in place of the prepared call's, at a JSON pointer into `{query, header, body}`. */
export interface Variation {
  pointer: string;
  value: unknown;
}

type Schema = Record<string, unknown>;

/**
 * Valid calls one value away from `base`: each query and header parameter, and each property of
 * a JSON body, gets values generated from its schema (its examples among them), except the
 * `tied` ones (see `Prepared`). Path parameters keep the prepared resource. Beside them, the call
 * with every query parameter at its example: a documented call whose page token was issued for
 * the filters shown with it. Undefined when the operation takes none of these.
 */
export function validVariations(api: Api, operation: Operation, base: OperationInput, tied: readonly string[] = []): fc.Arbitrary<{ variation: Variation; input: OperationInput }> | undefined {
  const whole = inputSchema(api, operation) as { properties: Record<string, Schema | undefined> };
  const cases: Array<fc.Arbitrary<{ variation: Variation; input: OperationInput }>> = [];
  const add = (pointer: string, schema: unknown, examples: unknown[]) => {
    if (tied.includes(pointer)) return;
    const values = schemaValues(api, schema);
    const arbitrary = examples.length > 0 ? fc.oneof(fc.constantFrom(...examples), values) : values;
    cases.push(arbitrary.map((value) => ({ variation: { pointer, value }, input: replaceAt(base, pointer, { value }) })));
  };
  const documented: Record<string, unknown> = {};
  for (const group of ['query', 'header'] as const) {
    for (const parameter of operation.parameters.filter((candidate) => candidate.in === group)) {
      const examples = parameterExamples(api, parameter.pointer);
      if (group === 'query' && examples.length > 0) documented[parameter.name] = examples[0];
      add(appendPointer(`/${group}`, parameter.name), (whole.properties[group]?.properties as Schema | undefined)?.[parameter.name], examples);
    }
  }
  const body = whole.properties.body && resolveSchema(api, whole.properties.body);
  if (body && operation.body?.kind === 'json' && base.body !== null && typeof base.body === 'object' && body.properties) {
    for (const [name, property] of Object.entries(body.properties as Schema)) {
      if (!resolveSchema(api, property).readOnly) add(appendPointer('/body', name), property, []);
    }
  }
  if (Object.keys(documented).length > 0) {
    cases.push(fc.constant({ variation: { pointer: '/query', value: documented }, input: { ...base, query: { ...base.query, ...documented } } }));
  }
  return cases.length === 0 ? undefined : fc.oneof(...cases);
}

// A parameter's own examples (`example`, and the values of `examples`), beside its schema's.
function parameterExamples(api: Api, pointer: string): unknown[] {
  const parameter = resolveSchema(api, getAtPointer(api.document, pointer));
  const named = parameter.examples !== null && typeof parameter.examples === 'object' ? Object.values(parameter.examples as Schema).map((entry) => resolveSchema(api, entry).value) : [];
  return [...('example' in parameter ? [parameter.example] : []), ...named.filter((value) => value !== undefined)];
}

// proto3 carries neither null nor an empty string apart from an absent value.
const protoCarries = (value: unknown): boolean =>
  value !== null && value !== '' && (typeof value !== 'object' || Object.values(value).every(protoCarries));

interface Refusal {
  variation: Variation;
  answer: string;
}

const describeRefusal = ({ variation, answer }: Refusal): string => `${variation.pointer} = ${JSON.stringify(variation.value)?.slice(0, 80)}: ${answer}`;

/**
 * Requests the contract admits must be accepted: valid calls with one query or header parameter or
 * body property replaced by a value generated from its schema (JSON Schema 2020-12, formats as
 * annotations, examples included; each case confirmed valid first). An answer 400 or 422 over
 * REST, or invalid_argument over GraphQL or gRPC, is a rule the contract does not state. REST
 * gets every case; GraphQL and gRPC, as in the check of invalid inputs, half as many of their own.
 */
export async function acceptanceChecks(context: RunContext): Promise<void> {
  for (const loaded of context.apis) {
    for (const operation of loaded.api.operations) {
      if (operation.result.kind === 'stream') continue;
      await context.checks.run('rest', loaded.key, 'valid requests generated from the contract are accepted, never 400/422', operation.id, () =>
        acceptCases(context, loaded.api, operation, 'valid', context.runs, () => ['rest']),
      );
      await context.checks.run('cross', loaded.key, 'GraphQL and gRPC accept the valid requests generated from the contract', operation.id, () =>
        acceptCases(context, loaded.api, operation, 'valid elsewhere', Math.max(5, Math.ceil(context.runs / 2)), (variation) => [
          'graphql' as const,
          ...(protoCarries(variation.value) ? ['grpc' as const] : []),
        ]),
      );
    }
  }
}

type Protocol = 'rest' | 'graphql' | 'grpc';

// Sends `runs` valid variations of the prepared call through the protocols `through` picks for
// each, and fails naming every refusal as invalid.
async function acceptCases(context: RunContext, api: Api, operation: Operation, label: string, runs: number, through: (variation: Variation) => Protocol[]): Promise<string> {
  const { target } = context;
  const isValid = inputValidator(api, operation, 'annotate');
  const seed = propertySeed(context.seed, `${apiKey(api)} ${operation.id} ${label}`);
  const prepared = await context.prepared(api, operation);
  const token = await target.tokens.token('valid', prepared.role);
  if (typeof token !== 'string') return skip(token.skipped);
  const arbitrary = validVariations(api, operation, prepared.input, prepared.tied);
  if (!arbitrary) return skip('the operation takes no query, header or body value to vary');
  const refusals: Refusal[] = [];
  let valid = 0;
  let tried = 0;
  await fc.assert(
    fc.asyncProperty(arbitrary, async ({ variation, input }) => {
      fc.pre(isValid(input).length === 0);
      valid += 1;
      const protocols = through(variation);
      if (protocols.length > 0) tried += 1;
      for (const protocol of protocols) {
        const answer = refused(protocol, await target.callers[protocol].call(api, operation.id, input, token));
        if (answer) refusals.push({ variation, answer: `${protocol} ${answer}` });
      }
    }),
    { seed, numRuns: runs, endOnFailure: true },
  );
  expectThat(valid > 0, 'no valid variation could be generated');
  if (tried === 0) return skip('none of the valid variations can be carried (proto has no null or empty text apart from absence)');
  expectThat(refusals.length === 0, `${refusals.length} refusal(s) of ${tried} valid request(s), e.g.\n${refusals.slice(0, 3).map(describeRefusal).join('\n')}\n(property seed ${seed})`);
  return `${tried} valid inputs`;
}

// How a protocol refused a valid input as invalid; undefined when it did not.
function refused(protocol: Protocol, outcome: Outcome): string | undefined {
  if (outcome.ok) return undefined;
  const status = outcome.exchange?.status;
  const invalid = protocol === 'rest' ? status === 400 || status === 422 : outcome.code === 'invalid_argument';
  return invalid ? `answered ${protocol === 'rest' ? status : outcome.code} ${outcome.code}: ${outcome.message.slice(0, 160)}` : undefined;
}
