import { createRequire } from 'node:module';
import type { ReferenceFinding } from './model.ts';

// graphql-inspector and the schemas it compares must share one copy of graphql-js; loading both
// through require keeps them in the same module system whatever loads this file (a bundler or a
// test runner may otherwise hand it the ES module build and the inspector the CommonJS one).
const require = createRequire(import.meta.url);

/** Runs graphql-inspector's `diff` on two generated schemas; BREAKING is breaking, DANGEROUS dangerous. */
export async function runGraphqlInspector(baseSchema: string, revisionSchema: string): Promise<ReferenceFinding[]> {
  const { buildSchema } = require('graphql') as typeof import('graphql');
  const { diff } = require('@graphql-inspector/core') as typeof import('@graphql-inspector/core');
  const changes = await diff(buildSchema(baseSchema), buildSchema(revisionSchema));
  return changes.map((change) => {
    // `changed type from 'ThingEvent!' to 'ThingChange!'` is also about those types.
    const aliases = change.type.endsWith('TYPE_CHANGED') ? [...change.message.matchAll(/'\[*(\w+)[!\]]*'/g)].map((match) => match[1] ?? '') : [];
    return {
      tool: 'graphql-inspector',
      id: change.type,
      level: change.criticality.level === 'BREAKING' ? 'breaking' : change.criticality.level === 'DANGEROUS' ? 'dangerous' : 'info',
      message: change.message,
      subject: change.path ?? '',
      ...(aliases.length > 0 ? { aliases } : {}),
    };
  });
}
