import { GraphQLError } from 'graphql';
import { errorCatalog, toApiError } from '../errors.ts';

/**
 * An error as GraphQL reports it: the message, and in `extensions` the catalog's GraphQL code,
 * the protocol-neutral code, whether a retry may help, and the field violations.
 */
export function toGraphqlError(error: unknown): GraphQLError {
  if (isGraphqlError(error)) {
    if (error.extensions?.errorCode !== undefined) return error;
    const original = error.originalError;
    // Thrown by a resolver, then located by graphql-js: the resolver's error is the answer.
    if (isGraphqlError(original) && original.extensions?.errorCode !== undefined) return original;
    // graphql-js's own errors (a variable of the wrong type, an unknown field) are the caller's;
    // the outer message names the variable and the path inside it.
    if (original === undefined || original === null || isGraphqlError(original)) {
      // graphql-yoga's own request errors say their HTTP status (400 for a malformed request, 405
      // for a mutation over GET) in `extensions.http`, which it reads and leaves out of the response.
      const http = error.extensions?.http;
      return new GraphQLError(withoutValues(error.message, original), {
        nodes: error.nodes ?? null,
        path: error.path ?? null,
        extensions: { code: errorCatalog.invalid_argument.graphql, errorCode: 'invalid_argument', retryable: false, ...(http !== undefined ? { http } : {}) },
      });
    }
    return toGraphqlError(original);
  }
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

// By its tag, not instanceof: a server may load graphql-js twice (its ESM and CommonJS builds),
// and an error made by one copy must still be recognised by the other.
function isGraphqlError(error: unknown): error is GraphQLError {
  return error instanceof Error && Object.prototype.toString.call(error) === '[object GraphQLError]';
}

/**
 * graphql-js quotes the offending value in its messages (`got invalid value {...}`, `found
 * "..."`, `cannot represent ...: 123`); that value may be a patient's identity, so the messages
 * keep the variable, the path and the reason, and leave the value out.
 */
function withoutValues(message: string, original: unknown): string {
  const reason = isGraphqlError(original) ? original.message : undefined;
  let text = message;
  if (reason !== undefined && text.endsWith(`; ${reason}`)) {
    const head = text.slice(0, -(reason.length + 2));
    const variable = /^Variable "(\$[^"]+)" got invalid value/.exec(head)?.[1];
    const at = / at "([^"]*)"$/.exec(head)?.[1];
    if (variable !== undefined) text = `Variable "${variable}" got an invalid value${at === undefined ? '' : ` at "${at}"`}; ${reason}`;
  }
  return text
    .replace(/(cannot represent (?:a )?(?:non[- ][\w-]+ )?value)(?::| )[\s\S]*?(;|$)/g, '$1$2')
    .replace(/Value [\s\S]* does not exist in ("[^"]+" enum)/g, 'The value does not exist in $1')
    .replace(/(got invalid value) [\s\S]*?(; |$)/g, '$1$2')
    .replace(/(Expected value of type "[^"]+"), found [\s\S]*?(;|\.$|$)/g, '$1$2');
}
