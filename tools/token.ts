import { parseArgs } from 'node:util';
import { authenticatorFromEnv } from '../src/runtime/auth.ts';
import { demoOrgId } from '../src/services/index.ts';

/** `trident token`: prints a dev-mode bearer token for one role in one organisation. */
export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { role: { type: 'string', multiple: true }, org: { type: 'string' }, user: { type: 'string' }, ttl: { type: 'string' } },
  });
  const authenticator = await authenticatorFromEnv();
  if (!authenticator.issue) {
    console.error('Tokens are issued only in dev mode (no TRIDENT_JWT_PUBLIC_KEY or TRIDENT_JWT_SECRET set).');
    return 1;
  }
  const roles = values.role ?? [];
  if (roles.length === 0) {
    console.error('usage: trident token --role ROLE [--role ROLE] [--org ORG] [--user USER] [--ttl SECONDS]');
    return 2;
  }
  const token = await authenticator.issue({ userId: values.user ?? 'usr_devUser0000000001', orgId: values.org ?? demoOrgId, roles }, Number(values.ttl ?? 12 * 3600));
  console.log(token);
  return 0;
}
