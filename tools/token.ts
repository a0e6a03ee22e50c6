import { parseArgs } from 'node:util';
import { authenticatorFromEnv, defaultDevTokenSeconds } from '../src/runtime/auth.ts';
import { loadConfig } from '../src/config/index.ts';
import { contractRoles, devIdentities } from '../src/runtime/app.ts';
import { loadApis } from '../src/runtime/load.ts';
import { UsageError } from './usage-error.ts';

/**
 * `trident token`: prints a dev-mode bearer token for roles in one organisation. A wrong argument
 * (a role no contract names, a --ttl that is not a positive whole number or is above the maximum
 * token lifetime) throws a `UsageError`.
 */
export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { role: { type: 'string', multiple: true }, org: { type: 'string' }, user: { type: 'string' }, ttl: { type: 'string' } },
  });
  const roles = values.role ?? [];
  if (roles.length === 0) throw new UsageError('--role is missing: name the role the token holds');
  if (values.ttl !== undefined && !/^[1-9][0-9]*$/.test(values.ttl)) throw new UsageError(`--ttl takes a positive whole number of seconds, not '${values.ttl}'`);
  const authenticator = await authenticatorFromEnv();
  if (!authenticator.issue) {
    console.error('Tokens are issued only in dev mode (no TRIDENT_JWT_PUBLIC_KEY or TRIDENT_JWT_SECRET set).');
    return 1;
  }
  // The server refuses a token that lives longer than its maximum: refuse to issue one.
  const maxLifetime = authenticator.policy?.maxLifetimeSeconds ?? Number.POSITIVE_INFINITY;
  const ttl = values.ttl === undefined ? Math.min(defaultDevTokenSeconds, maxLifetime) : Number(values.ttl);
  if (ttl > maxLifetime) throw new UsageError(`--ttl ${values.ttl} is above the maximum token lifetime of ${maxLifetime} seconds, which servers refuse; ask for at most ${maxLifetime} (or raise TRIDENT_JWT_MAX_LIFETIME on the servers and here)`);
  // The organisation and user of the project's dev identities (the handler module's `identities`).
  const root = process.cwd();
  const config = loadConfig(root);
  const apis = await loadApis(root, config);
  // A token for a role no operation asks for would be refused everywhere: a typo, caught here.
  const known = contractRoles(apis);
  const unknown = roles.filter((role) => !known.includes(role));
  if (unknown.length > 0) {
    const names = unknown.map((role) => `'${role}'`).join(', ');
    throw new UsageError(`no contract names the role ${names}; the roles are ${known.length > 0 ? known.join(', ') : `none (no contract under ${root} requires one)`}`);
  }
  const identities = await devIdentities(config.serve.handlers, root, apis);
  const userId = values.user ?? identities.users[roles[0] ?? ''] ?? 'usr_devUser0000000001';
  const token = await authenticator.issue({ userId, orgId: values.org ?? identities.orgId, roles }, ttl);
  console.log(token);
  return 0;
}
