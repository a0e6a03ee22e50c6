import type { WatchReviewProgressOutput } from '../../../generated/ts/review/v1/server.ts';
import type { Queryable } from '../../store/db.ts';
import type { ServiceDeps } from '../deps.ts';
import { newId } from '../ids.ts';
import { toIso } from '../time.ts';
import type { Unit } from '../transaction.ts';
import { progressChannel } from './hub.ts';

/** One event of a study's review progress stream, as the contract shapes it. */
export type ProgressEvent = WatchReviewProgressOutput;

type Envelope = 'type' | 'id' | 'sequence' | 'occurredAt' | 'studyId';

/** What a change records: the event type and its own fields; the envelope is added on append. */
export type EventRecord = {
  [T in ProgressEvent['type']]: { type: T; data: Omit<Extract<ProgressEvent, { type: T }>, Envelope> };
}[ProgressEvent['type']];

interface EventRow {
  sequence: number;
  id: string;
  study_id: string;
  occurred_at: Date | string;
  payload: EventRecord;
}

/**
 * Appends an event in the transaction of the change it reports. The caller must hold the study's
 * row lock: that is what makes a study's events commit in the order of their sequence, so that a
 * reader resuming after sequence n can never miss a later-committed smaller one.
 */
export async function appendEvent(deps: ServiceDeps, unit: Unit, orgId: string, studyId: string, record: EventRecord): Promise<void> {
  await unit.sql.query(
    'INSERT INTO events (id, org_id, study_id, type, occurred_at, payload) VALUES ($1, $2, $3, $4, $5, $6::jsonb)',
    [newId('evt'), orgId, studyId, record.type, unit.now, JSON.stringify(record)],
  );
  // Other processes on the same server learn of it on commit; PGlite has no other processes.
  if (deps.db.kind === 'postgres') await unit.sql.query('SELECT pg_notify($1, $2)', [progressChannel, studyId]);
  unit.eventAppended(studyId);
}

/** The events of a study after `after`, oldest first, at most `limit`. */
export async function eventsAfter(sql: Queryable, orgId: string, studyId: string, after: bigint, limit: number): Promise<ProgressEvent[]> {
  const rows = await sql.query<EventRow>(
    'SELECT sequence, id, study_id, occurred_at, payload FROM events WHERE org_id = $1 AND study_id = $2 AND sequence > $3 ORDER BY sequence LIMIT $4',
    [orgId, studyId, after.toString(), limit],
  );
  return rows.map(toEvent);
}

function toEvent(row: EventRow): ProgressEvent {
  const envelope = { id: row.id, sequence: row.sequence, occurredAt: toIso(row.occurred_at), studyId: row.study_id };
  const record = row.payload;
  switch (record.type) {
    case 'review.submitted':
      return { type: record.type, ...envelope, ...record.data };
    case 'assessment.completed':
      return { type: record.type, ...envelope, ...record.data };
    case 'study.status_changed':
      return { type: record.type, ...envelope, ...record.data };
  }
}
