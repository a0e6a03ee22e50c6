import type { components as V1 } from '../../../generated/ts/study/v1/types.ts';
import type { components as V2 } from '../../../generated/ts/study/v2/types.ts';

/** FHIR ImagingStudy status, as study v2 shows it. */
export type FhirStatus = V2['schemas']['StudyStatus'];
/** Progress through AI assessment and human review, as study v2 shows it. */
export type ReviewState = V2['schemas']['ReviewState'];
/** The single status of study v1 and of the review API's events. */
export type StudyStatusV1 = V1['schemas']['StudyStatus'];

/** What is stored: the pair that v2 shows and v1 folds into one. */
export interface StudyState {
  status: FhirStatus;
  reviewState: ReviewState;
}

/** The facts about a study's images, assessments and reviews that decide its state. */
export interface StudyFacts {
  pendingImages: number;
  availableImages: number;
  /** Completed or failed AI assessments. */
  finishedAssessments: number;
  /** Reviews requested, assigned, in progress or on hold. */
  openReviews: number;
  /** Reviews in progress or completed: a person has started working. */
  startedReviews: number;
  /** Available images without a completed QUALITY review. */
  imagesAwaitingQualityReview: number;
  completedDiagnosticReviews: number;
}

/** v1's single status: the review state while the study is available, else the FHIR status. */
export function toV1Status(state: StudyState): StudyStatusV1 {
  if (state.status !== 'available') return state.status;
  return state.reviewState === 'not_started' ? 'available' : state.reviewState;
}

/** The stored pair a v1 status stands for (the review state is open for the FHIR-only ones). */
export function fromV1Status(status: StudyStatusV1): { status: FhirStatus; reviewState?: ReviewState } {
  if (status === 'registered' || status === 'cancelled' || status === 'entered_in_error') return { status };
  return { status: 'available', reviewState: status === 'available' ? 'not_started' : status };
}

/** Whether a study in `state` may still change: cancelled and entered-in-error ones are final. */
export function isClosed(state: StudyState): boolean {
  return state.status === 'cancelled' || state.status === 'entered_in_error';
}

/**
 * The state a study should be in given its facts (DOMAIN.md): registered until an image is
 * available; available while images are still being uploaded; ai_processing once all are in and
 * no assessment is finished; then awaiting_review, in_review once a person starts, and reviewed
 * when every available image has a completed QUALITY review, the study has a completed DIAGNOSTIC
 * review, and nothing is pending or open (a second read keeps it in review). Cancelled,
 * entered-in-error and reviewed studies stay as they are.
 */
export function deriveStudyState(current: StudyState, facts: StudyFacts): StudyState {
  if (isClosed(current) || current.reviewState === 'reviewed') return current;
  if (facts.availableImages === 0) return { status: 'registered', reviewState: 'not_started' };
  if (facts.finishedAssessments === 0) return { status: 'available', reviewState: facts.pendingImages > 0 ? 'not_started' : 'ai_processing' };
  const reviewed = facts.pendingImages === 0 && facts.openReviews === 0 && facts.imagesAwaitingQualityReview === 0 && facts.completedDiagnosticReviews > 0;
  if (reviewed) return { status: 'available', reviewState: 'reviewed' };
  return { status: 'available', reviewState: facts.startedReviews > 0 ? 'in_review' : 'awaiting_review' };
}
