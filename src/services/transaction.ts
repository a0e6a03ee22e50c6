import type { Queryable } from '../store/db.ts';
import type { ServiceDeps } from './deps.ts';

/** One transaction as the services see it. */
export interface Unit {
  readonly sql: Queryable;
  /** The time of the whole change: createdAt, updatedAt and event times all use it. */
  readonly now: Date;
  /** Records that an event of `studyId` was appended, to wake its watchers after commit. */
  eventAppended(studyId: string): void;
}

/**
 * Runs `work` in one database transaction; once it has committed, wakes the watchers of every
 * study that got an event (never before: they would read before the event is visible).
 */
export async function inTransaction<T>(deps: ServiceDeps, work: (unit: Unit) => Promise<T>): Promise<T> {
  const studies = new Set<string>();
  const now = deps.clock();
  const result = await deps.db.transaction((sql) => work({ sql, now, eventAppended: (studyId) => studies.add(studyId) }));
  for (const studyId of studies) deps.progress.publish(studyId);
  return result;
}
