import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiError } from '../runtime/errors.ts';
import type { ReadinessCheck } from '../runtime/ops/index.ts';
import { openBlobStore, type BlobStore } from './blobs.ts';
import type { Database } from './db.ts';
import { migrate } from './migrate.ts';

export { abortable, blobPath, openBlobStore, type BlobStore, type ExpectedBlob } from './blobs.ts';
export { isUniqueViolation, StoreError, toStoreError, type Database, type Queryable } from './db.ts';
export { SqlParams } from './sql.ts';
export { migrate, migrationsDir, readMigrations, type Migration } from './migrate.ts';

/** Where the data lives. */
export interface StoreOptions {
  /** A PostgreSQL connection string; when absent, PGlite is used. */
  databaseUrl?: string;
  /** PGlite's data directory; absent means in memory. Ignored with `databaseUrl`. */
  pgliteDir?: string;
  /** The blob store's directory. */
  blobDir: string;
}

/** An open database (migrated) and blob store. */
export interface Store {
  db: Database;
  blobs: BlobStore;
  close(): Promise<void>;
}

/** Opens PostgreSQL at `databaseUrl`, else PGlite (in `pgliteDir`, or in memory); only the driver in use is loaded. */
export async function openDatabase(options: { databaseUrl?: string; pgliteDir?: string }): Promise<Database> {
  if (options.databaseUrl !== undefined && options.databaseUrl !== '') return (await import('./postgres.ts')).openPostgres(options.databaseUrl);
  return (await import('./pglite.ts')).openPglite(options.pgliteDir);
}

/** Opens the database, applies pending migrations and opens the blob store. */
export async function openStore(options: StoreOptions): Promise<Store> {
  const db = await openDatabase(options);
  try {
    await migrate(db);
    const blobs = await openBlobStore(options.blobDir);
    return { db, blobs, close: () => db.close() };
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }
}

/**
 * Whether the store can serve: the database answers `SELECT 1` and the blob folder can be read and
 * written. The reasons name no host, path or database text.
 */
export async function storeReadiness(store: Pick<Store, 'db' | 'blobs'>): Promise<ReadinessCheck[]> {
  const database = store.db.query('SELECT 1').then(
    (): ReadinessCheck => ({ name: 'database', ok: true }),
    (error: unknown): ReadinessCheck => ({ name: 'database', ok: false, reason: error instanceof ApiError && error.code === 'unavailable' ? 'not reachable' : 'query failed' }),
  );
  const blobs = access(store.blobs.dir, constants.R_OK | constants.W_OK).then(
    (): ReadinessCheck => ({ name: 'blobs', ok: true }),
    (error: NodeJS.ErrnoException): ReadinessCheck => ({ name: 'blobs', ok: false, reason: `folder not usable (${error.code ?? 'error'})` }),
  );
  return Promise.all([database, blobs]);
}

/**
 * The store options a server takes from its environment: `DATABASE_URL` selects PostgreSQL;
 * `TRIDENT_DATA_DIR` (default `defaultDataDir`) holds PGlite's files in `db/` and the blobs in
 * `blobs/`; `TRIDENT_BLOB_DIR` moves the blobs elsewhere.
 */
export function storeOptionsFromEnv(env: NodeJS.ProcessEnv, defaultDataDir = '.trident'): StoreOptions {
  const dataDir = env.TRIDENT_DATA_DIR ?? defaultDataDir;
  const options: StoreOptions = { pgliteDir: join(dataDir, 'db'), blobDir: env.TRIDENT_BLOB_DIR ?? join(dataDir, 'blobs') };
  if (env.DATABASE_URL !== undefined && env.DATABASE_URL !== '') options.databaseUrl = env.DATABASE_URL;
  return options;
}
