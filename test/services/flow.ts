import type { Review } from './types.ts';
import { gradientPng } from '../../src/conformance/png.ts';
import { as, chunksOf, digestOf, type Org, type World } from './harness.ts';

/** A small valid PNG; `seed` makes each call's bytes (and so its digest) different. */
export function pngBytes(seed: number, width = 8, height = 6): Buffer {
  return gradientPng(width, height, [seed % 256, 40, 90], [200, (seed * 7) % 256, 30]);
}

/** Registers a study through v2 (with a raw identity) as the clinic uploader. */
export async function registerStudy(world: World, org: Org, patientId = 'P-000001') {
  return world.services['study/v2'].registerStudy({
    body: {
      subjectIdentity: { issuer: 'urn:oid:1.2.3', patientId, patientName: 'Doe^Jane', birthDate: '1984-11-23', sex: 'female', accessionNumber: 'ACC-1' },
      description: 'Hand skin photographs',
      modalities: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: 'XC' }],
      startedAt: '2026-03-02T09:10:00Z',
    },
  }, as(org, 'clinic_uploader'));
}

/** Registers an image of `bytes` in a study, without uploading it. */
export async function createImage(world: World, org: Org, studyId: string, bytes: Uint8Array) {
  return world.services['image/v1'].createImage({
    body: { studyId, contentType: 'image/png', sizeBytes: bytes.length, checksum: { algorithm: 'sha256', value: digestOf(bytes).hex }, capture: { capturedAt: '2026-03-02T09:14:05Z', modality: 'XC' } },
  }, as(org, 'clinic_uploader'));
}

/** Uploads `bytes` as the content of an image, in small chunks. */
export async function upload(world: World, org: Org, imageId: string, bytes: Uint8Array, signal?: AbortSignal) {
  return world.services['image/v1'].uploadImageContent({
    path: { imageId },
    header: { 'Content-Digest': digestOf(bytes).header },
    body: { contentType: 'image/png', declaredSize: bytes.length, chunks: chunksOf(bytes) },
  }, as(org, 'clinic_uploader', signal));
}

/** A study with `count` uploaded images and a completed assessment with one finding on the first. */
export async function assessedStudy(world: World, org: Org, count = 2) {
  const study = await registerStudy(world, org);
  const images = [];
  for (let index = 0; index < count; index += 1) {
    const bytes = pngBytes(index + Math.floor(Math.random() * 1e6));
    images.push(await upload(world, org, (await createImage(world, org, study.id, bytes)).id, bytes));
  }
  const assessment = await world.services['review/v1'].recordAssessment({
    body: { studyId: study.id, algorithm: { name: 'detector', version: '1' }, status: 'completed', findings: [{ id: 'f1', code: { system: 'http://snomed.info/sct', code: '43116000' }, confidence: 0.9, imageId: images[0]?.id ?? '' }] },
  }, as(org, 'ai_service'));
  return { study, images, assessment };
}

/** Starts and submits an assigned review as `role`, returning the completed review. */
export async function complete(world: World, org: Org, review: Review, role: 'doctor' | 'doctor2' | 'technician', body: Parameters<World['services']['review/v1']['submitReview']>[0]['body']): Promise<Review> {
  const reviews = world.services['review/v1'];
  const started = await reviews.startReview({ path: { reviewId: review.id }, header: { 'If-Match': `"${review.version}"` } }, as(org, role));
  return reviews.submitReview({ path: { reviewId: review.id }, header: { 'If-Match': `"${started.version}"` }, body }, as(org, role));
}

/** Creates a review assigned to the user of `role`. */
export async function assignedReview(world: World, org: Org, body: { studyId: string; kind: 'QUALITY' | 'DIAGNOSTIC'; imageId?: string; assessmentId?: string }, role: 'doctor' | 'doctor2' | 'technician'): Promise<Review> {
  return world.services['review/v1'].createReview({ body: { ...body, priority: 'routine', assigneeId: org.users[role] } }, as(org, 'org_admin'));
}
