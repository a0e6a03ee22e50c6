import type { ReviewV1Handlers } from '../../../generated/ts/review/v1/server.ts';
import { notFound, orgOf } from '../access.ts';
import type { ServiceDeps } from '../deps.ts';
import { decodeCursor, encodeCursor, pageSize, toPage } from '../paging.ts';
import { resumePoint, watchStudyEvents } from '../progress/watch.ts';
import { findStudy } from '../study/repository.ts';
import { assessmentKey, findAssessment, listAssessmentRows } from './assessment-repository.ts';
import { recordAssessment } from './assessments.ts';
import { assignReview, cancelReview, createReview, startReview, submitReview } from './commands.ts';
import { toAssessment, toReview } from './mapping.ts';
import { findReview, listReviewRows, reviewKey } from './repository.ts';

/** Review API v1: AI assessments, diagnostic and quality reviews, and the progress stream. */
export function reviewV1Handlers(deps: ServiceDeps): ReviewV1Handlers {
  return {
    async recordAssessment({ body }, context) {
      return toAssessment(await recordAssessment(deps, context, body));
    },

    async listAssessments({ query }, context) {
      const given = { studyId: query.studyId, status: query.status };
      const size = pageSize(query.limit, '/query/limit');
      const after = decodeCursor(query.cursor, 'assessments', given, ['time', 'text'], '/query/cursor');
      const rows = await listAssessmentRows(deps.db, orgOf(context), given, after, size + 1);
      const page = toPage(rows, size, toAssessment, assessmentKey, (key) => encodeCursor('assessments', given, key));
      return { items: page.items, nextCursor: page.next };
    },

    async getAssessment({ path }, context) {
      const row = await findAssessment(deps.db, orgOf(context), path.assessmentId);
      if (row === undefined) throw notFound('assessment', path.assessmentId);
      return toAssessment(row);
    },

    async createReview({ body }, context) {
      return toReview(await createReview(deps, context, body));
    },

    async listReviews({ query }, context) {
      const given = { studyId: query.studyId, kind: query.kind, status: query.status, assigneeId: query.assigneeId };
      const size = pageSize(query.limit, '/query/limit');
      const after = decodeCursor(query.cursor, 'reviews', given, ['int', 'time', 'text'], '/query/cursor');
      const rows = await listReviewRows(deps.db, orgOf(context), given, after, size + 1);
      const page = toPage(rows, size, toReview, reviewKey, (key) => encodeCursor('reviews', given, key));
      return { items: page.items, nextCursor: page.next };
    },

    async getReview({ path }, context) {
      const row = await findReview(deps.db, orgOf(context), path.reviewId);
      if (row === undefined) throw notFound('review', path.reviewId);
      return toReview(row);
    },

    async assignReview(input, context) {
      return toReview(await assignReview(deps, context, input));
    },

    async startReview({ path, header }, context) {
      return toReview(await startReview(deps, context, path.reviewId, header['If-Match']));
    },

    async submitReview(input, context) {
      return toReview(await submitReview(deps, context, input));
    },

    async cancelReview({ path, header, body }, context) {
      return toReview(await cancelReview(deps, context, path.reviewId, header['If-Match'], body.reason));
    },

    // The checks run before the stream is handed out, so a bad study or resume point fails the
    // call itself (404 / NOT_FOUND) rather than its first event.
    async watchReviewProgress({ path, query, header }, context) {
      const orgId = orgOf(context);
      const after = resumePoint(query.after, header['Last-Event-ID']);
      if ((await findStudy(deps.db, orgId, path.studyId)) === undefined) throw notFound('study', path.studyId);
      return watchStudyEvents(deps, orgId, path.studyId, after, context.signal);
    },
  };
}
