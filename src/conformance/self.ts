import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devAuthenticator } from '../runtime/auth.ts';
import { loadApis, type LoadedApi } from '../runtime/load.ts';
import { startServers } from '../runtime/server.ts';
import { createServices, secretsFromMasterKey, seedDemo, type DemoSeed, type Services } from '../services/index.ts';
import { openStore } from '../store/index.ts';

/** Our servers, started in this process for a conformance run. */
export interface SelfServers {
  httpUrl: string;
  grpcAddress: string;
  apis: LoadedApi[];
  seed: DemoSeed;
  database: 'pglite' | 'postgres';
  close(): Promise<void>;
}

export interface SelfOptions {
  root: string;
  /** A PostgreSQL server; without it, an in-memory PGlite. */
  databaseUrl?: string;
  /** Replaces the implementations before they are served (tests use it to break one on purpose). */
  implementations?: (services: Services) => Record<string, object>;
}

/**
 * Starts the real services over the three protocols on loopback, on a fresh in-memory PGlite (or
 * `databaseUrl`), in dev mode, with the demo organisation seeded.
 */
export async function startSelf(options: SelfOptions): Promise<SelfServers> {
  const blobDir = mkdtempSync(join(tmpdir(), 'trident-conformance-'));
  const store = await openStore({ blobDir, ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}) });
  try {
    const services = createServices({ db: store.db, blobs: store.blobs, secrets: secretsFromMasterKey('conformance') });
    const seed = await seedDemo(store.db, services);
    const apis = await loadApis(options.root);
    const implementations = options.implementations ? options.implementations(services) : (services as unknown as Record<string, object>);
    const servers = await startServers({ apis, implementations, authenticator: devAuthenticator() });
    return {
      httpUrl: servers.httpUrl,
      grpcAddress: servers.grpcAddress,
      apis,
      seed,
      database: store.db.kind === 'pglite' ? 'pglite' : 'postgres',
      async close() {
        await servers.close(2000);
        await store.close();
        rmSync(blobDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await store.close();
    rmSync(blobDir, { recursive: true, force: true });
    throw error;
  }
}
