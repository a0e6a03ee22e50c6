import type { RecordAssessmentInput } from '../../../generated/ts/review/v1/server.ts';
import { ApiError, type FieldViolation } from '../../runtime/errors.ts';
import type { OperationContext } from '../../runtime/handler.ts';
import { notFound, orgOf } from '../access.ts';
import type { ServiceDeps } from '../deps.ts';
import { newId } from '../ids.ts';
import { appendEvent } from '../progress/events.ts';
import { isClosed } from '../study/lifecycle.ts';
import { refreshStudy } from '../study/refresh.ts';
import { findStudy } from '../study/repository.ts';
import { inTransaction } from '../transaction.ts';
import { findAssessment, insertAssessment, type AssessmentRow } from './assessment-repository.ts';

type Body = RecordAssessmentInput['body'];

// A point is one x,y pair, a bbox two, a polygon at least three.
const coordinateCounts = { point: (n: number) => n === 2, bbox: (n: number) => n === 4, polygon: (n: number) => n >= 6 && n % 2 === 0 };

/** The problems of an assessment body given the available images of its study. */
export function assessmentViolations(body: Body, imageIds: ReadonlySet<string>): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const findings = body.findings ?? [];
  if (body.status === 'failed' && (body.failureReason ?? '') === '') violations.push({ pointer: '/body/failureReason', message: 'a failed assessment needs a failureReason' });
  if (body.status === 'failed' && findings.length > 0) violations.push({ pointer: '/body/findings', message: 'a failed assessment has no findings' });
  if (body.status === 'completed' && body.failureReason != null) violations.push({ pointer: '/body/failureReason', message: 'only a failed assessment has a failureReason' });
  const seen = new Set<string>();
  findings.forEach((finding, index) => {
    if (seen.has(finding.id)) violations.push({ pointer: `/body/findings/${index}/id`, message: 'finding ids must be unique' });
    seen.add(finding.id);
    if (!imageIds.has(finding.imageId)) violations.push({ pointer: `/body/findings/${index}/imageId`, message: 'not an available image of the study' });
    if (finding.region !== undefined && !coordinateCounts[finding.region.shape](finding.region.coords.length)) {
      violations.push({ pointer: `/body/findings/${index}/region/coords`, message: `wrong number of coordinates for a ${finding.region.shape}` });
    }
  });
  return violations;
}

/**
 * Records the finished assessment of a study by an AI service, with an `assessment.completed`
 * event, and moves the study on to awaiting review.
 */
export async function recordAssessment(deps: ServiceDeps, context: OperationContext, body: Body): Promise<AssessmentRow> {
  const orgId = orgOf(context);
  const id = newId('asm');
  return inTransaction(deps, async (unit) => {
    const study = await findStudy(unit.sql, orgId, body.studyId, true);
    if (study === undefined) throw notFound('study', body.studyId);
    if (isClosed({ status: study.status, reviewState: study.review_state }) || study.review_state === 'reviewed') throw new ApiError('conflict', 'The study is closed to new assessments.');
    const images = await unit.sql.query<{ id: string }>("SELECT id FROM images WHERE study_id = $1 AND status = 'available'", [study.id]);
    if (images.length === 0) throw new ApiError('conflict', 'The study has no available images to assess.');
    const violations = assessmentViolations(body, new Set(images.map((image) => image.id)));
    if (violations.length > 0) throw new ApiError('invalid_argument', 'The assessment does not fit its study.', violations);
    const findings = body.findings ?? [];
    await insertAssessment(unit.sql, {
      id,
      org_id: orgId,
      study_id: study.id,
      algorithm_name: body.algorithm.name,
      algorithm_version: body.algorithm.version,
      status: body.status,
      findings,
      quality: body.quality ?? null,
      failure_reason: body.failureReason ?? null,
    }, unit.now);
    await appendEvent(deps, unit, orgId, study.id, { type: 'assessment.completed', data: { assessmentId: id, status: body.status, findingCount: findings.length } });
    await refreshStudy(deps, unit, orgId, study.id);
    const row = await findAssessment(unit.sql, orgId, id);
    if (row === undefined) throw notFound('assessment', id);
    return row;
  });
}
