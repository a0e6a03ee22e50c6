import type { Queryable } from '../../store/db.ts';
import type { ServiceDeps } from '../deps.ts';
import { appendEvent } from '../progress/events.ts';
import type { Unit } from '../transaction.ts';
import { deriveStudyState, toV1Status, type StudyFacts, type StudyState } from './lifecycle.ts';
import { findStudy, updateStudyRow, type StudyChanges, type StudyRow } from './repository.ts';

/**
 * Moves a study to `next` (plus `extra` changes), recording a `study.status_changed` event when
 * the status as v1 and the review API name it changes. The caller holds the study's row lock.
 */
export async function changeStudyState(deps: ServiceDeps, unit: Unit, study: StudyRow, next: StudyState, extra: StudyChanges = {}): Promise<void> {
  const previous = { status: study.status, reviewState: study.review_state };
  const changed = previous.status !== next.status || previous.reviewState !== next.reviewState;
  const changes: StudyChanges = { ...extra, ...(changed ? { status: next.status, review_state: next.reviewState } : {}) };
  if (Object.values(changes).every((value) => value === undefined)) return;
  await updateStudyRow(unit.sql, study.id, changes, unit.now);
  const [from, to] = [toV1Status(previous), toV1Status(next)];
  if (from !== to) await appendEvent(deps, unit, study.org_id, study.id, { type: 'study.status_changed', data: { previousStatus: from, status: to } });
}

/**
 * Re-derives a study's state and image count from its images, assessments and reviews after a
 * change to any of them. Locks the study row first: every change of a study's aggregate takes
 * that lock before anything else, which orders its events and keeps lock order deadlock-free.
 */
export async function refreshStudy(deps: ServiceDeps, unit: Unit, orgId: string, studyId: string): Promise<void> {
  const study = await findStudy(unit.sql, orgId, studyId, true);
  if (study === undefined) return;
  const facts = await studyFacts(unit.sql, studyId);
  const next = deriveStudyState({ status: study.status, reviewState: study.review_state }, facts);
  const count = facts.availableImages === study.number_of_images ? {} : { number_of_images: facts.availableImages };
  await changeStudyState(deps, unit, study, next, count);
}

/** The facts that decide a study's state (see `deriveStudyState`). */
export async function studyFacts(sql: Queryable, studyId: string): Promise<StudyFacts> {
  const open = `('requested', 'assigned', 'in_progress', 'on_hold')`;
  const rows = await sql.query<StudyFacts>(
    `SELECT
      (SELECT count(*) FROM images WHERE study_id = $1 AND status = 'pending_upload') AS "pendingImages",
      (SELECT count(*) FROM images WHERE study_id = $1 AND status = 'available') AS "availableImages",
      (SELECT count(*) FROM assessments WHERE study_id = $1 AND status IN ('completed', 'failed')) AS "finishedAssessments",
      (SELECT count(*) FROM reviews WHERE study_id = $1 AND status IN ${open}) AS "openReviews",
      (SELECT count(*) FROM reviews WHERE study_id = $1 AND status IN ('in_progress', 'completed')) AS "startedReviews",
      (SELECT count(*) FROM images i WHERE i.study_id = $1 AND i.status = 'available' AND NOT EXISTS (
        SELECT 1 FROM reviews r WHERE r.image_id = i.id AND r.kind = 'QUALITY' AND r.status = 'completed')) AS "imagesAwaitingQualityReview",
      (SELECT count(*) FROM reviews WHERE study_id = $1 AND kind = 'DIAGNOSTIC' AND status = 'completed') AS "completedDiagnosticReviews"`,
    [studyId],
  );
  const facts = rows[0];
  if (facts === undefined) throw new Error('a query of counts returned no row');
  return facts;
}
