import type { CreateImageInput, RejectImageInput } from '../../../generated/ts/image/v1/server.ts';
import { ApiError } from '../../runtime/errors.ts';
import type { OperationContext } from '../../runtime/handler.ts';
import { isUniqueViolation, type Queryable } from '../../store/db.ts';
import { notFound, orgOf } from '../access.ts';
import { assertVersion } from '../concurrency.ts';
import type { ServiceDeps } from '../deps.ts';
import { dicomUidFrom, newDicomUid, newId } from '../ids.ts';
import { lockStudy } from '../locks.ts';
import { cancelOpenReviews } from '../review/repository.ts';
import { isClosed } from '../study/lifecycle.ts';
import { refreshStudy } from '../study/refresh.ts';
import { findStudy } from '../study/repository.ts';
import { normaliseTime } from '../time.ts';
import { inTransaction } from '../transaction.ts';
import { findImage, insertImage, nextInstanceNumber, updateImageRow, type ImageRow } from './repository.ts';

/**
 * Registers an image of a study of the caller's organisation, awaiting its content. Without a
 * Series Instance UID the image joins the study's default series (derived from the study UID,
 * so every such image of the study shares it); without an instance number it gets the next one.
 */
export async function createImage(deps: ServiceDeps, context: OperationContext, body: CreateImageInput['body']): Promise<ImageRow> {
  const orgId = orgOf(context);
  const id = newId('img');
  try {
    return await inTransaction(deps, async (unit) => {
      const study = await findStudy(unit.sql, orgId, body.studyId, true);
      if (study === undefined) throw notFound('study', body.studyId);
      if (isClosed({ status: study.status, reviewState: study.review_state }) || study.review_state === 'reviewed') {
        throw new ApiError('conflict', `The study is ${study.status === 'available' ? study.review_state : study.status}; it takes no more images.`);
      }
      const series = body.seriesInstanceUid ?? dicomUidFrom(`${study.study_instance_uid}|default-series`);
      await insertImage(unit.sql, {
        id,
        org_id: orgId,
        study_id: study.id,
        sop_instance_uid: body.sopInstanceUid ?? newDicomUid(),
        series_instance_uid: series,
        instance_number: body.instanceNumber ?? (await nextInstanceNumber(unit.sql, study.id, series)),
        content_type: body.contentType,
        size_bytes: body.sizeBytes,
        sha256: body.checksum.value,
        capture: { ...body.capture, capturedAt: normaliseTime(body.capture.capturedAt) },
      }, unit.now);
      await refreshStudy(deps, unit, orgId, study.id);
      return mustFind(await findImage(unit.sql, orgId, id), id);
    });
  } catch (error) {
    if (isUniqueViolation(error, 'images_sop_instance_uid_unique')) throw new ApiError('already_exists', 'An image with this SOP Instance UID is already registered.', [{ pointer: '/body/sopInstanceUid', message: 'already registered' }]);
    throw error;
  }
}

/**
 * Locks an image for a change: its study first (see `lockStudy`), then the image itself.
 * `not_found` when the image is not in the caller's organisation.
 */
export async function lockImage(sql: Queryable, orgId: string, id: string): Promise<ImageRow> {
  const peek = mustFind(await findImage(sql, orgId, id), id);
  await lockStudy(sql, orgId, peek.study_id);
  return mustFind(await findImage(sql, orgId, id, true), id);
}

/** Rejects an image (IHE IOCM); its open QUALITY reviews are cancelled, as nobody needs them. */
export async function rejectImage(deps: ServiceDeps, context: OperationContext, input: RejectImageInput): Promise<ImageRow> {
  const orgId = orgOf(context);
  return inTransaction(deps, async (unit) => {
    const image = await lockImage(unit.sql, orgId, input.path.imageId);
    assertVersion(input.header['If-Match'], image.version);
    if (image.status === 'rejected' || image.status === 'entered_in_error') throw new ApiError('conflict', `The image is already ${image.status}.`);
    const rejection = { reason: input.body.reason, by: context.principal.userId, at: unit.now.toISOString(), comment: input.body.comment ?? null };
    await updateImageRow(unit.sql, image.id, { status: 'rejected', rejection }, unit.now);
    await cancelOpenReviews(unit.sql, { imageId: image.id }, 'The image was rejected.', unit.now);
    await refreshStudy(deps, unit, orgId, image.study_id);
    return mustFind(await findImage(unit.sql, orgId, image.id), image.id);
  });
}

/** An image of the caller's organisation, or `not_found`. */
export async function getImageRow(deps: ServiceDeps, context: OperationContext, id: string): Promise<ImageRow> {
  return mustFind(await findImage(deps.db, orgOf(context), id), id);
}

function mustFind(row: ImageRow | undefined, id: string): ImageRow {
  if (row === undefined) throw notFound('image', id);
  return row;
}
