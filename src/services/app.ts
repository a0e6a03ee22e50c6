/**
 * The imaging-review product as `trident serve` runs it: the store (PGlite in the data directory,
 * or PostgreSQL at DATABASE_URL), the services of every API version, and, in dev mode only, the
 * demo organisation.
 * This is the default export of src/services/index.ts, the project's handler module.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProjectContext, ProjectSetup } from '../runtime/app.ts';
import { openStore, storeOptionsFromEnv, storeReadiness } from '../store/index.ts';
import { seedDemo } from './demo/seed.ts';
import { createServices } from './index.ts';
import { secretsFromMasterKey } from './study/pseudonym.ts';

// A fixed pseudonym key for local development only; production sets TRIDENT_PSEUDONYM_KEY.
const devPseudonymKey = 'trident-dev-only-pseudonym-key';
// Any fixed number: replicas starting at once on one database seed the demo one after another.
const seedLock = 7_262_302;

/** Opens the store, builds the services and, in dev mode, seeds the demo organisation. */
export async function imagingReview(context: ProjectContext): Promise<ProjectSetup> {
  const { env } = context;
  if (env.NODE_ENV === 'production' && !env.TRIDENT_PSEUDONYM_KEY) throw new Error('Set TRIDENT_PSEUDONYM_KEY in production.');
  // A conformance run gets an in-memory PGlite (or DATABASE_URL) and a blob folder of its own.
  const scratch = context.ephemeral ? mkdtempSync(join(tmpdir(), 'trident-conformance-')) : undefined;
  const databaseUrl = env.DATABASE_URL !== undefined && env.DATABASE_URL !== '' ? env.DATABASE_URL : undefined;
  const store = await openStore(scratch ? { blobDir: scratch, ...(databaseUrl ? { databaseUrl } : {}) } : storeOptionsFromEnv(env, join(context.root, '.trident')));
  const close = async (): Promise<void> => {
    await store.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  };
  try {
    const services = createServices({ db: store.db, blobs: store.blobs, secrets: secretsFromMasterKey(scratch ? 'conformance' : (env.TRIDENT_PSEUDONYM_KEY ?? devPseudonymKey)) });
    const database = `Database: ${store.db.kind === 'pglite' ? 'embedded PGlite' : 'PostgreSQL'}.`;
    const blobs = `Blobs: ${store.blobs.where}.`;
    const implementations = services as unknown as Record<string, object>;
    const operations = { ready: (signal: AbortSignal) => storeReadiness(store, signal), ...(store.db.pool ? { databasePool: store.db.pool } : {}) };
    // A production store holds real organisations only: the demo clinic and its patient stay out.
    if (context.mode === 'production') return { implementations, close, ...operations, banner: [database, blobs, 'No demo data: it is seeded in dev mode only.'] };
    const seed = await store.db.exclusive(seedLock, () => seedDemo(store.db, services));
    return {
      implementations,
      close,
      ...operations,
      banner: [database, blobs, `Demo study: ${seed.studyId} (organisation ${seed.orgId})`],
      selfCheck: { api: 'study/v2', operationId: 'getStudy', role: 'doctor', input: { path: { studyId: seed.studyId } }, compare: ['id', 'version', 'description'] },
    };
  } catch (error) {
    await close();
    throw error;
  }
}
