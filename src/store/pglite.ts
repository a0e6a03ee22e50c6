import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { guarded, type Database, type Queryable } from './db.ts';
import { clusterTar, unpackCluster } from './pglite-cluster.ts';

interface PGliteQueryable {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  exec(sql: string): Promise<unknown>;
}

function wrap(target: PGliteQueryable): Queryable {
  return {
    query: <T>(sql: string, params: readonly unknown[] = []) => guarded(async () => (await target.query<T>(sql, [...params])).rows),
    exec: (sql: string) => guarded(async () => void (await target.exec(sql))),
  };
}

let baselineOnly = false;

/**
 * How PGlite is opened here, for memory. PostgreSQL's shared buffers are 16 MB instead of 128 MB:
 * PGlite serves one connection, and the buffers sit in its WebAssembly memory whether used or not.
 * And PGlite's WebAssembly runs on V8's baseline compiler only: when V8's optimising tier compiles
 * PostgreSQL's largest functions in the background, the process holds about 500 MB more for a few
 * seconds (`npm run bench:memory` shows both figures). The flags apply to WebAssembly compiled from
 * here on, which is PGlite's alone; they are set before its module is compiled.
 */
export function pgliteOptions(): PGliteOptions {
  if (!baselineOnly) {
    for (const flag of ['--no-wasm-dynamic-tiering', '--no-wasm-tier-up', '--liftoff-only']) setFlagsFromString(flag);
    baselineOnly = true;
  }
  const sharedBuffers = 'shared_buffers=16MB';
  return { startParams: [...PGlite.defaultStartParams, '-c', sharedBuffers], initDbStartParams: ['--set', sharedBuffers] };
}

/**
 * Embedded PostgreSQL (PGlite): in memory when `dataDir` is absent (tests), else persisted in
 * that directory. One connection serves everything, so transactions simply run one at a time.
 * A new database starts from the stored empty cluster (see pglite-cluster.ts) rather than initdb.
 */
export async function openPglite(dataDir?: string): Promise<Database> {
  if (dataDir === undefined) {
    const cluster = clusterTar();
    return pgliteDatabase(await guarded(() => PGlite.create({ ...(cluster !== undefined ? { loadDataDir: cluster } : {}), ...pgliteOptions() })));
  }
  mkdirSync(dataDir, { recursive: true });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await unpackCluster(dataDir);
  return pgliteDatabase(await guarded(() => PGlite.create({ dataDir, ...pgliteOptions() })));
}

/** An open PGlite instance as a Database (e.g. one loaded from a `dumpDataDir` snapshot). */
export function pgliteDatabase(pglite: PGlite): Database {
  const self = wrap(pglite);
  return {
    kind: 'pglite',
    query: self.query,
    exec: self.exec,
    transaction: (fn) => guarded(() => pglite.transaction((tx) => fn(wrap(tx)))),
    listen: async (channel, onPayload) => {
      const stop = await guarded(() => pglite.listen(channel, onPayload));
      return () => guarded(stop);
    },
    // A PGlite data directory belongs to one process, and its one connection runs one thing at a time.
    exclusive: (_key, fn) => fn(),
    close: () => guarded(() => pglite.close()),
  };
}
