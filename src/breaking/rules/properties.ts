import type { RuleDefinition } from '../model.ts';
import { B, D, everywhere, on, S } from './verdicts.ts';

/**
 * Rules about the properties of objects. A property is judged by direction: what clients send
 * (request) and what they read (response) break in opposite ways, and a schema used both ways
 * gets a finding for each.
 */
export const propertyRules = {
  'request-property-added-required': {
    area: 'properties',
    purpose: 'A request object gains a required property.',
    verdicts: everywhere(B),
    typesAgree: S,
    zeroValueValid: D,
    explanation: 'Existing clients do not send it, and the shared input validation rejects their calls in every protocol. An old gRPC client leaves the field out and the server takes its proto zero value (`""`, `0`, `false`, `[]`): where the validation accepts that value the call goes through with a value nobody chose (dangerous), else it is refused.',
  },
  'request-property-added-optional': {
    area: 'properties',
    purpose: 'A request object gains an optional property.',
    verdicts: everywhere(S),
    typesAgree: S,
    explanation: 'Clients that leave it out behave as before.',
  },
  'request-property-removed': {
    area: 'properties',
    purpose: 'A property clients could send is gone.',
    verdicts: on({ rest: D, graphql: B, wire: D, json: B, ts: B }),
    typesAgree: D,
    explanation: 'A REST server drops a property it does not know and the gRPC wire skips the unknown field, so the value is silently lost. GraphQL rejects the unknown input field, proto JSON the unknown name, TypeScript the extra property.',
  },
  'request-property-became-read-only': {
    area: 'properties',
    purpose: 'A property clients could send becomes read-only.',
    verdicts: on({ rest: D, graphql: B, wire: D, json: D, ts: B }),
    typesAgree: S,
    explanation: 'The server ignores what clients still send for it, over REST and over gRPC, where the proto message keeps the field (marked output only): the value is silently lost. GraphQL drops it from the input type, so queries that set it stop validating, and the TypeScript request type leaves it out.',
  },
  'request-property-removed-closed': {
    area: 'properties',
    purpose: 'A property clients could send is gone from an object that admits no other (`additionalProperties: false`).',
    verdicts: on({ rest: B, graphql: B, wire: D, json: B, ts: B }),
    typesAgree: S,
    explanation: 'The shared validation refuses the property clients still send, so REST calls fail, as GraphQL (the unknown input field), proto JSON (the unknown name) and TypeScript (the extra property) do. The gRPC wire skips the unknown field before validation, so the value is silently lost.',
  },
  'request-property-became-required': {
    area: 'required and nullable',
    purpose: 'An optional request property becomes required.',
    verdicts: everywhere(B),
    typesAgree: S,
    zeroValueValid: D,
    explanation: 'Clients that leave it out are rejected by the validation every protocol shares. An old gRPC client leaves the field out and the server takes its proto zero value (`""`, `0`, `false`, `[]`): where the validation accepts that value the call goes through with a value nobody chose (dangerous), else it is refused.',
  },
  'request-property-became-optional': {
    area: 'required and nullable',
    purpose: 'A required request property becomes optional.',
    verdicts: everywhere(S),
    typesAgree: S,
    explanation: 'Clients that send it keep working. (buf\'s FILE rules flag the proto field gaining `optional`: generated accessors change, the wire does not.)',
  },
  'request-property-became-non-nullable': {
    area: 'required and nullable',
    purpose: 'A request property no longer accepts null.',
    verdicts: on({ rest: B, graphql: B, wire: D, json: D, ts: B }),
    typesAgree: S,
    explanation: 'REST and GraphQL clients that send null are rejected, and TypeScript no longer accepts `null`. Proto has no null: a gRPC client that meant null leaves the field unset, which an optional property still allows (safe for gRPC), while for a required one the server now takes the zero value instead of null (dangerous where the validation accepts it, else breaking); the finding says which.',
  },
  'request-property-became-nullable': {
    area: 'required and nullable',
    purpose: 'A request property now accepts null.',
    verdicts: everywhere(S),
    typesAgree: S,
    explanation: 'Every value that was accepted still is.',
  },
  'response-property-added': {
    area: 'properties',
    purpose: 'A response object gains a property.',
    verdicts: everywhere(S),
    typesAgree: S,
    explanation: 'JSON clients ignore properties they do not know, GraphQL clients do not select it, and old gRPC stubs skip the unknown field.',
  },
  'response-property-removed': {
    area: 'properties',
    purpose: 'A required property clients read is gone (removed, or made write-only).',
    verdicts: on({ rest: B, graphql: B, wire: D, json: D, ts: B }),
    typesAgree: S,
    explanation: 'REST clients read `undefined`, GraphQL queries selecting it stop validating, and TypeScript code using it stops compiling. The lock reserves the proto number, so old gRPC clients decode the message without error and read the zero value: wrong data, no failure.',
  },
  'response-optional-property-removed': {
    area: 'properties',
    purpose: 'An optional property clients could read is gone (removed, or made write-only).',
    verdicts: on({ rest: D, graphql: B, wire: D, json: D, ts: B }),
    typesAgree: S,
    explanation: 'The property was optional, so REST clients already handle its absence; now they never get it, which may change what they do. GraphQL queries selecting it stop validating and TypeScript code using it stops compiling. The lock reserves the proto number, so old gRPC clients read the zero value.',
  },
  'response-property-became-optional': {
    area: 'required and nullable',
    purpose: 'A response property that was always present may now be missing.',
    verdicts: on({ rest: B, graphql: B, wire: D, json: D, ts: B }),
    typesAgree: S,
    explanation: 'REST clients that read it without a check meet `undefined`; the GraphQL field loses its `!`, which breaks typed clients; TypeScript gets `T | undefined`. A gRPC client sees no error, but where the value is now missing its stub reads the zero value (`""`, `0`) as if it had been sent: wrong data, no failure.',
  },
  'response-property-became-required': {
    area: 'required and nullable',
    purpose: 'A response property that could be missing is now always present.',
    verdicts: everywhere(S),
    typesAgree: S,
    explanation: 'Clients that handled its absence keep working. (buf\'s FILE rules flag the proto field losing `optional`.)',
  },
  'response-property-became-nullable': {
    area: 'required and nullable',
    purpose: 'A response property may now be null.',
    verdicts: on({ rest: B, graphql: B, wire: D, json: D, ts: B }),
    typesAgree: S,
    explanation: 'REST clients and the TypeScript type meet `null` where they expected a value, and the GraphQL field loses its `!`. Proto has no null: a gRPC client sees an unset field and reads the zero value (`""`, `0`) as if it had been sent: wrong data, no failure.',
  },
  'response-property-became-non-nullable': {
    area: 'required and nullable',
    purpose: 'A response property is no longer null.',
    verdicts: everywhere(S),
    typesAgree: S,
    explanation: 'Clients that handled null keep working.',
  },
  'property-renamed-number-kept': {
    area: 'proto numbering',
    purpose: 'A property clients send is renamed and the lock keeps its proto number for the new name.',
    verdicts: on({ rest: B, graphql: B, wire: S, json: B, ts: B }),
    typesAgree: S,
    explanation: 'The binary proto wire identifies fields by number, so gRPC clients are unaffected. JSON (REST and proto JSON), GraphQL and TypeScript identify them by name: old clients send the old name, which REST drops or refuses, a proto JSON parser refuses, and GraphQL and TypeScript no longer know.',
  },
  'response-property-renamed-number-kept': {
    area: 'proto numbering',
    purpose: 'A required property clients read is renamed and the lock keeps its proto number for the new name.',
    verdicts: on({ rest: B, graphql: B, wire: S, json: D, ts: B }),
    typesAgree: S,
    explanation: 'The binary proto wire identifies fields by number, so gRPC clients read the field as before. REST clients read `undefined` where the old name was always present, and GraphQL queries and TypeScript code naming it stop validating and compiling. A proto JSON client skips the new name it does not know (as ts-proto\'s fromJSON does) and reads the old one\'s zero value: wrong data, no failure.',
  },
  'response-optional-property-renamed-number-kept': {
    area: 'proto numbering',
    purpose: 'An optional property clients read is renamed and the lock keeps its proto number for the new name.',
    verdicts: on({ rest: D, graphql: B, wire: S, json: D, ts: B }),
    typesAgree: S,
    explanation: 'The binary proto wire identifies fields by number, so gRPC clients read the field as before. REST and proto JSON clients already handle the old name\'s absence; now they never get it, which may change what they do. GraphQL queries and TypeScript code naming it stop validating and compiling.',
  },
  'graphql-name-changed': {
    area: 'properties',
    purpose: 'A property, enum value or parameter keeps its JSON name but gets another GraphQL name (`x-graphql-name`, `x-enum-varnames`, or a name chosen where one clashed).',
    verdicts: on({ rest: S, graphql: B, wire: S, json: S, ts: B }),
    explanation: 'GraphQL queries and variables name the field, enum value or argument, so they stop validating, and the generated GraphQL client types it under the new name. REST, gRPC and the JSON types know it by its JSON or proto name.',
  },
  'proto-field-renamed': {
    area: 'properties',
    purpose: 'A property or parameter keeps its JSON name but gets another proto field name (`x-proto-name`, or a name chosen where one clashed), and with it another number.',
    verdicts: on({ rest: S, graphql: S, wire: B, json: S, ts: B }),
    explanation: 'The lock numbers fields by proto name, so the new name takes a new number and old gRPC clients send and read the old one, which is now reserved: the value is lost. proto JSON keeps the JSON name (`json_name`). The gRPC TypeScript (ts-proto) names the field after its proto name. Pin the old number with `x-proto-number` to keep the wire.',
  },
  'proto-enum-value-renamed': {
    area: 'enums',
    purpose: 'An enum value keeps its JSON value but gets another proto name (`x-enum-varnames`, or a name chosen where one clashed).',
    verdicts: on({ rest: S, graphql: S, wire: B, json: B, ts: B }),
    explanation: 'proto JSON writes enum values by name, and the lock numbers them by name, so the renamed value takes a new number unless `x-proto-numbers` pins the old one: old gRPC clients send a number the server no longer knows. The gRPC TypeScript (ts-proto) names the value after its proto name.',
  },
} as const satisfies Record<string, RuleDefinition>;
