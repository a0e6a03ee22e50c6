import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devAuthenticator } from '../../src/runtime/auth.ts';
import { loadApis } from '../../src/runtime/load.ts';
import { startServers, type RunningServers } from '../../src/runtime/server.ts';
import { createServices, secretsFromMasterKey, seedDemo, type DemoSeed } from '../../src/services/index.ts';
import { openStore } from '../../src/store/index.ts';

export const repoRoot = join(import.meta.dirname, '..', '..');

export interface Served {
  servers: Pick<RunningServers, 'httpUrl' | 'grpcAddress'>;
  seed: DemoSeed;
  /** A dev token of the demo organisation's user holding `role`. */
  token(role: keyof DemoSeed['users']): Promise<string>;
  /** A dev token of a user of another organisation. */
  outsider(role: string): Promise<string>;
  close(): Promise<void>;
}

/** The real services on an in-memory PGlite with the demo organisation, served on loopback in dev mode. */
export async function serveDemo(): Promise<Served> {
  const blobDir = mkdtempSync(join(tmpdir(), 'trident-clients-'));
  const store = await openStore({ blobDir });
  const services = createServices({ db: store.db, blobs: store.blobs, secrets: secretsFromMasterKey('clients') });
  const seed = await seedDemo(store.db, services);
  const authenticator = devAuthenticator();
  const servers = await startServers({ apis: await loadApis(repoRoot), implementations: services as unknown as Record<string, object>, authenticator });
  return {
    servers,
    seed,
    token: (role) => authenticator.issue!({ userId: seed.users[role], orgId: seed.orgId, roles: [role] }),
    outsider: (role) => authenticator.issue!({ userId: 'usr_outsider000000001', orgId: 'org_otherClinic00001', roles: [role] }),
    async close() {
      await servers.close(2000);
      await store.close();
      rmSync(blobDir, { recursive: true, force: true });
    },
  };
}
