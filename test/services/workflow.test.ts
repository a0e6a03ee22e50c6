import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, collect, databases, openWorld, type World } from './harness.ts';
import { assignedReview, complete, createImage, pngBytes, registerStudy, upload } from './flow.ts';

describe.each(databases)('the review workflow on $name', ({ name }) => {
  let world: World;
  beforeAll(async () => {
    world = await openWorld(name);
  });
  afterAll(() => world.close());

  it('takes a study from registration to reviewed, through every status', async () => {
    const { services, orgA } = world;
    const v1Status = async (studyId: string) => (await services['study/v1'].getStudy({ path: { studyId } }, as(orgA, 'doctor'))).status;

    const study = await registerStudy(world, orgA);
    expect(study).toMatchObject({ status: 'registered', reviewState: 'not_started', numberOfImages: 0, version: 1 });

    const bytes = [pngBytes(1, 12, 9), pngBytes(2)];
    const [first, second] = [await createImage(world, orgA, study.id, bytes[0]!), await createImage(world, orgA, study.id, bytes[1]!)];
    expect(first).toMatchObject({ status: 'pending_upload', widthPx: null, heightPx: null, instanceNumber: 1, version: 1 });
    expect(second.instanceNumber).toBe(2);
    expect(second.seriesInstanceUid).toBe(first.seriesInstanceUid);

    const uploaded = await upload(world, orgA, first.id, bytes[0]!);
    expect(uploaded).toMatchObject({ status: 'available', widthPx: 12, heightPx: 9, version: 2 });
    expect(await v1Status(study.id)).toBe('available'); // one image still to come
    await upload(world, orgA, second.id, bytes[1]!);
    expect(await services['study/v2'].getStudy({ path: { studyId: study.id } }, as(orgA, 'doctor'))).toMatchObject({ status: 'available', reviewState: 'ai_processing', numberOfImages: 2 });

    const content = await services['image/v1'].downloadImageContent({ path: { imageId: first.id }, header: {} }, as(orgA, 'ai_service'));
    expect(await collect(content.read())).toEqual(bytes[0]);

    const assessment = await services['review/v1'].recordAssessment({
      body: { studyId: study.id, algorithm: { name: 'lesion-detector', version: '2.4.1' }, status: 'completed', findings: [{ id: 'f1', code: { system: 'http://snomed.info/sct', code: '43116000', display: 'Eczema' }, confidence: 0.87, imageId: first.id, region: { shape: 'bbox', coords: [0.1, 0.2, 0.3, 0.4] } }], quality: { gradable: true, issues: [] } },
    }, as(orgA, 'ai_service'));
    expect(assessment).toMatchObject({ status: 'completed', failureReason: null, version: 1 });
    expect(assessment.completedAt).not.toBeNull();
    expect(await v1Status(study.id)).toBe('awaiting_review');

    const quality = [await assignedReview(world, orgA, { studyId: study.id, kind: 'QUALITY', imageId: first.id }, 'technician'), await assignedReview(world, orgA, { studyId: study.id, kind: 'QUALITY', imageId: second.id }, 'technician')];
    const diagnostic = await assignedReview(world, orgA, { studyId: study.id, kind: 'DIAGNOSTIC', assessmentId: assessment.id }, 'doctor');
    expect(diagnostic).toMatchObject({ status: 'assigned', assigneeId: orgA.users.doctor, priority: 'routine', findingVerdicts: [], comments: null, submittedAt: null });
    expect(await v1Status(study.id)).toBe('awaiting_review');

    const firstQuality = await complete(world, orgA, quality[0]!, 'technician', { qualityIssues: [] });
    expect(firstQuality).toMatchObject({ status: 'completed', submittedBy: orgA.users.technician, version: 3 });
    expect(await v1Status(study.id)).toBe('in_review');
    await complete(world, orgA, quality[1]!, 'technician', { qualityIssues: ['blurry'], comments: 'Slight motion blur.' });
    expect(await v1Status(study.id)).toBe('in_review'); // the diagnostic review is still open

    const done = await complete(world, orgA, diagnostic, 'doctor', { verdict: 'agree', findingVerdicts: [{ findingId: 'f1', verdict: 'agree' }] });
    expect(done).toMatchObject({ status: 'completed', verdict: 'agree', submittedBy: orgA.users.doctor });
    expect(done).not.toHaveProperty('secondReadOf');
    expect(await v1Status(study.id)).toBe('reviewed');
    expect(await services['study/v2'].getStudy({ path: { studyId: study.id } }, as(orgA, 'doctor'))).toMatchObject({ status: 'available', reviewState: 'reviewed' });

    const completed = await services['review/v1'].listReviews({ query: { studyId: study.id, status: 'completed' } }, as(orgA, 'org_admin'));
    expect(completed.items).toHaveLength(3);
  });

  it('opens a second read on disagree and reaches reviewed only once it is done', async () => {
    const { services, orgA } = world;
    const study = await registerStudy(world, orgA);
    const bytes = pngBytes(3);
    const image = await upload(world, orgA, (await createImage(world, orgA, study.id, bytes)).id, bytes);
    const assessment = await services['review/v1'].recordAssessment({ body: { studyId: study.id, algorithm: { name: 'a', version: '1' }, status: 'completed', findings: [] } }, as(orgA, 'ai_service'));
    await complete(world, orgA, await assignedReview(world, orgA, { studyId: study.id, kind: 'QUALITY', imageId: image.id }, 'technician'), 'technician', {});
    const first = await complete(world, orgA, await assignedReview(world, orgA, { studyId: study.id, kind: 'DIAGNOSTIC', assessmentId: assessment.id }, 'doctor'), 'doctor', { verdict: 'disagree' });

    const open = await services['review/v1'].listReviews({ query: { studyId: study.id, status: 'requested' } }, as(orgA, 'org_admin'));
    expect(open.items).toHaveLength(1);
    const secondRead = open.items[0]!;
    expect(secondRead).toMatchObject({ kind: 'DIAGNOSTIC', assessmentId: assessment.id, secondReadOf: first.id, status: 'requested' });
    expect(secondRead).not.toHaveProperty('assigneeId');
    expect((await services['study/v1'].getStudy({ path: { studyId: study.id } }, as(orgA, 'doctor'))).status).toBe('in_review');

    const assigned = await services['review/v1'].assignReview({ path: { reviewId: secondRead.id }, header: { 'If-Match': `"${secondRead.version}"` }, body: { assigneeId: orgA.users.doctor2 } }, as(orgA, 'org_admin'));
    // A second read settles the question: an uncertain verdict on it opens no third.
    await complete(world, orgA, assigned, 'doctor2', { verdict: 'uncertain' });
    expect((await services['review/v1'].listReviews({ query: { studyId: study.id, status: 'requested' } }, as(orgA, 'org_admin'))).items).toEqual([]);
    expect((await services['study/v1'].getStudy({ path: { studyId: study.id } }, as(orgA, 'doctor'))).status).toBe('reviewed');
  });
});
