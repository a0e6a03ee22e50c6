/**
 * The rule table of the breaking-change gate, as data (in the manner of graphql-js's
 * `BreakingChangeType`): every change the diff can report has an id here, a one-line purpose, a
 * verdict for each target and an explanation of why the targets differ. The diff only decides
 * which rule a change falls under; what that means for each client is read from this table.
 */
import { targets, worstVerdict, type Area, type RuleDefinition, type Target, type Verdict } from './model.ts';
import { inputRules } from './rules/inputs.ts';
import { lifecycleRules } from './rules/lifecycle.ts';
import { operationRules } from './rules/operations.ts';
import { propertyRules } from './rules/properties.ts';
import { valueRules } from './rules/values.ts';

/** Every rule, keyed by id. */
export const ruleTable = {
  ...operationRules,
  ...inputRules,
  ...propertyRules,
  ...valueRules,
  ...lifecycleRules,
} as const satisfies Record<string, RuleDefinition>;

/** The id of a rule, e.g. `response-property-removed`. */
export type RuleId = keyof typeof ruleTable;

/** A rule with its id, as listed in the table and the README. */
export interface Rule extends RuleDefinition {
  id: RuleId;
}

/** The order areas are listed in: from the outside of an API inwards. */
export const areaOrder: readonly Area[] = [
  'versions',
  'operations',
  'parameters',
  'request bodies',
  'responses',
  'properties',
  'required and nullable',
  'types and formats',
  'enums',
  'unions',
  'defaults and constraints',
  'security',
  'streams',
  'deprecation and sunset',
  'proto numbering',
];

/** Every rule, grouped by area in `areaOrder`, in table order within an area. */
export function listRules(): Rule[] {
  const all = (Object.keys(ruleTable) as RuleId[]).map((id): Rule => ({ id, ...ruleTable[id] }));
  return areaOrder.flatMap((area) => all.filter((rule) => rule.area === area));
}

/** A rule with its id. */
export function getRule(id: RuleId): Rule {
  return { id, ...ruleTable[id] };
}

/** Whether a string (from a changelog, say) names a rule. */
export function isRuleId(id: string): id is RuleId {
  return Object.hasOwn(ruleTable, id);
}

/** The verdicts a finding carries: its rule's, per target. */
export function verdictsOf(rule: RuleId): Record<Target, Verdict> {
  return { ...ruleTable[rule].verdicts } as Record<Target, Verdict>;
}

/** The worst verdict of a finding over every target. */
export function severityOf(rule: RuleId): Verdict {
  const verdicts = verdictsOf(rule);
  return worstVerdict(targets.map((target) => verdicts[target]));
}
