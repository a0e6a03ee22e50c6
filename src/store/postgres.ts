import pg from 'pg';
import { SetupError } from '../runtime/app.ts';
import { guarded, toStoreError, type Database, type Queryable } from './db.ts';

// int8 as a number, as PGlite returns it: sizes and sequences stay far below 2^53.
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

function wrap(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    query: <T>(sql: string, params: readonly unknown[] = []) =>
      guarded(async () => (await client.query(sql, [...params])).rows as T[]),
    exec: (sql: string) => guarded(async () => void (await client.query(sql))),
  };
}

/** A PostgreSQL server through a connection pool (`pg`), for production and CI. */
export async function openPostgres(connectionString: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString, types, max: 10 });
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const self = wrap(pool);
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => {});
    throw new SetupError(`cannot use the PostgreSQL database of DATABASE_URL (${serverOf(connectionString)}): ${reasonOf(error)}`, { cause: error });
  }
  // Listeners hold a client each; close stops them first, or the pool would wait for them.
  const listeners = new Set<() => Promise<void>>();
  return {
    kind: 'postgres',
    query: self.query,
    exec: self.exec,
    transaction: async (fn) => {
      const client = await guarded(() => pool.connect());
      try {
        await client.query('BEGIN');
        const result = await fn(wrap(client));
        await client.query('COMMIT');
        client.release();
        return result;
      } catch (error) {
        // A client whose ROLLBACK fails is broken: release it with the error so the pool drops it.
        await client.query('ROLLBACK').then(() => client.release(), (broken: Error) => client.release(broken));
        throw toStoreError(error);
      }
    },
    listen: async (channel, onPayload) => {
      // LISTEN is per session, so it holds one client of its own until stopped.
      const client = await guarded(() => pool.connect());
      const onNotification = (message: pg.Notification) => {
        if (message.channel === channel) onPayload(message.payload ?? '');
      };
      client.on('notification', onNotification);
      await guarded(() => client.query(`LISTEN "${channel.replaceAll('"', '""')}"`));
      const stop = async () => {
        if (!listeners.delete(stop)) return;
        client.off('notification', onNotification);
        await client.query(`UNLISTEN "${channel.replaceAll('"', '""')}"`).then(() => client.release(), (error: Error) => client.release(error));
      };
      listeners.add(stop);
      return stop;
    },
    exclusive: async (key, fn) => {
      const client = await guarded(() => pool.connect());
      try {
        await guarded(() => client.query('SELECT pg_advisory_lock($1)', [key]));
        try {
          return await fn();
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [key]).catch(() => {});
        }
      } finally {
        client.release();
      }
    },
    pool: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: async () => {
      await Promise.all([...listeners].map((stop) => stop()));
      await guarded(() => pool.end());
    },
  };
}

/** Where a connection string points, without its credentials. */
function serverOf(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.hostname || 'localhost'}:${url.port || '5432'}${url.pathname}`;
  } catch {
    return 'not a postgres:// URL';
  }
}

/** Why a first connection failed: the socket errors of each address tried, or the server's own message. */
function reasonOf(error: unknown): string {
  const inner = error instanceof AggregateError ? error.errors : [error];
  const reasons = inner.map((item: unknown) => {
    const { code, message } = (item ?? {}) as { code?: unknown; message?: unknown };
    const text = typeof message === 'string' && message !== '' ? message : String(item);
    return typeof code === 'string' && !text.includes(code) ? `${text} (${code})` : text;
  });
  return [...new Set(reasons)].join('; ');
}
