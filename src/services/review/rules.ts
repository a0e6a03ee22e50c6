import type { SubmitReviewInput } from '../../../generated/ts/review/v1/server.ts';
import type { components } from '../../../generated/ts/review/v1/types.ts';
import { ApiError, type FieldViolation } from '../../runtime/errors.ts';
import type { ReviewRow } from './repository.ts';

type Schemas = components['schemas'];

/** Who does a review: doctors the DIAGNOSTIC ones, technicians the QUALITY ones. */
export function roleForKind(kind: Schemas['ReviewKind']): 'doctor' | 'technician' {
  return kind === 'DIAGNOSTIC' ? 'doctor' : 'technician';
}

/** The statuses from which each step of a review may be taken (FHIR Task, as the contract has it). */
export const allowedFrom = {
  assign: ['requested', 'assigned', 'on_hold'],
  start: ['assigned'],
  submit: ['in_progress'],
  cancel: ['requested', 'assigned', 'in_progress', 'on_hold'],
} as const satisfies Record<string, readonly Schemas['ReviewStatus'][]>;

/** Throws `conflict` unless `review` is in a status from which `step` may be taken. */
export function assertStep(review: ReviewRow, step: keyof typeof allowedFrom): void {
  const from: readonly string[] = allowedFrom[step];
  if (!from.includes(review.status)) throw new ApiError('conflict', `A ${review.status} review cannot be ${step === 'submit' ? 'submitted' : `${step}ed`}; it must be ${from.join(' or ')}.`);
}

/**
 * Whether submitting `review` with `verdict` opens a second read: a disagree or uncertain
 * verdict does, on a first read only, as the second reader settles the question.
 */
export function opensSecondRead(review: ReviewRow, verdict: Schemas['Verdict'] | undefined): boolean {
  return review.second_read_of === null && (verdict === 'disagree' || verdict === 'uncertain');
}

/**
 * Checks a submission against its review: a DIAGNOSTIC review needs a verdict, and its finding
 * verdicts must name findings of the reviewed assessment; a QUALITY review has no findings to
 * judge. Throws `invalid_argument` with one violation per problem.
 */
export function checkSubmission(review: ReviewRow, body: SubmitReviewInput['body'], findingIds: ReadonlySet<string>): void {
  const violations: FieldViolation[] = [];
  const verdicts = body.findingVerdicts ?? [];
  if (review.kind === 'DIAGNOSTIC' && body.verdict === undefined) violations.push({ pointer: '/body/verdict', message: 'a DIAGNOSTIC review needs a verdict' });
  if (review.kind === 'QUALITY' && verdicts.length > 0) violations.push({ pointer: '/body/findingVerdicts', message: 'a QUALITY review judges no findings' });
  const seen = new Set<string>();
  verdicts.forEach((verdict, index) => {
    if (review.kind === 'DIAGNOSTIC' && !findingIds.has(verdict.findingId)) violations.push({ pointer: `/body/findingVerdicts/${index}/findingId`, message: 'no such finding in the reviewed assessment' });
    if (seen.has(verdict.findingId)) violations.push({ pointer: `/body/findingVerdicts/${index}/findingId`, message: 'judged twice' });
    seen.add(verdict.findingId);
  });
  if (violations.length > 0) throw new ApiError('invalid_argument', 'The submission does not fit the review.', violations);
}
