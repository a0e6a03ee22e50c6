import type { Queryable } from '../store/db.ts';

/**
 * Takes the row lock of a study of `orgId` for the rest of the transaction; false when there is
 * no such study. Every change to a study or anything under it (images, assessments, reviews)
 * takes this lock before any other, so concurrent changes of one study run one after another,
 * never deadlock on each other, and append their events in commit order.
 */
export async function lockStudy(sql: Queryable, orgId: string, studyId: string): Promise<boolean> {
  const rows = await sql.query('SELECT id FROM studies WHERE id = $1 AND org_id = $2 FOR UPDATE', [studyId, orgId]);
  return rows.length > 0;
}
