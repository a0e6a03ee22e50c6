import { parse, print } from 'graphql';
import { pascalCase } from '../../src/compiler/names.ts';
import { rolesOf } from '../../src/compiler/ir.ts';
import type { DevIdentities } from '../../src/runtime/app.ts';
import type { Authenticator } from '../../src/runtime/auth.ts';
import type { GraphiqlDefaults } from '../../src/runtime/graphql/handler-factory.ts';
import type { LoadedApi } from '../../src/runtime/load.ts';

/**
 * What GraphiQL opens with in dev mode, per API version: a dev token in its Headers tab and an
 * example query in its editor, so that the first query runs as it is. The example is the API
 * version's first query that needs no argument (a list, typically), with every field selected;
 * the token is of a role that may run it. Nothing in production mode.
 */
export async function graphiqlDefaults(apis: readonly LoadedApi[], identities: DevIdentities, authenticator: Authenticator): Promise<Record<string, GraphiqlDefaults>> {
  if (!authenticator.issue) return {};
  // The conformance callers write a full selection set as the SDL spells it.
  const { graphqlRequest } = await import('../../src/conformance/callers/graphql.ts');
  const defaults: Record<string, GraphiqlDefaults> = {};
  for (const loaded of apis) {
    const operation = loaded.api.operations.find(
      (candidate) => candidate.kind === 'query' && candidate.result.kind === 'json' && candidate.parameters.every((parameter) => !parameter.required) && candidate.body?.required !== true,
    );
    const required = operation?.security[0] ? rolesOf(operation.security[0]) : [];
    const role = required[0] ?? Object.keys(identities.users)[0];
    const entry: GraphiqlDefaults = {};
    if (operation) entry.query = print(parse(graphqlRequest(loaded.api, operation, {}, { operationName: pascalCase(operation.id), alias: null }).document));
    if (role !== undefined) {
      const token = await authenticator.issue({ userId: identities.users[role] ?? `usr_dev_${role}`, orgId: identities.orgId, roles: required.length > 0 ? required : [role] });
      entry.headers = { Authorization: `Bearer ${token}` };
    }
    defaults[loaded.key] = entry;
  }
  return defaults;
}
