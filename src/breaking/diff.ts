/**
 * The diff of two compiled contracts, on the IR. It walks operations (paired by route, then by
 * operationId), everything they send and return (each named type once per direction), security
 * and lifecycle, and the proto numbers of the two locks. Each change is reported as a finding of
 * one rule of `rules.ts`; what it means for each client is read from that table.
 */
import type { Finding } from './model.ts';
import type { RuleId } from './rules.ts';
import type { ContractSide } from './side.ts';
import { DiffContext } from './diff/context.ts';
import { compareVersionSunset } from './diff/lifecycle.ts';
import { compareOperations } from './diff/operations.ts';
import { compareProtoNumbers } from './diff/proto-numbers.ts';
import { compareSpellings } from './diff/spellings.ts';
import { compareWebhooks } from './diff/http.ts';
import { ValueDiff } from './diff/values.ts';

/**
 * Every change from `base` to `revision`. Both are usually the same major version of one API;
 * for a new major the base is the previous major, and the findings read as a migration guide
 * (proto numbers are then not compared: the packages differ).
 */
export function diffContracts(base: ContractSide, revision: ContractSide): Array<Finding<RuleId>> {
  const context = new DiffContext(base, revision);
  const values = new ValueDiff(context);
  compareOperations(values);
  reportUnreachedSchemas(context);
  compareSpellings(context);
  compareWebhooks(context);
  if (context.sameMajor) {
    compareVersionSunset(context);
    compareProtoNumbers(context);
  }
  // The findings are placed while the TypeScript compiler checks the probes on its thread.
  const judgeTypes = context.startJudgingTypes();
  context.placeFindings();
  judgeTypes();
  return context.findings();
}

// A component no operation reaches is still printed in GraphQL and TypeScript; removing it is
// the one type change that no operation reports.
function reportUnreachedSchemas(context: DiffContext): void {
  for (const type of context.base.api.types) {
    if (context.type('revision', type.name) || context.baseReach.reaches(type.name)) continue;
    if (!/^\/components\/schemas\/[^/]+$/.test(type.pointer)) continue;
    context.report('schema-removed', {
      subject: type.name,
      message: `schema '${type.name}', which no operation uses, was removed`,
      at: { side: 'base', pointer: type.pointer },
      subjects: { graphql: type.name, proto: type.name },
    });
  }
}
