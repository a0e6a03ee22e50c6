import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { guarded, type Database, type Queryable } from './db.ts';

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

/**
 * Embedded PostgreSQL (PGlite): in memory when `dataDir` is absent (tests), else persisted in
 * that directory. One connection serves everything, so transactions simply run one at a time.
 */
export async function openPglite(dataDir?: string): Promise<Database> {
  if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true });
  return pgliteDatabase(await guarded(() => PGlite.create(dataDir)));
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
    close: () => guarded(() => pglite.close()),
  };
}
