import type { OperationContext } from '../../runtime/handler.ts';
import type { Queryable } from '../../store/db.ts';
import { SqlParams } from '../../store/sql.ts';
import { orgOf } from '../access.ts';
import type { ServiceDeps } from '../deps.ts';
import { decodeCursor, encodeCursor, toPage, type PageKey } from '../paging.ts';
import type { FhirStatus, ReviewState } from './lifecycle.ts';
import type { Coding } from './modalities.ts';
import { studyColumns, type StudyRow } from './repository.ts';

/** The filters of a study list, already in stored terms. */
export interface StudyFilters {
  status?: FhirStatus;
  reviewState?: ReviewState;
  modality?: Partial<Coding>[];
  startedAfter?: string;
  startedBefore?: string;
}

/** The sort key of a study in lists: most recently started first, unstarted last, then by id. */
export function studyKey(row: StudyRow): PageKey {
  return [row.started_at === null ? '-infinity' : new Date(row.started_at).toISOString(), row.id];
}

/** Up to `limit` studies of `orgId` matching `filters`, after the key `after`. */
export async function listStudyRows(sql: Queryable, orgId: string, filters: StudyFilters, after: PageKey | undefined, limit: number): Promise<StudyRow[]> {
  const p = new SqlParams();
  const where = [`s.org_id = ${p.add(orgId)}`];
  if (filters.status !== undefined) where.push(`s.status = ${p.add(filters.status)}`);
  if (filters.reviewState !== undefined) where.push(`s.review_state = ${p.add(filters.reviewState)}`);
  if (filters.modality !== undefined) where.push(`s.modalities @> ${p.json(filters.modality)}`);
  if (filters.startedAfter !== undefined) where.push(`s.started_at >= ${p.add(filters.startedAfter)}`);
  if (filters.startedBefore !== undefined) where.push(`s.started_at < ${p.add(filters.startedBefore)}`);
  const start = `coalesce(s.started_at, '-infinity'::timestamptz)`;
  if (after !== undefined) where.push(`(${start}, s.id) < (${p.add(after[0])}::timestamptz, ${p.add(after[1])})`);
  return sql.query<StudyRow>(
    `SELECT ${studyColumns} FROM studies s JOIN study_subjects j ON j.study_id = s.id WHERE ${where.join(' AND ')}
     ORDER BY ${start} DESC, s.id DESC LIMIT ${p.add(limit)}`,
    p.values,
  );
}

/** How one API version pages its study list. */
export interface StudyListRequest {
  /** Which API lists: a v1 cursor is no v2 page token, and the reverse. */
  scope: 'studies/v1' | 'studies/v2';
  /** The filters as the caller gave them: a cursor is valid only with the same ones. */
  given: Record<string, unknown>;
  filters: StudyFilters;
  size: number;
  token: string | undefined;
  /** Where the token sits in the input, for the error that refuses it. */
  tokenPointer: string;
}

/** One page of the caller's studies, most recently started first, shown by `toItem`. */
export async function listStudyPage<Item>(deps: ServiceDeps, context: OperationContext, request: StudyListRequest, toItem: (row: StudyRow) => Item): Promise<{ items: Item[]; next: string | null }> {
  const after = decodeCursor(request.token, request.scope, request.given, ['time', 'text'], request.tokenPointer);
  const rows = await listStudyRows(deps.db, orgOf(context), request.filters, after, request.size + 1);
  return toPage(rows, request.size, toItem, studyKey, (key) => encodeCursor(request.scope, request.given, key));
}
