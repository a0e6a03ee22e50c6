import type { RuleDefinition } from '../model.ts';
import { B, D, everywhere, on, S } from './verdicts.ts';

/** Rules about deprecation, sunset dates and the proto numbers kept in the lock. */
export const lifecycleRules = {
  'deprecation-added': {
    area: 'deprecation and sunset',
    purpose: 'An operation, parameter, property or schema is marked deprecated.',
    verdicts: everywhere(S),
    explanation: 'Nothing changes yet; `@deprecated` in GraphQL, `deprecated = true` in proto and JSDoc in TypeScript tell clients to move.',
  },
  'sunset-added': {
    area: 'deprecation and sunset',
    purpose: 'An operation or version gets a sunset date (`x-sunset`).',
    verdicts: everywhere(S),
    explanation: 'A notice: nothing a client does changes now, but clients must move before that date, after which the operation may be removed without acknowledgement.',
  },
  'sunset-brought-forward': {
    area: 'deprecation and sunset',
    purpose: 'A sunset date moves earlier.',
    verdicts: everywhere(B),
    explanation: 'The published date was a promise: clients who planned for it lose service earlier than announced. Acknowledge it in the changelog once they have been told.',
  },
  'sunset-postponed': {
    area: 'deprecation and sunset',
    purpose: 'A sunset date moves later or is withdrawn.',
    verdicts: everywhere(S),
    explanation: 'Clients get more time.',
  },
  'proto-number-changed': {
    area: 'proto numbering',
    purpose: 'A proto field or enum value keeps its name but gets another number.',
    verdicts: on({ rest: S, graphql: S, wire: B, json: S, ts: S }),
    explanation: 'The binary wire identifies fields and enum values by number, so old stubs read the value into the wrong field or none. JSON, GraphQL and TypeScript use names and do not notice. The lock exists to prevent this; the lock file or an `x-proto-number` was changed by hand.',
  },
  'proto-number-reused': {
    area: 'proto numbering',
    purpose: 'A proto number once held by another name is given to a new one.',
    verdicts: on({ rest: S, graphql: S, wire: B, json: S, ts: S }),
    explanation: 'Old stubs decode the new field as the old one: silent corruption on the binary wire only.',
  },
  'proto-reservation-dropped': {
    area: 'proto numbering',
    purpose: 'A reserved proto number or name is no longer reserved in the lock.',
    verdicts: on({ rest: S, graphql: S, wire: D, json: D, ts: S }),
    explanation: 'Nothing breaks yet, but a later field may take the number (wire) or the name (proto JSON) of a removed one that old clients still know.',
  },
} as const satisfies Record<string, RuleDefinition>;
