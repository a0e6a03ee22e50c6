import type { components } from '../../../generated/ts/review/v1/types.ts';
import type { Queryable } from '../../store/db.ts';
import { SqlParams } from '../../store/sql.ts';
import type { PageKey } from '../paging.ts';

type Schemas = components['schemas'];

/** A review row. */
export interface ReviewRow {
  id: string;
  org_id: string;
  study_id: string;
  kind: Schemas['ReviewKind'];
  image_id: string | null;
  assessment_id: string | null;
  second_read_of: string | null;
  assignee_id: string | null;
  priority: Schemas['ReviewPriority'];
  priority_rank: number;
  due_at: Date | string | null;
  status: Schemas['ReviewStatus'];
  verdict: Schemas['Verdict'] | null;
  finding_verdicts: Schemas['FindingVerdict'][];
  quality_issues: Schemas['QualityIssue'][];
  comments: string | null;
  submitted_by: string | null;
  submitted_at: Date | string | null;
  cancellation_reason: string | null;
  created_at: Date | string;
  updated_at: Date | string;
  version: number;
}

/** FHIR request priorities, least urgent first: the rank lists sort on. */
export const priorityRank: Record<Schemas['ReviewPriority'], number> = { routine: 0, urgent: 1, asap: 2, stat: 3 };

/** Reads a review of `orgId`; `lock` takes its row lock (after the study's: see `lockStudy`). */
export async function findReview(sql: Queryable, orgId: string, id: string, lock = false): Promise<ReviewRow | undefined> {
  const rows = await sql.query<ReviewRow>(`SELECT * FROM reviews WHERE id = $1 AND org_id = $2${lock ? ' FOR UPDATE' : ''}`, [id, orgId]);
  return rows[0];
}

/** What a new review is made of. */
export type NewReview = Pick<ReviewRow, 'id' | 'org_id' | 'study_id' | 'kind' | 'image_id' | 'assessment_id' | 'second_read_of' | 'assignee_id' | 'priority' | 'due_at' | 'status'>;

/** Inserts a review at version 1. */
export async function insertReview(sql: Queryable, review: NewReview, now: Date): Promise<void> {
  await sql.query(
    `INSERT INTO reviews (id, org_id, study_id, kind, image_id, assessment_id, second_read_of, assignee_id, priority, priority_rank, due_at, status,
       finding_verdicts, quality_issues, created_at, updated_at, version)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, '[]', '[]', $13, $13, 1)`,
    [review.id, review.org_id, review.study_id, review.kind, review.image_id, review.assessment_id, review.second_read_of, review.assignee_id,
      review.priority, priorityRank[review.priority], review.due_at, review.status, now],
  );
}

/** The columns of a review a change may set. */
export type ReviewChanges = Partial<Pick<ReviewRow, 'assignee_id' | 'due_at' | 'status' | 'verdict' | 'finding_verdicts' | 'quality_issues' | 'comments' | 'submitted_by' | 'submitted_at' | 'cancellation_reason'>>;

/** Sets columns of a review and moves it to the next version. */
export async function updateReviewRow(sql: Queryable, id: string, changes: ReviewChanges, now: Date): Promise<void> {
  const p = new SqlParams();
  const json = new Set(['finding_verdicts', 'quality_issues']);
  const sets = Object.entries(changes)
    .filter(([, value]) => value !== undefined)
    .map(([column, value]) => `${column} = ${json.has(column) ? p.json(value) : p.add(value)}`);
  sets.push(`updated_at = ${p.add(now)}`, 'version = version + 1');
  await sql.query(`UPDATE reviews SET ${sets.join(', ')} WHERE id = ${p.add(id)}`, p.values);
}

/** Cancels the open reviews of a study or of one image, e.g. when the study is cancelled. */
export async function cancelOpenReviews(sql: Queryable, of: { studyId: string } | { imageId: string }, reason: string, now: Date): Promise<void> {
  const [column, id] = 'studyId' in of ? ['study_id', of.studyId] : ['image_id', of.imageId];
  await sql.query(
    `UPDATE reviews SET status = 'cancelled', cancellation_reason = $2, updated_at = $3, version = version + 1
     WHERE ${column} = $1 AND status IN ('requested', 'assigned', 'in_progress', 'on_hold')`,
    [id, reason, now],
  );
}

/** The filters of a review list. */
export interface ReviewFilters {
  studyId?: string;
  kind?: string;
  status?: string;
  assigneeId?: string;
}

/** The sort key of a review in lists: most urgent first, then oldest first. */
export function reviewKey(row: ReviewRow): PageKey {
  return [row.priority_rank, new Date(row.created_at).toISOString(), row.id];
}

/** Up to `limit` reviews of `orgId` matching `filters`, after `after`. */
export async function listReviewRows(sql: Queryable, orgId: string, filters: ReviewFilters, after: PageKey | undefined, limit: number): Promise<ReviewRow[]> {
  const p = new SqlParams();
  const where = [`org_id = ${p.add(orgId)}`];
  if (filters.studyId !== undefined) where.push(`study_id = ${p.add(filters.studyId)}`);
  if (filters.kind !== undefined) where.push(`kind = ${p.add(filters.kind)}`);
  if (filters.status !== undefined) where.push(`status = ${p.add(filters.status)}`);
  if (filters.assigneeId !== undefined) where.push(`assignee_id = ${p.add(filters.assigneeId)}`);
  if (after !== undefined) {
    const rank = p.add(after[0]);
    where.push(`(priority_rank < ${rank} OR (priority_rank = ${rank} AND (created_at, id) > (${p.add(after[1])}::timestamptz, ${p.add(after[2])})))`);
  }
  return sql.query<ReviewRow>(`SELECT * FROM reviews WHERE ${where.join(' AND ')} ORDER BY priority_rank DESC, created_at, id LIMIT ${p.add(limit)}`, p.values);
}
