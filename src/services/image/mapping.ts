import type { GetImageOutput } from '../../../generated/ts/image/v1/server.ts';
import { toIso } from '../time.ts';
import type { ImageRow } from './repository.ts';

/** An image as the contract shows it; `rejection` only when rejected. */
export function toImage(row: ImageRow): GetImageOutput {
  return {
    id: row.id,
    orgId: row.org_id,
    studyId: row.study_id,
    sopInstanceUid: row.sop_instance_uid,
    seriesInstanceUid: row.series_instance_uid,
    instanceNumber: row.instance_number,
    status: row.status,
    contentType: row.content_type,
    sizeBytes: row.size_bytes,
    checksum: { algorithm: 'sha256', value: row.sha256 },
    widthPx: row.width_px,
    heightPx: row.height_px,
    capture: row.capture,
    ...(row.rejection === null ? {} : { rejection: row.rejection }),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
    version: row.version,
  };
}
