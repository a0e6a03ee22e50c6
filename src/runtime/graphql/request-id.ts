import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

type Result = { errors?: readonly GraphQLError[] };

/** The error with `requestId` added to its extensions; where it was found and why are kept. */
function withRequestId(error: GraphQLError, requestId: string): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes ?? null,
    source: error.source ?? null,
    positions: error.positions ?? null,
    path: error.path ?? null,
    originalError: error.originalError ?? null,
    extensions: { ...error.extensions, requestId },
  });
}

function stamp<T extends Result>(result: T, requestId: string): T {
  return result.errors === undefined || result.errors.length === 0 ? result : { ...result, errors: result.errors.map((error) => withRequestId(error, requestId)) };
}

/**
 * Every GraphQL error names the request it belongs to (`extensions.requestId`), as REST answers
 * carry it in `X-Request-Id` and gRPC in its metadata: the id a caller quotes is the one in the
 * server's log. Results of a subscription stream are left as they are; their response carries
 * the header.
 */
export function requestIdPlugin(requestIdOf: (serverContext: unknown) => string | undefined): Plugin {
  return {
    onResultProcess({ result, setResult, serverContext }) {
      const requestId = requestIdOf(serverContext);
      if (requestId === undefined) return;
      if (Array.isArray(result)) setResult(result.map((item) => stamp(item, requestId)));
      else if (!(Symbol.asyncIterator in result)) setResult(stamp(result, requestId));
    },
  };
}
