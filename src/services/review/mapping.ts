import type { GetAssessmentOutput, GetReviewOutput } from '../../../generated/ts/review/v1/server.ts';
import { toIso, toIsoOrNull } from '../time.ts';
import type { AssessmentRow } from './assessment-repository.ts';
import type { ReviewRow } from './repository.ts';

/** A review as the contract shows it; optional fields only when they have a value. */
export function toReview(row: ReviewRow): GetReviewOutput {
  return {
    id: row.id,
    orgId: row.org_id,
    studyId: row.study_id,
    kind: row.kind,
    ...(row.image_id === null ? {} : { imageId: row.image_id }),
    ...(row.assessment_id === null ? {} : { assessmentId: row.assessment_id }),
    ...(row.second_read_of === null ? {} : { secondReadOf: row.second_read_of }),
    ...(row.assignee_id === null ? {} : { assigneeId: row.assignee_id }),
    priority: row.priority,
    dueAt: toIsoOrNull(row.due_at),
    status: row.status,
    ...(row.verdict === null ? {} : { verdict: row.verdict }),
    findingVerdicts: row.finding_verdicts,
    qualityIssues: row.quality_issues,
    comments: row.comments,
    ...(row.submitted_by === null ? {} : { submittedBy: row.submitted_by }),
    ...(row.cancellation_reason === null ? {} : { cancellationReason: row.cancellation_reason }),
    submittedAt: toIsoOrNull(row.submitted_at),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
    version: row.version,
  };
}

/** An AI assessment as the contract shows it. */
export function toAssessment(row: AssessmentRow): GetAssessmentOutput {
  return {
    id: row.id,
    orgId: row.org_id,
    studyId: row.study_id,
    algorithm: { name: row.algorithm_name, version: row.algorithm_version },
    status: row.status,
    findings: row.findings,
    ...(row.quality === null ? {} : { quality: row.quality }),
    failureReason: row.failure_reason,
    completedAt: toIsoOrNull(row.completed_at),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
    version: row.version,
  };
}
