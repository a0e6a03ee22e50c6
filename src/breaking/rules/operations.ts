import type { RuleDefinition } from '../model.ts';
import { B, D, everywhere, on, S } from './verdicts.ts';

/** Rules about API versions, operations and how each protocol names and routes them. */
export const operationRules = {
  'version-removed': {
    area: 'versions',
    purpose: 'A major version of an API is no longer in the contracts.',
    verdicts: everywhere(B),
    explanation: 'Every client of the version loses every operation. The policy allows it only after the sunset date in `info.x-sunset`.',
  },
  'version-added': {
    area: 'versions',
    purpose: 'A new major version of an API appears.',
    verdicts: everywhere(S),
    explanation: 'A new major version is served beside the previous one; its report is a migration guide from the previous major.',
  },
  'operation-removed': {
    area: 'operations',
    purpose: 'An operation is gone: its REST route, GraphQL field and gRPC method.',
    verdicts: everywhere(B),
    explanation: 'Every caller of the operation fails (404, an invalid GraphQL query, UNIMPLEMENTED). Removing an operation before its sunset date fails the gate even when acknowledged.',
  },
  'operation-added': {
    area: 'operations',
    purpose: 'A new operation appears.',
    verdicts: everywhere(S),
    explanation: 'Nothing an existing client sends changes.',
  },
  'operation-id-renamed': {
    area: 'operations',
    purpose: 'An operation keeps its method and path but its operationId changes.',
    verdicts: on({ rest: S, graphql: S, wire: B, json: B, ts: B }),
    explanation: 'REST clients call the same method and path, so nothing changes for them. The gRPC method is named after the operationId and its name is part of the call (`/pkg.Service/Method`), so gRPC clients get UNIMPLEMENTED; the generated TypeScript keys operations by operationId. The GraphQL field is reported on its own (`graphql-field-renamed`), since `x-graphql-name` can keep it.',
  },
  'graphql-field-renamed': {
    area: 'operations',
    purpose: 'The GraphQL field of an operation changes name (operationId or `x-graphql-name`).',
    verdicts: on({ rest: S, graphql: B, wire: S, json: S, ts: S }),
    explanation: 'GraphQL queries name the field, so they stop validating; the other protocols do not see the GraphQL name. Pin the old name with `x-graphql-name` to keep GraphQL clients working.',
  },
  'operation-route-changed': {
    area: 'operations',
    purpose: 'An operation keeps its operationId but moves to another method or path.',
    verdicts: on({ rest: B, graphql: S, wire: S, json: S, ts: B }),
    explanation: 'REST clients call the old route and get 404 or 405, and openapi-fetch clients key requests by path. GraphQL fields and gRPC methods are named after the operationId and do not move.',
  },
  'graphql-operation-kind-changed': {
    area: 'operations',
    purpose: 'The GraphQL root of an operation changes (Query, Mutation or Subscription).',
    verdicts: on({ rest: S, graphql: B, wire: S, json: S, ts: S }),
    explanation: 'A GraphQL document names its operation type (`query { ... }`), so the field is no longer where clients look for it. The other protocols have no such split.',
  },
  'path-parameter-renamed': {
    area: 'operations',
    purpose: 'A path template keeps its shape but a parameter in it is renamed.',
    verdicts: on({ rest: S, graphql: B, wire: B, json: B, ts: B }),
    explanation: 'The URL a REST client builds is the same. The GraphQL argument, the proto request field (with a new number from the lock) and the TypeScript parameter key all take the new name.',
  },
  'success-status-changed': {
    area: 'responses',
    purpose: 'The success status of an operation changes (200 to 201, say).',
    verdicts: on({ rest: B, graphql: S, wire: S, json: S, ts: B }),
    explanation: 'REST clients that check the status, and the generated TypeScript response types keyed by status, see a different one. GraphQL and gRPC have one success outcome and do not carry the HTTP status.',
  },
  'error-status-added': {
    area: 'responses',
    purpose: 'An operation documents a new error status.',
    verdicts: on({ rest: D, graphql: D, wire: D, json: D, ts: D }),
    explanation: 'Clients may meet an error (and its GraphQL code or gRPC status) they do not handle. The generated types only grow.',
  },
  'error-status-removed': {
    area: 'responses',
    purpose: 'An operation no longer documents an error status.',
    verdicts: everywhere(S),
    explanation: 'Clients handle an error that no longer happens; nothing they do fails.',
  },
  'response-header-removed': {
    area: 'responses',
    purpose: 'A success response no longer documents a header it sent (`ETag`, `Location`, a rate limit).',
    verdicts: on({ rest: B, graphql: S, wire: S, json: S, ts: B }),
    explanation: 'REST clients that read the header (to send `If-Match`, to follow `Location`) get nothing, and the generated TypeScript types lose it. GraphQL and gRPC do not expose response headers of the contract.',
  },
  'response-header-became-optional': {
    area: 'responses',
    purpose: 'A response header that was required may now be missing.',
    verdicts: on({ rest: B, graphql: S, wire: S, json: S, ts: B }),
    explanation: 'REST clients that read it without a check meet nothing, and the generated TypeScript types make it optional. GraphQL and gRPC do not expose response headers of the contract.',
  },
  'webhook-removed': {
    area: 'operations',
    purpose: 'A webhook of the document, or a callback of an operation, is gone.',
    verdicts: on({ rest: B, graphql: S, wire: S, json: S, ts: B }),
    explanation: 'Subscribers stop receiving the requests they were built to answer, and the generated TypeScript types lose the webhook or callback. Webhooks and callbacks are plain HTTP; GraphQL and gRPC have none.',
  },
  'response-body-removed': {
    area: 'responses',
    purpose: 'A success response that had a JSON body has none now.',
    verdicts: everywhere(B),
    explanation: 'Clients that read the body get nothing; the GraphQL field becomes a Boolean and the proto response loses its `body`.',
  },
  'response-body-added': {
    area: 'responses',
    purpose: 'A success response without a body gets a JSON body.',
    verdicts: on({ rest: S, graphql: B, wire: S, json: S, ts: S }),
    explanation: 'REST and gRPC clients ignore what they did not expect. In GraphQL the field changes from `Boolean!` to an object type, which needs a selection set, so existing queries stop validating.',
  },
  'response-media-type-removed': {
    area: 'responses',
    purpose: 'A media type of a success response is gone.',
    verdicts: on({ rest: B, graphql: S, wire: S, json: S, ts: B }),
    explanation: 'REST clients that ask for it (`Accept`) get 406, and the generated TypeScript keys content by media type. GraphQL and gRPC do not negotiate media types.',
  },
  'streaming-changed': {
    area: 'streams',
    purpose: 'An operation starts or stops answering with a stream.',
    verdicts: everywhere(B),
    explanation: 'REST clients get `text/event-stream` instead of JSON (or the reverse), the GraphQL field moves between Subscription and Query or Mutation, and the gRPC method changes its streaming kind, which generated stubs cannot call.',
  },
} as const satisfies Record<string, RuleDefinition>;
