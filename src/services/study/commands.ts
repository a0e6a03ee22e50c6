import { ApiError } from '../../runtime/errors.ts';
import type { OperationContext } from '../../runtime/handler.ts';
import { isUniqueViolation } from '../../store/db.ts';
import { notFound, orgOf } from '../access.ts';
import { assertVersion } from '../concurrency.ts';
import type { ServiceDeps } from '../deps.ts';
import { newDicomUid, newId } from '../ids.ts';
import { cancelOpenReviews } from '../review/repository.ts';
import { inTransaction } from '../transaction.ts';
import { isClosed } from './lifecycle.ts';
import type { Coding } from './modalities.ts';
import { pseudonymOf } from './pseudonym.ts';
import { findStudy, insertStudy, updateStudyRow, updateSubject, type StudyChanges, type StudyRow, type SubjectIdentity } from './repository.ts';
import { changeStudyState } from './refresh.ts';

/** A study to register, in stored terms (v1 and v2 each translate their body into this). */
export interface StudyDraft {
  studyInstanceUid: string | undefined;
  description: string | null;
  modalities: Coding[];
  startedAt: string | null;
  subject: Omit<SubjectIdentity, 'pseudonymId'>;
}

/** The subject with its pseudonym computed under the organisation's secret. */
export function withPseudonym(deps: ServiceDeps, orgId: string, subject: Omit<SubjectIdentity, 'pseudonymId'>): SubjectIdentity {
  return { ...subject, pseudonymId: pseudonymOf(deps.secrets, orgId, subject.issuer, subject.patientId) };
}

/** Registers a study in the caller's organisation; a repeated Study Instance UID is `already_exists`. */
export async function registerStudy(deps: ServiceDeps, context: OperationContext, draft: StudyDraft): Promise<StudyRow> {
  const orgId = orgOf(context);
  const id = newId('stu');
  try {
    return await inTransaction(deps, async (unit) => {
      await insertStudy(unit.sql, {
        id,
        orgId,
        studyInstanceUid: draft.studyInstanceUid ?? newDicomUid(),
        description: draft.description,
        modalities: draft.modalities,
        startedAt: draft.startedAt,
        subject: withPseudonym(deps, orgId, draft.subject),
        now: unit.now,
      });
      return mustFind(await findStudy(unit.sql, orgId, id), id);
    });
  } catch (error) {
    if (isUniqueViolation(error, 'studies_instance_uid_unique')) throw new ApiError('already_exists', 'A study with this Study Instance UID is already registered.', [{ pointer: '/body/studyInstanceUid', message: 'already registered' }]);
    throw error;
  }
}

/** A study of the caller's organisation, or `not_found`. */
export async function getStudyRow(deps: ServiceDeps, context: OperationContext, id: string): Promise<StudyRow> {
  return mustFind(await findStudy(deps.db, orgOf(context), id), id);
}

/**
 * Applies a partial update built from the current row. Checks, in this order: the study exists
 * in the caller's organisation, If-Match names its version, it is not cancelled or in error.
 */
export async function updateStudy(
  deps: ServiceDeps,
  context: OperationContext,
  id: string,
  ifMatch: string,
  build: (current: StudyRow) => { changes: StudyChanges; subject?: SubjectIdentity },
): Promise<StudyRow> {
  const orgId = orgOf(context);
  return inTransaction(deps, async (unit) => {
    const current = mustFind(await findStudy(unit.sql, orgId, id, true), id);
    assertVersion(ifMatch, current.version);
    if (isClosed({ status: current.status, reviewState: current.review_state })) throw new ApiError('conflict', `The study is ${current.status} and can no longer change.`);
    const { changes, subject } = build(current);
    if (subject !== undefined) await updateSubject(unit.sql, id, subject);
    await updateStudyRow(unit.sql, id, changes, unit.now);
    return mustFind(await findStudy(unit.sql, orgId, id), id);
  });
}

/** Cancels a study that is not reviewed, cancelled or in error, and with it its open reviews. */
export async function cancelStudy(deps: ServiceDeps, context: OperationContext, id: string, ifMatch: string, reason: string): Promise<StudyRow> {
  const orgId = orgOf(context);
  return inTransaction(deps, async (unit) => {
    const current = mustFind(await findStudy(unit.sql, orgId, id, true), id);
    assertVersion(ifMatch, current.version);
    if (isClosed({ status: current.status, reviewState: current.review_state })) throw new ApiError('conflict', `The study is already ${current.status}.`);
    if (current.review_state === 'reviewed') throw new ApiError('conflict', 'A reviewed study cannot be cancelled.');
    await cancelOpenReviews(unit.sql, { studyId: id }, 'The study was cancelled.', unit.now);
    // The review state is kept: it tells how far the study had got when it was cancelled.
    await changeStudyState(deps, unit, current, { status: 'cancelled', reviewState: current.review_state }, { cancellation_reason: reason });
    return mustFind(await findStudy(unit.sql, orgId, id), id);
  });
}

function mustFind(row: StudyRow | undefined, id: string): StudyRow {
  if (row === undefined) throw notFound('study', id);
  return row;
}
