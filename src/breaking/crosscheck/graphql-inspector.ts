import { diff } from '@graphql-inspector/core';
import { buildSchema } from 'graphql';
import type { ReferenceFinding } from './model.ts';

/** Runs graphql-inspector's `diff` on two generated schemas; BREAKING is breaking, DANGEROUS dangerous. */
export async function runGraphqlInspector(baseSchema: string, revisionSchema: string): Promise<ReferenceFinding[]> {
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
