import type { components } from '../../../generated/ts/review/v1/types.ts';
import type { Queryable } from '../../store/db.ts';
import { SqlParams } from '../../store/sql.ts';
import type { PageKey } from '../paging.ts';

type Schemas = components['schemas'];

/** An AI assessment row. */
export interface AssessmentRow {
  id: string;
  org_id: string;
  study_id: string;
  algorithm_name: string;
  algorithm_version: string;
  status: Schemas['AssessmentStatus'];
  findings: Schemas['Finding'][];
  quality: Schemas['AssessmentQuality'] | null;
  failure_reason: string | null;
  completed_at: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
  version: number;
}

/** Reads an assessment of `orgId`. */
export async function findAssessment(sql: Queryable, orgId: string, id: string): Promise<AssessmentRow | undefined> {
  const rows = await sql.query<AssessmentRow>('SELECT * FROM assessments WHERE id = $1 AND org_id = $2', [id, orgId]);
  return rows[0];
}

/** What a new, finished assessment is made of. */
export type NewAssessment = Omit<AssessmentRow, 'completed_at' | 'created_at' | 'updated_at' | 'version'>;

/** Inserts a finished assessment at version 1, completed now. */
export async function insertAssessment(sql: Queryable, row: NewAssessment, now: Date): Promise<void> {
  await sql.query(
    `INSERT INTO assessments (id, org_id, study_id, algorithm_name, algorithm_version, status, findings, quality, failure_reason, completed_at, created_at, updated_at, version)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10, $10, $10, 1)`,
    [row.id, row.org_id, row.study_id, row.algorithm_name, row.algorithm_version, row.status, JSON.stringify(row.findings),
      row.quality === null ? null : JSON.stringify(row.quality), row.failure_reason, now],
  );
}

/** The sort key of an assessment in lists: newest first. */
export function assessmentKey(row: AssessmentRow): PageKey {
  return [new Date(row.created_at).toISOString(), row.id];
}

/** Up to `limit` assessments of `orgId`, newest first, after `after`. */
export async function listAssessmentRows(sql: Queryable, orgId: string, filters: { studyId?: string; status?: string }, after: PageKey | undefined, limit: number): Promise<AssessmentRow[]> {
  const p = new SqlParams();
  const where = [`org_id = ${p.add(orgId)}`];
  if (filters.studyId !== undefined) where.push(`study_id = ${p.add(filters.studyId)}`);
  if (filters.status !== undefined) where.push(`status = ${p.add(filters.status)}`);
  if (after !== undefined) where.push(`(created_at, id) < (${p.add(after[0])}::timestamptz, ${p.add(after[1])})`);
  return sql.query<AssessmentRow>(`SELECT * FROM assessments WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT ${p.add(limit)}`, p.values);
}
