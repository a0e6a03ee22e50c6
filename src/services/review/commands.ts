import type { AssignReviewInput, CreateReviewInput, SubmitReviewInput } from '../../../generated/ts/review/v1/server.ts';
import type { OperationContext } from '../../runtime/handler.ts';
import { notFound, orgOf, requireRole } from '../access.ts';
import { assertVersion } from '../concurrency.ts';
import type { ServiceDeps } from '../deps.ts';
import { newId } from '../ids.ts';
import { appendEvent } from '../progress/events.ts';
import { refreshStudy } from '../study/refresh.ts';
import { normaliseTime } from '../time.ts';
import { inTransaction } from '../transaction.ts';
import { findAssessment } from './assessment-repository.ts';
import { assertReviewer, changeReview, checkAssignee } from './changes.ts';
import { findReview, insertReview, updateReviewRow, type ReviewRow } from './repository.ts';
import { assertStep, checkSubmission, opensSecondRead, roleForKind } from './rules.ts';
import { checkReviewTarget } from './targets.ts';

/** Requests a review of a study: DIAGNOSTIC of a completed assessment, QUALITY of an image. */
export async function createReview(deps: ServiceDeps, context: OperationContext, body: CreateReviewInput['body']): Promise<ReviewRow> {
  const orgId = orgOf(context);
  const id = newId('rev');
  return inTransaction(deps, async (unit) => {
    await checkReviewTarget(unit.sql, orgId, body);
    if (body.assigneeId !== undefined) await checkAssignee(unit.sql, orgId, body.assigneeId, body.kind);
    await insertReview(unit.sql, {
      id,
      org_id: orgId,
      study_id: body.studyId,
      kind: body.kind,
      image_id: body.imageId ?? null,
      assessment_id: body.assessmentId ?? null,
      second_read_of: null,
      assignee_id: body.assigneeId ?? null,
      priority: body.priority ?? 'routine',
      due_at: normaliseTime(body.dueAt),
      status: body.assigneeId === undefined ? 'requested' : 'assigned',
    }, unit.now);
    await refreshStudy(deps, unit, orgId, body.studyId);
    const row = await findReview(unit.sql, orgId, id);
    if (row === undefined) throw notFound('review', id);
    return row;
  });
}

/** Assigns or reassigns a review that is not started, to a member holding the review's role. */
export function assignReview(deps: ServiceDeps, context: OperationContext, input: AssignReviewInput): Promise<ReviewRow> {
  return changeReview(deps, context, input.path.reviewId, async (unit, review) => {
    assertVersion(input.header['If-Match'], review.version);
    assertStep(review, 'assign');
    await checkAssignee(unit.sql, review.org_id, input.body.assigneeId, review.kind);
    const dueAt = input.body.dueAt === undefined ? {} : { due_at: normaliseTime(input.body.dueAt) };
    await updateReviewRow(unit.sql, review.id, { assignee_id: input.body.assigneeId, status: 'assigned', ...dueAt }, unit.now);
  });
}

/** Starts an assigned review; only its assignee, holding the review's role, may. */
export function startReview(deps: ServiceDeps, context: OperationContext, reviewId: string, ifMatch: string): Promise<ReviewRow> {
  return changeReview(deps, context, reviewId, async (unit, review) => {
    requireRole(context, roleForKind(review.kind), `Only a ${roleForKind(review.kind)} works on a ${review.kind} review.`);
    assertVersion(ifMatch, review.version);
    assertStep(review, 'start');
    assertReviewer(context, review);
    await updateReviewRow(unit.sql, review.id, { status: 'in_progress' }, unit.now);
  });
}

/**
 * Completes a review in progress. Only doctors complete DIAGNOSTIC reviews and only technicians
 * QUALITY ones; a disagree or uncertain verdict on a first read opens a second read.
 */
export function submitReview(deps: ServiceDeps, context: OperationContext, input: SubmitReviewInput): Promise<ReviewRow> {
  return changeReview(deps, context, input.path.reviewId, async (unit, review) => {
    const role = roleForKind(review.kind);
    requireRole(context, role, `Only a ${role} completes a ${review.kind} review.`);
    assertVersion(input.header['If-Match'], review.version);
    assertStep(review, 'submit');
    assertReviewer(context, review);
    const assessment = review.assessment_id === null ? undefined : await findAssessment(unit.sql, review.org_id, review.assessment_id);
    checkSubmission(review, input.body, new Set(assessment?.findings.map((finding) => finding.id)));
    const verdict = input.body.verdict;
    await updateReviewRow(unit.sql, review.id, {
      status: 'completed',
      verdict: verdict ?? null,
      finding_verdicts: input.body.findingVerdicts ?? [],
      quality_issues: input.body.qualityIssues ?? [],
      comments: input.body.comments ?? null,
      submitted_by: context.principal.userId,
      submitted_at: unit.now.toISOString(),
    }, unit.now);
    const secondRead = opensSecondRead(review, verdict) ? newId('rev') : undefined;
    if (secondRead !== undefined) {
      await insertReview(unit.sql, { ...review, id: secondRead, second_read_of: review.id, assignee_id: null, due_at: null, status: 'requested' }, unit.now);
    }
    await appendEvent(deps, unit, review.org_id, review.study_id, {
      type: 'review.submitted',
      data: { reviewId: review.id, kind: review.kind, submittedBy: context.principal.userId, ...(verdict === undefined ? {} : { verdict }), ...(secondRead === undefined ? {} : { secondReadReviewId: secondRead }) },
    });
  });
}

/** Cancels a review that is not completed or cancelled. */
export function cancelReview(deps: ServiceDeps, context: OperationContext, reviewId: string, ifMatch: string, reason: string): Promise<ReviewRow> {
  return changeReview(deps, context, reviewId, async (unit, review) => {
    assertVersion(ifMatch, review.version);
    assertStep(review, 'cancel');
    await updateReviewRow(unit.sql, review.id, { status: 'cancelled', cancellation_reason: reason }, unit.now);
  });
}
