import { GraphQLError } from 'graphql';
import { errorCatalog, toApiError } from '../errors.ts';

/**
 * An error as GraphQL reports it: the message, and in `extensions` the catalog's GraphQL code,
 * the protocol-neutral code, whether a retry may help, and the field violations.
 */
export function toGraphqlError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError && error.extensions.errorCode !== undefined) return error;
  const apiError = toApiError(error);
  return new GraphQLError(apiError.message, {
    extensions: {
      code: errorCatalog[apiError.code].graphql,
      errorCode: apiError.code,
      retryable: apiError.retryable,
      ...(apiError.violations.length > 0 ? { violations: apiError.violations } : {}),
    },
  });
}
