import type { RuleDefinition } from '../model.ts';
import { B, D, everywhere, on, S } from './verdicts.ts';

/** Rules about what a client sends: parameters, request bodies and credentials. */
export const inputRules = {
  'parameter-added-required': {
    area: 'parameters',
    purpose: 'An operation gains a required parameter.',
    verdicts: everywhere(B),
    explanation: 'Existing clients do not send it. Input is validated once, on the contract\'s JSON shape, for every protocol, so REST, GraphQL and gRPC calls are all rejected; the generated TypeScript requires it too.',
  },
  'parameter-added-optional': {
    area: 'parameters',
    purpose: 'An operation gains an optional parameter.',
    verdicts: everywhere(S),
    explanation: 'Clients that leave it out behave as before.',
  },
  'parameter-removed': {
    area: 'parameters',
    purpose: 'A parameter is gone.',
    verdicts: on({ rest: D, graphql: B, wire: D, json: B, ts: B }),
    explanation: 'A REST server ignores a query parameter it does not know, and the gRPC wire skips an unknown field: those clients keep working but their filter or option silently stops applying. A GraphQL query passing the argument no longer validates, a proto JSON parser rejects the unknown field, and TypeScript rejects the extra property.',
  },
  'parameter-became-required': {
    area: 'parameters',
    purpose: 'An optional parameter becomes required.',
    verdicts: everywhere(B),
    explanation: 'Clients that leave it out are rejected by the validation every protocol shares.',
  },
  'parameter-became-optional': {
    area: 'parameters',
    purpose: 'A required parameter becomes optional.',
    verdicts: everywhere(S),
    explanation: 'Clients that send it keep working. (buf\'s FILE rules flag the proto field gaining `optional`, a change in generated accessors, not on the wire.)',
  },
  'parameter-moved': {
    area: 'parameters',
    purpose: 'A parameter moves between path, query, header and cookie.',
    verdicts: on({ rest: B, graphql: S, wire: S, json: S, ts: B }),
    explanation: 'REST clients put the value where it no longer is read; the generated TypeScript groups parameters by location. GraphQL arguments and proto fields carry it by name, so they are unaffected.',
  },
  'request-body-added-required': {
    area: 'request bodies',
    purpose: 'An operation without a body now requires one.',
    verdicts: everywhere(B),
    explanation: 'Existing calls do not carry a body and are rejected in every protocol.',
  },
  'request-body-added-optional': {
    area: 'request bodies',
    purpose: 'An operation without a body accepts an optional one.',
    verdicts: everywhere(S),
    explanation: 'Existing calls without a body stay valid.',
  },
  'request-body-removed': {
    area: 'request bodies',
    purpose: 'An operation no longer takes a request body.',
    verdicts: on({ rest: B, graphql: B, wire: D, json: B, ts: B }),
    explanation: 'A REST request with a body where the contract documents none is refused (415), GraphQL rejects the `input` argument, proto JSON the unknown field and TypeScript the extra property. The gRPC wire skips the unknown `body` field, so those calls go through with their content dropped.',
  },
  'request-body-became-required': {
    area: 'request bodies',
    purpose: 'An optional request body becomes required.',
    verdicts: everywhere(B),
    explanation: 'Calls without a body are rejected in every protocol.',
  },
  'request-body-became-optional': {
    area: 'request bodies',
    purpose: 'A required request body becomes optional.',
    verdicts: everywhere(S),
    explanation: 'Calls with a body stay valid.',
  },
  'request-media-type-removed': {
    area: 'request bodies',
    purpose: 'A media type a request body could be sent in is gone.',
    verdicts: on({ rest: B, graphql: S, wire: S, json: S, ts: B }),
    explanation: 'REST clients sending it get 415, and the generated TypeScript keys request content by media type. GraphQL and gRPC carry the body in their own encoding.',
  },
  'parameter-serialization-changed': {
    area: 'parameters',
    purpose: 'A parameter keeps its name and type but is serialized otherwise (`style`, `explode`, `allowReserved`).',
    verdicts: on({ rest: B, graphql: S, wire: S, json: S, ts: S }),
    explanation: 'REST clients write arrays and objects into the URL or header as the old rule said (`ids=1,2` against `ids=1&ids=2`), which the server now reads otherwise. GraphQL and gRPC carry parameters as typed fields.',
  },
  'security-added': {
    area: 'security',
    purpose: 'A public operation now requires credentials.',
    verdicts: on({ rest: B, graphql: B, wire: B, json: B, ts: S }),
    explanation: 'Anonymous callers get 401, UNAUTHENTICATED or the GraphQL equivalent: authentication is enforced identically in every protocol. The TypeScript types carry no security, so code still compiles; its calls fail as REST calls do.',
  },
  'security-removed': {
    area: 'security',
    purpose: 'An operation no longer requires credentials.',
    verdicts: everywhere(S),
    explanation: 'Every caller who was allowed still is. Review it as a security change all the same.',
  },
  'security-requirement-tightened': {
    area: 'security',
    purpose: 'A security requirement asks for more: a role or scope, or another scheme beside its own.',
    verdicts: on({ rest: B, graphql: B, wire: B, json: B, ts: S }),
    explanation: 'Inside one Security Requirement Object every scheme and every role or scope listed is required, so a caller holding what sufficed before is refused (403, PERMISSION_DENIED, FORBIDDEN) in every protocol. The TypeScript types carry no security, so code still compiles; its calls fail as REST calls do.',
  },
  'security-requirement-removed': {
    area: 'security',
    purpose: 'A security requirement that granted access to an operation is gone, and no other admits its callers.',
    verdicts: on({ rest: B, graphql: B, wire: B, json: B, ts: S }),
    explanation: 'Requirements are alternatives; callers who satisfied only the removed one are refused (403, PERMISSION_DENIED, FORBIDDEN) in every protocol. The TypeScript types carry no security, so code still compiles; its calls fail as REST calls do.',
  },
  'security-requirement-loosened': {
    area: 'security',
    purpose: 'A security requirement asks for less: a role, a scope or a scheme fewer.',
    verdicts: everywhere(S),
    explanation: 'Every caller who was allowed still is. Review it as a security change all the same.',
  },
  'security-requirement-added': {
    area: 'security',
    purpose: 'Another security requirement grants access to an operation.',
    verdicts: everywhere(S),
    explanation: 'Requirements are alternatives, so every caller who was allowed still is.',
  },
  'security-scheme-changed': {
    area: 'security',
    purpose: 'A security scheme an operation requires changes its type, HTTP scheme, bearer format, API key name or place, OAuth2 flows or OpenID Connect URL.',
    verdicts: on({ rest: B, graphql: B, wire: B, json: B, ts: S }),
    explanation: 'Clients present their credential the way the scheme said, or obtain it from the flow it named: a bearer token where a basic login was, a key in another header, a token from another URL. Every protocol authenticates the same way, so every client must change. The TypeScript types carry no security, so code still compiles; its calls fail as REST calls do.',
  },
  'default-changed': {
    area: 'defaults and constraints',
    purpose: 'The default of a parameter or request property is added, removed or changed.',
    verdicts: on({ rest: D, graphql: D, wire: D, json: D, ts: S }),
    explanation: 'Clients that leave the value out get different behaviour without any error, in every protocol. Types do not carry defaults.',
  },
} as const satisfies Record<string, RuleDefinition>;
