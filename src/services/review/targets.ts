import type { CreateReviewInput } from '../../../generated/ts/review/v1/server.ts';
import { ApiError } from '../../runtime/errors.ts';
import type { Queryable } from '../../store/db.ts';
import { notFound } from '../access.ts';
import { findImage } from '../image/repository.ts';
import { isClosed, toV1Status } from '../study/lifecycle.ts';
import { findStudy } from '../study/repository.ts';
import { findAssessment } from './assessment-repository.ts';

function invalid(pointer: string, message: string): ApiError {
  return new ApiError('invalid_argument', `The review request is invalid: ${message}.`, [{ pointer, message }]);
}

/**
 * Checks what a new review would review, locking its study: the study is open and has content;
 * a QUALITY review names an available image of it (and no assessment), a DIAGNOSTIC review a
 * completed assessment of it (and no image).
 */
export async function checkReviewTarget(sql: Queryable, orgId: string, body: CreateReviewInput['body']): Promise<void> {
  const study = await findStudy(sql, orgId, body.studyId, true);
  if (study === undefined) throw notFound('study', body.studyId);
  const state = { status: study.status, reviewState: study.review_state };
  if (isClosed(state) || state.reviewState === 'reviewed' || state.status === 'registered') throw new ApiError('conflict', `A ${toV1Status(state)} study takes no reviews.`);
  if (body.kind === 'QUALITY') {
    if (body.imageId === undefined) throw invalid('/body/imageId', 'a QUALITY review needs an imageId');
    if (body.assessmentId !== undefined) throw invalid('/body/assessmentId', 'a QUALITY review reviews an image, not an assessment');
    const image = await findImage(sql, orgId, body.imageId);
    if (image === undefined) throw notFound('image', body.imageId);
    if (image.study_id !== study.id) throw invalid('/body/imageId', 'the image belongs to another study');
    if (image.status !== 'available') throw new ApiError('conflict', `The image is ${image.status}; only available images are reviewed.`);
    return;
  }
  if (body.assessmentId === undefined) throw invalid('/body/assessmentId', 'a DIAGNOSTIC review needs an assessmentId');
  if (body.imageId !== undefined) throw invalid('/body/imageId', 'a DIAGNOSTIC review reviews an assessment, not an image');
  const assessment = await findAssessment(sql, orgId, body.assessmentId);
  if (assessment === undefined) throw notFound('assessment', body.assessmentId);
  if (assessment.study_id !== study.id) throw invalid('/body/assessmentId', 'the assessment belongs to another study');
  if (assessment.status !== 'completed') throw new ApiError('conflict', `The assessment is ${assessment.status}; only completed assessments are reviewed.`);
}
