import type { Authenticator } from '../../src/runtime/auth.ts';
import type { PageSwitches } from '../../src/runtime/server.ts';

/** A switch that is neither on nor off, named with the values it takes. */
export class SwitchError extends Error {
  override name = 'SwitchError';
}

const on = new Set(['1', 'true', 'on', 'yes']);
const off = new Set(['0', 'false', 'off', 'no']);

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const value = env[name]?.trim().toLowerCase();
  if (value === undefined || value === '') return fallback;
  if (on.has(value)) return true;
  if (off.has(value)) return false;
  throw new SwitchError(`${name}=${env[name]} is neither on nor off: write on or off (also true/false, 1/0, yes/no)`);
}

/**
 * What `serve` offers people besides the APIs: GraphiQL, GraphQL introspection and the reference
 * pages. Each is on in dev mode and off in production mode unless its variable says otherwise
 * (`TRIDENT_GRAPHIQL`, `TRIDENT_INTROSPECTION`, `TRIDENT_REFERENCE`).
 */
export function pageSwitches(env: NodeJS.ProcessEnv, mode: Authenticator['mode']): PageSwitches {
  const dev = mode === 'dev';
  return { graphiql: flag(env, 'TRIDENT_GRAPHIQL', dev), introspection: flag(env, 'TRIDENT_INTROSPECTION', dev), reference: flag(env, 'TRIDENT_REFERENCE', dev) };
}
