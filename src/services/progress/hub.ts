import type { Database } from '../../store/db.ts';

/** The NOTIFY channel that carries, across processes, the id of a study with a new event. */
export const progressChannel = 'trident_review_progress';

/** Wakes the watchers of a study when an event of it has been committed. */
export interface ProgressHub {
  /** Called after a commit that appended events of `studyId`. */
  publish(studyId: string): void;
  /**
   * Calls `onEvent` after each publish for `studyId` until the returned function is called. It
   * resolves once notifications from other processes are arriving too, so that a read made
   * after it misses nothing.
   */
  subscribe(studyId: string, onEvent: () => void): Promise<() => void>;
}

const hubs = new WeakMap<Database, ProgressHub>();

/**
 * The hub of a database, shared by every service built on it. In one process a publish reaches
 * the watchers directly; with a PostgreSQL server, other processes' commits arrive by
 * LISTEN/NOTIFY. A wake-up carries no event: the watcher reads the events from the table, so a
 * duplicate or merged wake-up is harmless.
 */
export function progressHubFor(db: Database): ProgressHub {
  const existing = hubs.get(db);
  if (existing !== undefined) return existing;
  const watchers = new Map<string, Set<() => void>>();
  const publish = (studyId: string) => {
    for (const onEvent of watchers.get(studyId) ?? []) onEvent();
  };
  let listening: Promise<unknown> | undefined;
  const hub: ProgressHub = {
    publish,
    subscribe: async (studyId, onEvent) => {
      const set = watchers.get(studyId) ?? new Set();
      watchers.set(studyId, set);
      set.add(onEvent);
      if (db.kind === 'postgres') {
        listening ??= db.listen(progressChannel, publish).catch((error: unknown) => {
          listening = undefined;
          throw error;
        });
        await listening;
      }
      return () => {
        set.delete(onEvent);
        if (set.size === 0) watchers.delete(studyId);
      };
    },
  };
  hubs.set(db, hub);
  return hub;
}
