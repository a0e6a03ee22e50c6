import type { GetStudyOutput as StudyV1 } from '../../../generated/ts/study/v1/server.ts';
import type { GetStudyOutput as StudyV2, GetStudySubjectIdentityOutput } from '../../../generated/ts/study/v2/server.ts';
import { toIso, toIsoOrNull } from '../time.ts';
import { toV1Status } from './lifecycle.ts';
import { codesForV1 } from './modalities.ts';
import type { StudyRow } from './repository.ts';

/**
 * Study v1: bare modality codes and one status; the raw subject and the accession number only
 * `withIdentity` (see identity-access.ts), else the subject is its sex alone.
 */
export function toStudyV1(row: StudyRow, withIdentity: boolean): StudyV1 {
  return {
    id: row.id,
    orgId: row.org_id,
    studyInstanceUid: row.study_instance_uid,
    ...(withIdentity ? { accessionNumber: row.accession_number } : {}),
    subject: withIdentity ? { patientId: row.patient_id, patientName: row.patient_name, birthDate: row.birth_date, sex: row.sex } : { sex: row.sex },
    description: row.description,
    modalities: codesForV1(row.modalities),
    startedAt: toIsoOrNull(row.started_at),
    numberOfImages: row.number_of_images,
    status: toV1Status({ status: row.status, reviewState: row.review_state }),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
    version: row.version,
  };
}

/** Study v2: the pseudonymised subject, coded modalities, the FHIR status and the review state. */
export function toStudyV2(row: StudyRow): StudyV2 {
  return {
    id: row.id,
    orgId: row.org_id,
    studyInstanceUid: row.study_instance_uid,
    subject: { pseudonymId: row.pseudonym_id, issuer: row.issuer },
    description: row.description,
    modalities: row.modalities,
    startedAt: toIsoOrNull(row.started_at),
    numberOfImages: row.number_of_images,
    status: row.status,
    reviewState: row.review_state,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
    version: row.version,
  };
}

/** The raw identity of a study's subject, with the study's own times and version. */
export function toSubjectIdentity(row: StudyRow): GetStudySubjectIdentityOutput {
  return {
    studyId: row.id,
    orgId: row.org_id,
    pseudonymId: row.pseudonym_id,
    issuer: row.issuer,
    patientId: row.patient_id,
    patientName: row.patient_name,
    birthDate: row.birth_date,
    sex: row.sex,
    accessionNumber: row.accession_number,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
    version: row.version,
  };
}
