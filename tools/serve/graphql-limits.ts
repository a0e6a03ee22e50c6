import { defaultQueryLimits, type QueryLimits } from '../../src/runtime/graphql/limits.ts';

/** A GraphQL limit of the environment that is not a usable number. */
export class GraphqlLimitsError extends Error {
  override name = 'GraphqlLimitsError';
}

// Each limit, its variable and the largest value allowed. Nesting stays far below what exhausts
// the parser's stack; the others only need to be positive.
const variables: Array<[keyof QueryLimits, string, number]> = [
  ['maxDepth', 'TRIDENT_GRAPHQL_MAX_DEPTH', 1_000],
  ['maxCost', 'TRIDENT_GRAPHQL_MAX_COST', 10_000_000],
  ['maxCalls', 'TRIDENT_GRAPHQL_MAX_CALLS', 100_000],
  ['maxTokens', 'TRIDENT_GRAPHQL_MAX_TOKENS', 10_000_000],
  ['maxNesting', 'TRIDENT_GRAPHQL_MAX_NESTING', 1_000],
  ['maxResolverCalls', 'TRIDENT_GRAPHQL_MAX_RESOLVER_CALLS', 100_000_000],
  ['maxExecutionMs', 'TRIDENT_GRAPHQL_MAX_EXECUTION_MS', 3_600_000],
];

/** The GraphQL limits of `trident serve`: the defaults, each replaced by its `TRIDENT_GRAPHQL_*` variable where set. */
export function graphqlLimitsFromEnv(env: NodeJS.ProcessEnv): QueryLimits {
  const limits = { ...defaultQueryLimits };
  for (const [key, name, max] of variables) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    const parsed = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(parsed) || parsed < 1 || parsed > max) throw new GraphqlLimitsError(`${name}=${value} is not a whole number from 1 to ${max} (default ${defaultQueryLimits[key]})`);
    limits[key] = parsed;
  }
  return limits;
}
