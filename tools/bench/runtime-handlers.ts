import { studyV2Operations, type GetStudyOutput, type StudyV2Handlers, type UpdateStudyInput } from '../../generated/ts/study/v2/server.ts';
import { ApiError } from '../../src/runtime/errors.ts';

/** The one study the benchmark reads and updates; its identifiers match the contract's patterns. */
export const benchStudyId = 'stu_01HZBENCH000000000000000';
export const benchOrgId = 'org_01HZBENCH000000000000000';

/** A study as the contract returns it. */
export type BenchStudy = GetStudyOutput;

/** The changes of `updateStudy`, as the contract takes them. */
export type StudyUpdate = UpdateStudyInput['body'];

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

const unimplemented = async (): Promise<never> => {
  throw new ApiError('unimplemented', 'Not part of the benchmark.');
};

/**
 * The study v2 handlers Trident serves for the benchmark: the two measured ones typed by the
 * contract, every other operation of the contract unimplemented (so one added to the contract
 * needs nothing here, and a change to a measured one fails to compile).
 */
export function benchStudyV2Handlers(studies: BenchStudies): StudyV2Handlers {
  const measured: Pick<StudyV2Handlers, 'getStudy' | 'updateStudy'> = {
    getStudy: async ({ path }, context) => studies.get(context.principal.orgId, path.studyId),
    updateStudy: async ({ path, header, body }, context) => studies.update(context.principal.orgId, path.studyId, header['If-Match'], body),
  };
  const others = Object.fromEntries(studyV2Operations.map((id) => [id, unimplemented])) as Record<(typeof studyV2Operations)[number], typeof unimplemented>;
  return { ...others, ...measured };
}
