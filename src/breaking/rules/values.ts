import type { RuleDefinition } from '../model.ts';
import { B, D, everywhere, on, S } from './verdicts.ts';

/** Rules about the values a schema allows: types, formats, enums, unions and constraints. */
export const valueRules = {
  'type-changed': {
    area: 'types and formats',
    purpose: 'A value changes to an incompatible type (string to integer, object to list, ...).',
    verdicts: everywhere(B),
    explanation: 'No protocol can carry the old values in the new type.',
  },
  'response-int32-to-int64': {
    area: 'types and formats',
    purpose: 'A response integer widens from int32 to int64.',
    verdicts: on({ rest: D, graphql: B, wire: D, json: B, ts: B }),
    explanation: 'A JSON number looks the same, but values past 2^31 overflow clients that assumed 32 bits. GraphQL changes the field from `Int` to `Long` (a string), which typed clients reject. On the proto wire int32 and int64 share the varint encoding, so old stubs decode it and truncate large values. proto JSON writes int64 as a string (`"42"` where it wrote `42`): a protobuf parser with the old stub accepts it, but a client reading the JSON itself gets a string where it expects a number. The gRPC TypeScript (ts-proto, `forceLong=string`) changes from `number` to `string`.',
  },
  'request-int32-to-int64': {
    area: 'types and formats',
    purpose: 'A request integer widens from int32 to int64.',
    verdicts: on({ rest: S, graphql: B, wire: S, json: S, ts: B }),
    explanation: 'Every int32 a client sends is a valid int64 in JSON and on the proto wire. GraphQL variables declared `Int` no longer match the `Long` argument, and the gRPC TypeScript takes a string instead of a number.',
  },
  'response-int64-to-int32': {
    area: 'types and formats',
    purpose: 'A response integer narrows from int64 to int32.',
    verdicts: on({ rest: S, graphql: B, wire: S, json: S, ts: B }),
    explanation: 'Clients read smaller values than they were ready for: nothing changes in JSON or on the proto wire (a proto JSON parser reads an int64 from a number as well as from a string). GraphQL changes the field from `Long` to `Int`, and the gRPC TypeScript from a string to a number.',
  },
  'request-int64-to-int32': {
    area: 'types and formats',
    purpose: 'A request integer narrows from int64 to int32.',
    verdicts: on({ rest: B, graphql: B, wire: D, json: D, ts: B }),
    explanation: 'Values past 2^31 that were accepted are now refused by the shared validation. GraphQL variables declared `Long` no longer match, and the gRPC TypeScript takes a number instead of a string. Old gRPC stubs still encode the varint, which the server truncates or refuses depending on its size.',
  },
  'float-double-changed': {
    area: 'types and formats',
    purpose: 'A number changes between float and double.',
    verdicts: on({ rest: D, graphql: S, wire: B, json: S, ts: S }),
    explanation: 'JSON, GraphQL (`Float`) and TypeScript (`number`) carry both the same way; only the precision kept changes. On the proto wire float is a 32-bit and double a 64-bit fixed-size value, so old stubs cannot decode the field.',
  },
  'date-time-format-changed': {
    area: 'types and formats',
    purpose: 'A string gains or loses the date-time format.',
    verdicts: on({ rest: D, graphql: B, wire: B, json: S, ts: S }),
    explanation: 'REST JSON and proto JSON carry an RFC 3339 string either way, and the TypeScript type stays `string`. GraphQL switches between `String` and `DateTime`, and the proto field between `string` and `google.protobuf.Timestamp`, a message on the wire.',
  },
  'string-format-changed': {
    area: 'types and formats',
    purpose: 'A string changes its format (date, email, uuid, ...) but keeps the same type everywhere.',
    verdicts: on({ rest: D, graphql: S, wire: S, json: S, ts: S }),
    explanation: 'Every protocol carries a plain string; the values the server sends or accepts may change shape.',
  },
  'schema-renamed': {
    area: 'types and formats',
    purpose: 'A value now refers to a schema of another name.',
    verdicts: on({ rest: S, graphql: B, wire: S, json: S, ts: B }),
    explanation: 'JSON never carries schema names and the proto wire does not carry message names. GraphQL fragments (`... on Study`) and variable types name the type, and TypeScript code names the schema. Changes of shape are reported on their own.',
  },
  'schema-removed': {
    area: 'types and formats',
    purpose: 'A component schema that no operation reaches is removed.',
    verdicts: on({ rest: S, graphql: D, wire: S, json: S, ts: B }),
    explanation: 'No request or response carries it. GraphQL still printed it, but no valid query can reach an unreachable type; code generated from the schema, and TypeScript naming it, loses it.',
  },
  'response-enum-value-added': {
    area: 'enums',
    purpose: 'A response enum gains a value.',
    verdicts: everywhere(D),
    explanation: 'Clients that switch over the values meet one they do not know: proto3 keeps it as a bare number, GraphQL and TypeScript clients may have exhaustive code.',
  },
  'response-enum-value-removed': {
    area: 'enums',
    purpose: 'A response enum loses a value.',
    verdicts: on({ rest: S, graphql: B, wire: S, json: S, ts: B }),
    explanation: 'JSON and gRPC clients simply never receive it again (the lock reserves its proto number). GraphQL documents and TypeScript code that name the value stop validating or compiling.',
  },
  'request-enum-value-added': {
    area: 'enums',
    purpose: 'A request enum accepts another value.',
    verdicts: everywhere(S),
    explanation: 'Every value that was accepted still is.',
  },
  'request-enum-value-removed': {
    area: 'enums',
    purpose: 'A request enum no longer accepts a value.',
    verdicts: everywhere(B),
    explanation: 'Clients sending it are rejected in every protocol, and code naming it stops compiling.',
  },
  'response-union-variant-added': {
    area: 'unions',
    purpose: 'A response oneOf gains a variant.',
    verdicts: everywhere(D),
    explanation: 'Clients meet a variant they do not handle: an unknown tag in JSON, an unselected `__typename` in GraphQL, an unset oneof for old gRPC stubs.',
  },
  'response-union-variant-removed': {
    area: 'unions',
    purpose: 'A response oneOf loses a variant.',
    verdicts: on({ rest: S, graphql: B, wire: S, json: S, ts: B }),
    explanation: 'JSON and gRPC clients never receive it again. GraphQL fragments on it and TypeScript code naming it break.',
  },
  'request-union-variant-added': {
    area: 'unions',
    purpose: 'A request oneOf accepts another variant.',
    verdicts: everywhere(S),
    explanation: 'Every value that was accepted still is.',
  },
  'request-union-variant-removed': {
    area: 'unions',
    purpose: 'A request oneOf no longer accepts a variant.',
    verdicts: everywhere(B),
    explanation: 'Clients sending it are rejected in every protocol.',
  },
  'discriminator-changed': {
    area: 'unions',
    purpose: 'The discriminator property of a oneOf is renamed.',
    verdicts: on({ rest: B, graphql: S, wire: S, json: S, ts: B }),
    explanation: 'JSON bodies carry the tag in that property. GraphQL tells variants apart by `__typename` and proto by the oneof field, so neither sees it.',
  },
  'const-changed': {
    area: 'defaults and constraints',
    purpose: 'A value fixed by `const` (or a one-value `enum`) is fixed to another value.',
    verdicts: everywhere(B),
    explanation: 'Clients that send the old value are rejected by the validation every protocol shares; clients that read it (an event type, a kind) compare it with the old one, and TypeScript types it as the literal.',
  },
  'discriminator-mapping-changed': {
    area: 'unions',
    purpose: 'A variant of a oneOf keeps its schema but is tagged with another discriminator value (its mapping changed).',
    verdicts: on({ rest: B, graphql: S, wire: B, json: B, ts: B }),
    explanation: 'JSON bodies carry the new tag, which clients switching on the old one do not know, and requests with the old tag are rejected. GraphQL tells variants apart by `__typename`, which stays. proto names the oneof field after the tag, so the field (and with it its number) changes on the wire and in proto JSON.',
  },
  'request-constraint-tightened': {
    area: 'defaults and constraints',
    purpose: 'A request value gets a tighter length, range, pattern, format or item rule.',
    verdicts: on({ rest: B, graphql: B, wire: B, json: B, ts: S }),
    explanation: 'Input is validated once against the contract\'s JSON Schema for every protocol, so values that were accepted are now refused everywhere. Types do not carry constraints.',
  },
  'request-constraint-loosened': {
    area: 'defaults and constraints',
    purpose: 'A request value gets a looser length, range, pattern, format or item rule.',
    verdicts: everywhere(S),
    explanation: 'Every value that was accepted still is.',
  },
  'response-constraint-loosened': {
    area: 'defaults and constraints',
    purpose: 'A response value may be longer, larger or shaped differently than before.',
    verdicts: on({ rest: D, graphql: D, wire: D, json: D, ts: S }),
    explanation: 'Clients that sized buffers or validated against the old rule may reject what they now receive.',
  },
  'response-constraint-tightened': {
    area: 'defaults and constraints',
    purpose: 'A response value gets a tighter rule.',
    verdicts: everywhere(S),
    explanation: 'Every value clients now receive was already allowed.',
  },
} as const satisfies Record<string, RuleDefinition>;
