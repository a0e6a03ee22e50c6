import { ApiError } from '../../src/runtime/errors.ts';
import type { OperationContext } from '../../src/runtime/handler.ts';

/** The one study the benchmark reads and updates; its identifiers match the contract's patterns. */
export const benchStudyId = 'stu_01HZBENCH000000000000000';
export const benchOrgId = 'org_01HZBENCH000000000000000';

export interface BenchStudy {
  id: string;
  orgId: string;
  studyInstanceUid: string;
  subject: { pseudonymId: string; issuer: string };
  description: string | null;
  modalities: Array<{ system: string; code: string; display?: string }>;
  startedAt: string | null;
  numberOfImages: number;
  status: string;
  reviewState: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface StudyUpdate {
  description?: string | null;
  modalities?: BenchStudy['modalities'];
  startedAt?: string | null;
}

/**
 * The work under benchmark, called the same way by Trident and by the hand-written baselines: an
 * in-memory study that is read and updated. It keeps the database out of the measurement, so
 * what differs between the two servers is only what sits in front of this function.
 */
export class BenchStudies {
  private readonly studies = new Map<string, BenchStudy>();

  constructor() {
    const now = new Date('2026-01-01T00:00:00Z').toISOString();
    this.studies.set(benchStudyId, {
      id: benchStudyId,
      orgId: benchOrgId,
      studyInstanceUid: '2.25.123456789012345678901234567890',
      subject: { pseudonymId: '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0', issuer: 'urn:oid:1.2.3.4' },
      description: 'Benchmark study',
      modalities: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: 'XC', display: 'External-camera Photography' }],
      startedAt: now,
      numberOfImages: 3,
      status: 'available',
      reviewState: 'awaiting_review',
      createdAt: now,
      updatedAt: now,
      version: 1,
    });
  }

  get(orgId: string, studyId: string): BenchStudy {
    const study = this.studies.get(studyId);
    if (!study || study.orgId !== orgId) throw new ApiError('not_found', `No study ${studyId}.`);
    return study;
  }

  update(orgId: string, studyId: string, ifMatch: string, changes: StudyUpdate): BenchStudy {
    const study = this.get(orgId, studyId);
    if (ifMatch.trim() !== '*' && ifMatch.replace(/^W\//, '').replaceAll('"', '') !== String(study.version)) {
      throw new ApiError('precondition_failed', `The study is at version ${study.version}.`);
    }
    const next: BenchStudy = { ...study, ...changes, updatedAt: new Date().toISOString(), version: study.version + 1 };
    this.studies.set(studyId, next);
    return next;
  }
}

/** The study v2 handlers Trident serves for the benchmark: two real, the rest unimplemented. */
export function benchStudyV2Handlers(studies: BenchStudies): Record<string, unknown> {
  const unimplemented = async (): Promise<never> => {
    throw new ApiError('unimplemented', 'Not part of the benchmark.');
  };
  return {
    registerStudy: unimplemented,
    listStudies: unimplemented,
    cancelStudy: unimplemented,
    getStudySubjectIdentity: unimplemented,
    getStudy: async (input: { path: { studyId: string } }, context: OperationContext) => studies.get(context.principal.orgId, input.path.studyId),
    updateStudy: async (input: { path: { studyId: string }; header: { 'If-Match': string }; body: StudyUpdate }, context: OperationContext) =>
      studies.update(context.principal.orgId, input.path.studyId, input.header['If-Match'], input.body),
  };
}
