import { ApiError } from '../runtime/errors.ts';

/** Something SQL can be sent to: the database itself or an open transaction. */
export interface Queryable {
  /** One statement with `$1`-style parameters; resolves to the rows it returned. */
  query<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Several statements without parameters, e.g. a migration file. */
  exec(sql: string): Promise<void>;
}

/** The one database interface the services use, whatever engine is behind it. */
export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Calls `onPayload` for each NOTIFY on `channel`, including those of other processes sharing
   * the database. Resolves to a function that stops listening.
   */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  /**
   * Runs `fn` while holding the advisory lock `key`, which every other process sharing the database
   * waits for: work that must happen once however many replicas start at the same moment (e.g.
   * seeding). `fn` uses the database as usual; the lock is held by a session of its own.
   */
  exclusive<T>(key: number, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** The connection pool's clients, where there is a pool (PostgreSQL; PGlite has one connection). */
  pool?(): { total: number; idle: number; waiting: number };
}

/**
 * A database failure with the engine's text removed: PostgreSQL puts row values (possibly patient
 * identifiers) in `detail`, and PGlite attaches the query parameters, so neither may travel on.
 */
export class StoreError extends Error {
  /** The SQLSTATE, e.g. `23505` for a unique violation. */
  readonly sqlState: string | undefined;
  readonly constraint: string | undefined;

  constructor(sqlState: string | undefined, constraint: string | undefined) {
    super(`database error ${sqlState ?? 'unknown'}${constraint === undefined ? '' : ` on ${constraint}`}`);
    this.name = 'StoreError';
    this.sqlState = sqlState;
    this.constraint = constraint;
  }
}

/** True when `error` is a unique violation of the named constraint. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  return error instanceof StoreError && error.sqlState === '23505' && error.constraint === constraint;
}

// Node socket errors and PostgreSQL's connection-exception class: the database is not reachable.
const unreachable = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'EPIPE', 'EAI_AGAIN', '57P01', '57P02', '57P03', '53300']);
const unreachableText = /Connection terminated|connection timeout|PGlite is closed|Client has encountered a connection error|Cannot use a pool after calling end/i;

/**
 * Maps any database failure to what the services may throw: `unavailable` when the database
 * cannot be reached, `conflict` (retryable) for deadlocks and serialization failures,
 * `invalid_argument` for text it cannot store, otherwise
 * a StoreError carrying only the SQLSTATE and constraint name. Other errors pass unchanged.
 */
export function toStoreError(error: unknown): Error {
  if (error instanceof ApiError || error instanceof StoreError) return error;
  const fields = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; constraint?: unknown; message?: unknown; errors?: unknown };
  const code = typeof fields.code === 'string' ? fields.code : undefined;
  const message = typeof fields.message === 'string' ? fields.message : '';
  // AggregateError from a dual-stack connect attempt carries the socket errors inside.
  const nested = Array.isArray(fields.errors) ? fields.errors.map((inner: { code?: unknown }) => inner?.code) : [];
  if ((code !== undefined && (unreachable.has(code) || code.startsWith('08'))) || nested.some((inner) => typeof inner === 'string' && unreachable.has(inner)) || unreachableText.test(message)) {
    return new ApiError('unavailable', 'The database is not available; try again later.');
  }
  if (code === '40001' || code === '40P01') return new ApiError('conflict', 'A concurrent change got in the way; try again.', [], { retryable: true });
  // Text the database cannot hold (a NUL character, bytes that are not UTF-8); the runtime's input
  // validation refuses such text first, so this only catches what reached the store another way.
  if (code === '22P05' || code === '22021') return new ApiError('invalid_argument', 'The request holds text the database cannot store (a NUL character or an unpaired surrogate).');
  // Without a SQLSTATE it is not the database's: an error thrown inside a transaction goes on as is.
  if (code === undefined && error instanceof Error) return error;
  return new StoreError(code, typeof fields.constraint === 'string' ? fields.constraint : undefined);
}

/** Runs `work`, rethrowing any failure through `toStoreError`. */
export async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toStoreError(error);
  }
}
