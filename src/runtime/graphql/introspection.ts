import { GraphQLError, NoSchemaIntrospectionCustomRule, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { requestError } from './limits.ts';

/**
 * Refuses introspection (`__schema`, `__type`; `__typename` stays allowed) with graphql-js's own
 * rule, each refusal said as the caller's error (`BAD_USER_INPUT`, 400) with where the schema is
 * found instead.
 */
export const noIntrospectionPlugin: Plugin = {
  onValidate({ addValidationRule }) {
    addValidationRule((context: ValidationContext) => {
      const reporting = Object.create(context) as ValidationContext;
      reporting.reportError = (error: GraphQLError) =>
        context.reportError(new GraphQLError(`${error.message} Introspection is off on this server; the schema is the API version's contract (its generated SDL).`, { nodes: error.nodes ?? null, extensions: { ...requestError } }));
      return NoSchemaIntrospectionCustomRule(reporting);
    });
  },
};
