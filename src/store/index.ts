import { join } from 'node:path';
import { ApiError } from '../runtime/errors.ts';
import type { ReadinessCheck } from '../runtime/ops/index.ts';
import { openBlobStore, type BlobStore } from './blobs.ts';
import type { Database } from './db.ts';
import { migrate } from './migrate.ts';
import { s3OptionsFromEnv, sweepAgeFromEnv, type S3BlobOptions } from './s3-config.ts';

export { abortable, blobPath, openBlobStore, type BlobStore, type ExpectedBlob } from './blobs.ts';
export { s3OptionsFromEnv, type S3BlobOptions } from './s3-config.ts';
export { isUniqueViolation, StoreError, toStoreError, type Database, type Queryable } from './db.ts';
export { SqlParams } from './sql.ts';
export { migrate, migrationsDir, readMigrations, type Migration } from './migrate.ts';

/** Where the data lives. */
export interface StoreOptions {
  /** A PostgreSQL connection string; when absent, PGlite is used. */
  databaseUrl?: string;
  /** PGlite's data directory; absent means in memory. Ignored with `databaseUrl`. */
  pgliteDir?: string;
  /** The blob store's directory; ignored with `s3`. */
  blobDir?: string;
  /** Keep the blobs in an S3-compatible bucket instead of a directory. */
  s3?: S3BlobOptions;
  /** Unfinished uploads older than this are removed on opening (folder: 0, bucket: an hour). */
  blobSweepAgeMs?: number;
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
    const blobs = await openBlobs(options);
    return {
      db,
      blobs,
      close: async () => {
        blobs.close();
        await db.close();
      },
    };
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }
}

/** The blob store of `options`; the S3 SDK is loaded only for a bucket. */
async function openBlobs(options: StoreOptions): Promise<BlobStore> {
  const sweep = options.blobSweepAgeMs === undefined ? {} : { sweepAgeMs: options.blobSweepAgeMs };
  if (options.s3 !== undefined) return (await import('./s3-blobs.ts')).openS3BlobStore({ ...options.s3, ...sweep });
  if (options.blobDir === undefined) throw new Error('a store needs a blob directory or a bucket');
  return openBlobStore(options.blobDir, sweep);
}

/**
 * Whether the store can serve: the database answers `SELECT 1` and the blob store can be read and
 * written (the folder's access, or the bucket answering). The reasons name no host, path, bucket
 * or database text.
 */
export async function storeReadiness(store: Pick<Store, 'db' | 'blobs'>, signal?: AbortSignal): Promise<ReadinessCheck[]> {
  const database = store.db.query('SELECT 1').then(
    (): ReadinessCheck => ({ name: 'database', ok: true }),
    (error: unknown): ReadinessCheck => ({ name: 'database', ok: false, reason: error instanceof ApiError && error.code === 'unavailable' ? 'not reachable' : 'query failed' }),
  );
  return Promise.all([database, store.blobs.check(signal)]);
}

/**
 * The store options a server takes from its environment: `DATABASE_URL` selects PostgreSQL;
 * `TRIDENT_DATA_DIR` (default `defaultDataDir`) holds PGlite's files in `db/` and the blobs in
 * `blobs/`; `TRIDENT_BLOB_DIR` moves the blobs elsewhere, `TRIDENT_BLOB_S3_BUCKET` (with the other
 * `TRIDENT_BLOB_S3_*`) into a bucket; `TRIDENT_BLOB_SWEEP_AGE` is the sweep's age in seconds.
 * A value that cannot be used is a SetupError naming the variable.
 */
export function storeOptionsFromEnv(env: NodeJS.ProcessEnv, defaultDataDir = '.trident'): StoreOptions {
  const dataDir = env.TRIDENT_DATA_DIR ?? defaultDataDir;
  const s3 = s3OptionsFromEnv(env);
  const options: StoreOptions = { pgliteDir: join(dataDir, 'db'), ...(s3 === undefined ? { blobDir: env.TRIDENT_BLOB_DIR || join(dataDir, 'blobs') } : { s3 }) };
  const sweepAgeMs = sweepAgeFromEnv(env);
  if (sweepAgeMs !== undefined) options.blobSweepAgeMs = sweepAgeMs;
  if (env.DATABASE_URL !== undefined && env.DATABASE_URL !== '') options.databaseUrl = env.DATABASE_URL;
  return options;
}
