import { ApiError } from '../../runtime/errors.ts';
import type { OperationContext } from '../../runtime/handler.ts';
import type { Queryable } from '../../store/db.ts';
import { notFound, orgOf } from '../access.ts';
import type { ServiceDeps } from '../deps.ts';
import { lockStudy } from '../locks.ts';
import { memberRoles } from '../members.ts';
import { refreshStudy } from '../study/refresh.ts';
import { inTransaction, type Unit } from '../transaction.ts';
import { findReview, type ReviewRow } from './repository.ts';
import { roleForKind } from './rules.ts';

/** Locks a review for a change: its study first (see `lockStudy`), then the review. */
export async function lockReview(sql: Queryable, orgId: string, id: string): Promise<ReviewRow> {
  const peek = await findReview(sql, orgId, id);
  if (peek === undefined) throw notFound('review', id);
  await lockStudy(sql, orgId, peek.study_id);
  const review = await findReview(sql, orgId, id, true);
  if (review === undefined) throw notFound('review', id);
  return review;
}

/** Throws `invalid_argument` unless `userId` works for the organisation in the review's role. */
export async function checkAssignee(sql: Queryable, orgId: string, userId: string, kind: ReviewRow['kind']): Promise<void> {
  const role = roleForKind(kind);
  const held = await memberRoles(sql, orgId, userId);
  if (held?.includes(role) === true) return;
  const message = held === undefined ? 'not a member of this organisation' : `not a ${role} of this organisation`;
  throw new ApiError('invalid_argument', `The assignee is ${message}.`, [{ pointer: '/body/assigneeId', message }]);
}

/** Runs one change of one review in a transaction and returns the review as it then is. */
export async function changeReview(deps: ServiceDeps, context: OperationContext, id: string, change: (unit: Unit, review: ReviewRow) => Promise<void>): Promise<ReviewRow> {
  const orgId = orgOf(context);
  return inTransaction(deps, async (unit) => {
    const review = await lockReview(unit.sql, orgId, id);
    await change(unit, review);
    await refreshStudy(deps, unit, orgId, review.study_id);
    const changed = await findReview(unit.sql, orgId, id);
    if (changed === undefined) throw notFound('review', id);
    return changed;
  });
}

/** Throws `permission_denied` unless the caller may work on `review`: its role, and its assignee. */
export function assertReviewer(context: OperationContext, review: ReviewRow): void {
  if (review.assignee_id !== context.principal.userId) throw new ApiError('permission_denied', 'Only the assignee of a review may work on it.');
}
