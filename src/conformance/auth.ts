import { admits, rolesOf, type Api, type Operation } from '../compiler/ir.ts';
import type { Outcome } from './callers/caller.ts';
import { probeGraphqlStream } from './callers/graphql.ts';
import type { RunContext } from './context.ts';
import { expectThat, skip } from './model.ts';
import { streamProbe } from './rest.ts';
import { apiKey } from './target.ts';
import { catalogMismatch } from './cross.ts';
import { keyOfRoles, type TokenVariant } from './tokens.ts';
import { errorCatalog, type ErrorCode } from '../runtime/errors.ts';

type Credential = 'no token' | Exclude<TokenVariant, 'valid'> | 'missing_role';
const credentials: Credential[] = ['no token', 'bad_signature', 'expired', 'other_org', 'wrong_role'];
const protocols = ['rest', 'graphql', 'grpc'] as const;

/**
 * Item 4: the same auth decision for every operation, protocol and credential: no token, a bad
 * signature and an expired token are unauthenticated; a role that satisfies no security requirement
 * is denied, and so are all but one of the roles of a requirement that lists several (OpenAPI asks
 * for every one); another organisation gets "not found" for this organisation's resources, the same
 * in all three.
 */
export async function authChecks(context: RunContext): Promise<void> {
  for (const loaded of context.apis) {
    for (const operation of loaded.api.operations) {
      if (operation.security.length === 0) continue;
      const several = partialHolder(operation) !== undefined ? (['missing_role'] as const) : [];
      for (const credential of [...credentials, ...several]) {
        await context.checks.run('auth', apiKey(loaded.api), `${credential}: the same decision in every protocol`, operation.id, () => decide(context, loaded.api, operation, credential));
      }
    }
  }
}

async function decide(context: RunContext, api: Api, operation: Operation, credential: Credential): Promise<string> {
  const { target } = context;
  const prepared = await context.prepared(api, operation);
  let role = prepared.role;
  if (credential === 'wrong_role') {
    const other = target.roles.find((candidate) => !admits(operation, [candidate]));
    if (other === undefined) skip('every role may call it');
    role = other!;
  }
  if (credential === 'missing_role') role = partialHolder(operation)!;
  let token: string | undefined;
  if (credential !== 'no token') {
    const minted = await target.tokens.token(credential === 'missing_role' ? 'valid' : credential, role);
    if (typeof minted !== 'string') skip(minted.skipped);
    token = minted as string;
  }
  const expected: string | undefined =
    credential === 'wrong_role' || credential === 'missing_role' ? 'permission_denied' : credential === 'other_org' ? (prepared.refersToResource ? 'not_found' : undefined) : 'unauthenticated';
  const codes: Partial<Record<(typeof protocols)[number], string>> = {};
  const mismatches: string[] = [];
  for (const protocol of protocols) {
    if (operation.result.kind === 'stream') {
      if (protocol === 'rest') {
        const probe = await streamProbe(context, api, operation, prepared.input, token);
        codes.rest = probe.status === 200 ? 'ok' : codeOfStatus(probe.status);
      } else {
        const outcome = protocol === 'grpc' ? await target.grpc.probe(api, operation.id, prepared.input, token) : await probeGraphqlStream(`${target.httpUrl}${target.graphqlPath(api)}`, api, operation, prepared.input, token);
        codes[protocol] = codeOf(outcome);
      }
      continue;
    }
    const outcome = await target.callers[protocol].call(api, operation.id, prepared.input, token);
    codes[protocol] = codeOf(outcome);
    const mismatch = catalogMismatch(protocol, outcome);
    if (mismatch) mismatches.push(mismatch);
  }
  const seen = Object.entries(codes).map(([protocol, code]) => `${protocol} ${code}`).join(', ');
  const values = Object.values(codes);
  expectThat(new Set(values).size === 1, `the protocols disagree: ${seen}`);
  if (expected !== undefined) expectThat(values[0] === expected, `expected ${expected}; got ${seen}`);
  else expectThat(!values.some((code) => code === 'internal' || code?.startsWith('http_5')), `a server error: ${seen}`);
  expectThat(mismatches.length === 0, mismatches.join('; '));
  return seen;
}

/**
 * The role key of a caller holding every role of a requirement that lists several but its last,
 * when no requirement admits that caller; undefined when the operation has no such requirement.
 */
function partialHolder(operation: Operation): string | undefined {
  for (const requirement of operation.security) {
    const roles = rolesOf(requirement);
    if (roles.length < 2) continue;
    const partial = roles.slice(0, -1);
    if (!admits(operation, partial)) return keyOfRoles(partial);
  }
  return undefined;
}

const codeOf = (outcome: Outcome): string => (outcome.ok ? 'ok' : outcome.code);

function codeOfStatus(status: number): string {
  const found = (Object.entries(errorCatalog) as Array<[ErrorCode, (typeof errorCatalog)[ErrorCode]]>).find(([, entry]) => entry.http === status);
  return found ? found[0] : `http_${status}`;
}
