import type { components } from '../../../generated/ts/image/v1/types.ts';
import type { Queryable } from '../../store/db.ts';
import { SqlParams } from '../../store/sql.ts';
import type { PageKey } from '../paging.ts';

type Schemas = components['schemas'];

/** An image row. */
export interface ImageRow {
  id: string;
  org_id: string;
  study_id: string;
  sop_instance_uid: string;
  series_instance_uid: string;
  instance_number: number;
  status: Schemas['ImageStatus'];
  content_type: Schemas['ImageContentType'];
  size_bytes: number;
  sha256: string;
  width_px: number | null;
  height_px: number | null;
  capture: Schemas['ImageCapture'];
  rejection: Schemas['ImageRejection'] | null;
  created_at: Date | string;
  updated_at: Date | string;
  version: number;
}

/** Reads an image of `orgId`; `lock` takes its row lock (after the study's: see `lockStudy`). */
export async function findImage(sql: Queryable, orgId: string, id: string, lock = false): Promise<ImageRow | undefined> {
  const rows = await sql.query<ImageRow>(`SELECT * FROM images WHERE id = $1 AND org_id = $2${lock ? ' FOR UPDATE' : ''}`, [id, orgId]);
  return rows[0];
}

/** What a new image is made of. */
export type NewImage = Omit<ImageRow, 'status' | 'width_px' | 'height_px' | 'rejection' | 'created_at' | 'updated_at' | 'version'>;

/** Inserts an image awaiting its content, at version 1. */
export async function insertImage(sql: Queryable, image: NewImage, now: Date): Promise<void> {
  await sql.query(
    `INSERT INTO images (id, org_id, study_id, sop_instance_uid, series_instance_uid, instance_number, status, content_type, size_bytes, sha256, capture, created_at, updated_at, version)
     VALUES ($1, $2, $3, $4, $5, $6, 'pending_upload', $7, $8, $9, $10::jsonb, $11, $11, 1)`,
    [image.id, image.org_id, image.study_id, image.sop_instance_uid, image.series_instance_uid, image.instance_number, image.content_type, image.size_bytes, image.sha256, JSON.stringify(image.capture), now],
  );
}

/** The next instance number in a series of a study. */
export async function nextInstanceNumber(sql: Queryable, studyId: string, seriesUid: string): Promise<number> {
  const rows = await sql.query<{ next: number }>('SELECT coalesce(max(instance_number), 0) + 1 AS next FROM images WHERE study_id = $1 AND series_instance_uid = $2', [studyId, seriesUid]);
  return rows[0]?.next ?? 1;
}

/** Sets columns of an image and moves it to the next version. */
export async function updateImageRow(sql: Queryable, id: string, changes: Partial<Pick<ImageRow, 'status' | 'width_px' | 'height_px' | 'rejection'>>, now: Date): Promise<void> {
  const p = new SqlParams();
  const sets = Object.entries(changes).map(([column, value]) => `${column} = ${column === 'rejection' ? p.json(value) : p.add(value)}`);
  sets.push(`updated_at = ${p.add(now)}`, 'version = version + 1');
  await sql.query(`UPDATE images SET ${sets.join(', ')} WHERE id = ${p.add(id)}`, p.values);
}

/** The sort key of an image in lists: newest first. */
export function imageKey(row: ImageRow): PageKey {
  return [new Date(row.created_at).toISOString(), row.id];
}

/** Up to `limit` images of `orgId`, newest first, after `after`. */
export async function listImageRows(sql: Queryable, orgId: string, filters: { studyId?: string; status?: string }, after: PageKey | undefined, limit: number): Promise<ImageRow[]> {
  const p = new SqlParams();
  const where = [`org_id = ${p.add(orgId)}`];
  if (filters.studyId !== undefined) where.push(`study_id = ${p.add(filters.studyId)}`);
  if (filters.status !== undefined) where.push(`status = ${p.add(filters.status)}`);
  if (after !== undefined) where.push(`(created_at, id) < (${p.add(after[0])}::timestamptz, ${p.add(after[1])})`);
  return sql.query<ImageRow>(`SELECT * FROM images WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT ${p.add(limit)}`, p.values);
}
