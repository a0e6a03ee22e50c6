import { ApiError } from '../../runtime/errors.ts';
import type { BinaryContent, BinaryUpload, OperationContext } from '../../runtime/handler.ts';
import type { BlobStore } from '../../store/blobs.ts';
import { notFound, orgOf } from '../access.ts';
import type { ServiceDeps } from '../deps.ts';
import { isClosed } from '../study/lifecycle.ts';
import { refreshStudy } from '../study/refresh.ts';
import { findStudy } from '../study/repository.ts';
import { inTransaction } from '../transaction.ts';
import { lockImage, getImageRow } from './commands.ts';
import { dimensionsHeadBytes, imageDimensions } from './dimensions.ts';
import { findImage, updateImageRow, type ImageRow } from './repository.ts';

/** The SHA-256 in an RFC 9530 Content-Digest value, as lowercase hex; undefined without one. */
export function sha256OfContentDigest(header: string): string | undefined {
  const match = /(?:^|,)\s*sha-256=:([A-Za-z0-9+/]{43}=):\s*(?:;[^,]*)?(?:,|$)/.exec(header);
  return match?.[1] === undefined ? undefined : Buffer.from(match[1], 'base64').toString('hex');
}

function checkUpload(image: ImageRow, digestHeader: string, body: BinaryUpload): void {
  if (image.status !== 'pending_upload') throw new ApiError('conflict', `The image is ${image.status}; its content is uploaded once, while pending_upload.`);
  if (sha256OfContentDigest(digestHeader) !== image.sha256) {
    throw new ApiError('invalid_argument', 'Content-Digest differs from the registered checksum.', [{ pointer: '/header/Content-Digest', message: 'must be the sha-256 of the registered checksum' }]);
  }
  const mediaType = body.contentType.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== image.content_type) throw new ApiError('unsupported_media_type', `The image was registered as ${image.content_type}.`, [{ pointer: '/header/Content-Type', message: `must be ${image.content_type}` }]);
  if (body.declaredSize !== undefined && body.declaredSize > image.size_bytes) throw new ApiError('payload_too_large', `The body is larger than the registered ${image.size_bytes} bytes.`, [{ pointer: '/body', message: 'is longer than sizeBytes' }]);
  if (body.declaredSize !== undefined && body.declaredSize < image.size_bytes) {
    throw new ApiError('invalid_argument', `The body has ${body.declaredSize} bytes; ${image.size_bytes} were registered.`, [{ pointer: '/body', message: 'size differs from sizeBytes' }]);
  }
}

async function readHead(blobs: BlobStore, orgId: string, sha256: string, size: number): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of blobs.read(orgId, sha256, { start: 0, end: Math.min(size, dimensionsHeadBytes) - 1 })) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/**
 * Stores the content of a pending image. The digest header, media type and declared size are
 * checked before a byte is read; the blob store then checks the bytes themselves against the
 * registered size and SHA-256 and makes them visible only if both hold. The streaming happens
 * outside any transaction (an upload may take minutes); the image becomes available afterwards,
 * in one transaction that re-checks it is still pending and updates the study.
 */
export async function uploadContent(deps: ServiceDeps, context: OperationContext, imageId: string, digestHeader: string, body: BinaryUpload): Promise<ImageRow> {
  const orgId = orgOf(context);
  const image = await getImageRow(deps, context, imageId);
  const study = await findStudy(deps.db, orgId, image.study_id);
  if (study !== undefined && isClosed({ status: study.status, reviewState: study.review_state })) throw new ApiError('conflict', `The study is ${study.status}; it takes no content.`);
  checkUpload(image, digestHeader, body);
  await deps.blobs.write(orgId, body.chunks, { size: image.size_bytes, sha256: image.sha256 }, context.signal);
  const dimensions = imageDimensions(image.content_type, await readHead(deps.blobs, orgId, image.sha256, image.size_bytes));
  return inTransaction(deps, async (unit) => {
    const current = await lockImage(unit.sql, orgId, imageId);
    if (current.status !== 'pending_upload') throw new ApiError('conflict', `The image became ${current.status} during the upload.`);
    await updateImageRow(unit.sql, imageId, { status: 'available', width_px: dimensions?.width ?? null, height_px: dimensions?.height ?? null }, unit.now);
    await refreshStudy(deps, unit, orgId, current.study_id);
    const stored = await findImage(unit.sql, orgId, imageId);
    if (stored === undefined) throw notFound('image', imageId);
    return stored;
  });
}

/**
 * The content of an available image. Its ETag is the image version: content never changes once
 * stored, and an image that is rejected stops being downloadable.
 */
export async function openContent(deps: ServiceDeps, context: OperationContext, imageId: string): Promise<BinaryContent> {
  const orgId = orgOf(context);
  const image = await getImageRow(deps, context, imageId);
  if (image.status !== 'available') throw new ApiError('not_found', `Image ${imageId} has no content to download; it is ${image.status}.`);
  if ((await deps.blobs.size(orgId, image.sha256)) !== image.size_bytes) throw new ApiError('internal', 'The stored content of the image is missing.');
  return {
    contentType: image.content_type,
    size: image.size_bytes,
    etag: `"${image.version}"`,
    read: (range) => deps.blobs.read(orgId, image.sha256, range),
  };
}
