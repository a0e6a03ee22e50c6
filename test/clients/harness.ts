import { join } from 'node:path';
import { startSelf, type SelfServers } from '../../src/conformance/self.ts';
import { devAuthenticator } from '../../src/runtime/auth.ts';
import type { DemoSeed } from '../../src/services/index.ts';

export const repoRoot = join(import.meta.dirname, '..', '..');

export interface Served {
  servers: Pick<SelfServers, 'httpUrl' | 'grpcAddress'>;
  seed: DemoSeed;
  /** A dev token of the demo organisation's user holding `role`. */
  token(role: keyof DemoSeed['users']): Promise<string>;
  /** A dev token of a user of another organisation. */
  outsider(role: string): Promise<string>;
  close(): Promise<void>;
}

/** The real services on an in-memory PGlite with the demo organisation, served on loopback in dev mode. */
export async function serveDemo(): Promise<Served> {
  const self = await startSelf({ root: repoRoot });
  const authenticator = devAuthenticator();
  return {
    servers: self,
    seed: self.seed,
    token: (role) => authenticator.issue!({ userId: self.seed.users[role], orgId: self.seed.orgId, roles: [role] }),
    outsider: (role) => authenticator.issue!({ userId: 'usr_outsider000000001', orgId: 'org_otherClinic00001', roles: [role] }),
    close: () => self.close(),
  };
}
