import { createHash } from 'node:crypto';
import type { OperationContext } from '../../runtime/handler.ts';
import type { Database } from '../../store/db.ts';
import { addMember, addOrganisation, roles, type Role } from '../members.ts';
import type { Services } from '../index.ts';
import { gradientPng } from '../../conformance/png.ts';

/** The demo organisation; fixed ids keep dev tokens valid across restarts on one data directory. */
export const demoOrgId = 'org_demoClinic000001';

export const demoUsers: Record<Role, { id: string; name: string }> = {
  clinic_uploader: { id: 'usr_demoUploader0001', name: 'Demo Uploader' },
  ai_service: { id: 'usr_demoAiService001', name: 'Demo AI Service' },
  doctor: { id: 'usr_demoDoctor000001', name: 'Demo Doctor' },
  technician: { id: 'usr_demoTechnician01', name: 'Demo Technician' },
  org_admin: { id: 'usr_demoOrgAdmin0001', name: 'Demo Admin' },
};

/** What the demo holds, for printing dev tokens and links. */
export interface DemoSeed {
  orgId: string;
  /** One user per role, each holding only that role. */
  users: Record<Role, string>;
  studyId: string;
  imageIds: string[];
  assessmentId: string;
  reviewIds: string[];
}

/**
 * Seeds the demo organisation unless it exists, then returns its ids: a user per role, a study
 * with two uploaded PNG images, a completed AI assessment with one finding, a QUALITY review of
 * each image (the first completed by the technician) and a DIAGNOSTIC review assigned to the
 * doctor, so the study is in review and the rest of the workflow can be tried by hand. The data
 * goes through the handlers, so it obeys every rule the APIs do.
 */
export async function seedDemo(db: Database, services: Services, clock: () => Date = () => new Date()): Promise<DemoSeed> {
  const users: Record<Role, string> = {
    clinic_uploader: demoUsers.clinic_uploader.id,
    ai_service: demoUsers.ai_service.id,
    doctor: demoUsers.doctor.id,
    technician: demoUsers.technician.id,
    org_admin: demoUsers.org_admin.id,
  };
  const existing = await db.query<{ id: string }>('SELECT id FROM studies WHERE org_id = $1 ORDER BY created_at, id LIMIT 1', [demoOrgId]);
  if (existing[0] !== undefined) return { orgId: demoOrgId, users, ...(await demoIds(db, existing[0].id)) };

  await db.transaction(async (tx) => {
    await addOrganisation(tx, { id: demoOrgId, name: 'Demo Clinic' }, clock());
    for (const role of roles) await addMember(tx, { orgId: demoOrgId, userId: demoUsers[role].id, name: demoUsers[role].name, roles: [role] }, clock());
  });
  const as = (role: Role, operationId: string): OperationContext => ({
    principal: { userId: users[role], orgId: demoOrgId, roles: [role] },
    api: { name: 'demo', version: 1 },
    operationId,
    protocol: 'rest',
    signal: new AbortController().signal,
    requestId: `seed-${operationId}`,
  });

  const study = await services['study/v2'].registerStudy({
    body: {
      subjectIdentity: { issuer: 'urn:oid:2.999.1', patientId: 'DEMO-0001', patientName: 'Demo^Patient', birthDate: '1980-01-01', sex: 'other', accessionNumber: 'DEMO-A-0001' },
      description: 'Demo: hand skin photographs',
      modalities: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: 'XC' }],
      startedAt: clock().toISOString(),
    },
  }, as('clinic_uploader', 'registerStudy'));

  const pictures = [gradientPng(64, 48, [224, 172, 150], [160, 110, 90]), gradientPng(48, 64, [200, 150, 130], [120, 80, 60])];
  const imageIds: string[] = [];
  for (const [index, bytes] of pictures.entries()) {
    const sha256 = createHash('sha256').update(bytes).digest();
    const image = await services['image/v1'].createImage({
      body: { studyId: study.id, contentType: 'image/png', sizeBytes: bytes.length, checksum: { algorithm: 'sha256', value: sha256.toString('hex') }, capture: { capturedAt: clock().toISOString(), modality: 'XC', deviceId: 'demo-camera', laterality: index === 0 ? 'L' : 'R' } },
    }, as('clinic_uploader', 'createImage'));
    await services['image/v1'].uploadImageContent({
      path: { imageId: image.id },
      header: { 'Content-Digest': `sha-256=:${sha256.toString('base64')}:` },
      body: { contentType: 'image/png', declaredSize: bytes.length, chunks: (async function* () { yield bytes; })() },
    }, as('clinic_uploader', 'uploadImageContent'));
    imageIds.push(image.id);
  }

  const [first = '', second = ''] = imageIds;
  const assessment = await services['review/v1'].recordAssessment({
    body: { studyId: study.id, algorithm: { name: 'demo-lesion-detector', version: '1.0.0' }, status: 'completed', findings: [{ id: 'f1', code: { system: 'http://snomed.info/sct', code: '43116000', display: 'Eczema' }, confidence: 0.82, imageId: first, region: { shape: 'bbox', coords: [0.2, 0.25, 0.6, 0.7] } }], quality: { gradable: true, issues: [] } },
  }, as('ai_service', 'recordAssessment'));

  const reviews = services['review/v1'];
  const quality = [];
  for (const imageId of [first, second]) quality.push(await reviews.createReview({ body: { studyId: study.id, kind: 'QUALITY', imageId, assigneeId: users.technician, priority: 'routine' } }, as('org_admin', 'createReview')));
  const diagnostic = await reviews.createReview({ body: { studyId: study.id, kind: 'DIAGNOSTIC', assessmentId: assessment.id, assigneeId: users.doctor, priority: 'urgent' } }, as('org_admin', 'createReview'));
  const done = quality[0];
  if (done !== undefined) {
    const started = await reviews.startReview({ path: { reviewId: done.id }, header: { 'If-Match': `"${done.version}"` } }, as('technician', 'startReview'));
    await reviews.submitReview({ path: { reviewId: done.id }, header: { 'If-Match': `"${started.version}"` }, body: { qualityIssues: [], comments: 'Sharp and well exposed.' } }, as('technician', 'submitReview'));
  }
  return { orgId: demoOrgId, users, studyId: study.id, imageIds, assessmentId: assessment.id, reviewIds: [...quality.map((review) => review.id), diagnostic.id] };
}

async function demoIds(db: Database, studyId: string): Promise<Omit<DemoSeed, 'orgId' | 'users'>> {
  const images = await db.query<{ id: string }>('SELECT id FROM images WHERE study_id = $1 ORDER BY created_at, id', [studyId]);
  const assessments = await db.query<{ id: string }>('SELECT id FROM assessments WHERE study_id = $1 ORDER BY created_at, id', [studyId]);
  const reviews = await db.query<{ id: string }>('SELECT id FROM reviews WHERE study_id = $1 ORDER BY created_at, id', [studyId]);
  return { studyId, imageIds: images.map((row) => row.id), assessmentId: assessments[0]?.id ?? '', reviewIds: reviews.map((row) => row.id) };
}
