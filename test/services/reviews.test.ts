import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, databases, expectCode, openWorld, type World } from './harness.ts';
import { assessedStudy, assignedReview, complete, createImage, pngBytes, registerStudy } from './flow.ts';

describe.each(databases)('reviews and assessments on $name', ({ name }) => {
  let world: World;
  let setup: Awaited<ReturnType<typeof assessedStudy>>;
  beforeAll(async () => {
    world = await openWorld(name);
    setup = await assessedStudy(world, world.orgA, 2);
  });
  afterAll(() => world.close());

  const reviews = () => world.services['review/v1'];
  const ifMatch = (version: number) => ({ 'If-Match': `"${version}"` });
  const quality = () => assignedReview(world, world.orgA, { studyId: setup.study.id, kind: 'QUALITY', imageId: setup.images[1]!.id }, 'technician');
  const diagnostic = () => assignedReview(world, world.orgA, { studyId: setup.study.id, kind: 'DIAGNOSTIC', assessmentId: setup.assessment.id }, 'doctor');

  describe('recording an assessment', () => {
    const record = (body: Partial<Parameters<World['services']['review/v1']['recordAssessment']>[0]['body']>, studyId = setup.study.id) =>
      reviews().recordAssessment({ body: { studyId, algorithm: { name: 'a', version: '1' }, status: 'completed', ...body } }, as(world.orgA, 'ai_service'));

    it.each([
      ['a failure without a reason', { status: 'failed' as const }, '/body/failureReason'],
      ['a reason on a completed one', { failureReason: 'out of memory' }, '/body/failureReason'],
      ['a finding on another image', { findings: [{ id: 'f1', code: { system: 'http://snomed.info/sct', code: '1' }, confidence: 0.5, imageId: 'img_00000000000000000000' }] }, '/body/findings/0/imageId'],
      ['a bbox of three numbers', { findings: [{ id: 'f1', code: { system: 'http://snomed.info/sct', code: '1' }, confidence: 0.5, imageId: '', region: { shape: 'bbox' as const, coords: [0.1, 0.2, 0.3] } }] }, '/body/findings/0/region/coords'],
    ])('refuses %s', async (_, body, pointer) => {
      const fixed = 'findings' in body ? { findings: body.findings.map((finding) => ({ ...finding, imageId: finding.imageId || setup.images[0]!.id })) } : body;
      await expect(record(fixed)).rejects.toMatchObject({ code: 'invalid_argument', violations: [expect.objectContaining({ pointer })] });
    });

    it('needs an available image and a study of the caller', async () => {
      await expectCode(record({}, (await registerStudy(world, world.orgA)).id), 'conflict');
      await expectCode(reviews().recordAssessment({ body: { studyId: setup.study.id, algorithm: { name: 'a', version: '1' }, status: 'completed' } }, as(world.orgB, 'ai_service')), 'not_found');
    });

    it('records a failure, which no diagnostic review can take', async () => {
      const failed = await record({ status: 'failed', failureReason: 'The model timed out.' });
      expect(failed).toMatchObject({ status: 'failed', failureReason: 'The model timed out.', findings: [] });
      await expectCode(reviews().createReview({ body: { studyId: setup.study.id, kind: 'DIAGNOSTIC', assessmentId: failed.id, priority: 'routine' } }, as(world.orgA, 'org_admin')), 'conflict');
    });
  });

  describe('creating and assigning', () => {
    const create = (body: Partial<Parameters<World['services']['review/v1']['createReview']>[0]['body']>) =>
      reviews().createReview({ body: { studyId: setup.study.id, kind: 'QUALITY', priority: 'routine', ...body } }, as(world.orgA, 'org_admin'));

    it.each([
      ['a QUALITY review without an image', () => ({ kind: 'QUALITY' as const }), '/body/imageId'],
      ['a DIAGNOSTIC review without an assessment', () => ({ kind: 'DIAGNOSTIC' as const }), '/body/assessmentId'],
      ['an image of another study', async () => ({ imageId: (await createImage(world, world.orgA, (await registerStudy(world, world.orgA)).id, pngBytes(99))).id }), '/body/imageId'],
      ['an assignee from outside the organisation', () => ({ imageId: setup.images[0]!.id, assigneeId: world.orgB.users.technician }), '/body/assigneeId'],
      ['a doctor on a QUALITY review', () => ({ imageId: setup.images[0]!.id, assigneeId: world.orgA.users.doctor }), '/body/assigneeId'],
    ])('refuses %s', async (_, body, pointer) => {
      await expect(create(await body())).rejects.toMatchObject({ code: 'invalid_argument', violations: [expect.objectContaining({ pointer })] });
    });

    it('finds neither another organisation\'s study nor its reviews', async () => {
      await expectCode(reviews().createReview({ body: { studyId: setup.study.id, kind: 'QUALITY', imageId: setup.images[0]!.id, priority: 'routine' } }, as(world.orgB, 'org_admin')), 'not_found');
      const review = await quality();
      const b = as(world.orgB, 'org_admin');
      await expectCode(reviews().getReview({ path: { reviewId: review.id } }, b), 'not_found');
      await expectCode(reviews().assignReview({ path: { reviewId: review.id }, header: ifMatch(1), body: { assigneeId: world.orgB.users.technician } }, b), 'not_found');
      await expectCode(reviews().cancelReview({ path: { reviewId: review.id }, header: ifMatch(1), body: { reason: 'x' } }, b), 'not_found');
      await expectCode(reviews().startReview({ path: { reviewId: review.id }, header: ifMatch(1) }, as(world.orgB, 'technician')), 'not_found');
      await expectCode(reviews().getAssessment({ path: { assessmentId: setup.assessment.id } }, b), 'not_found');
    });

    it('reassigns a review not yet started, and only then', async () => {
      const review = await diagnostic();
      const reassigned = await reviews().assignReview({ path: { reviewId: review.id }, header: ifMatch(review.version), body: { assigneeId: world.orgA.users.doctor2, dueAt: '2026-03-04T17:00:00Z' } }, as(world.orgA, 'org_admin'));
      expect(reassigned).toMatchObject({ status: 'assigned', assigneeId: world.orgA.users.doctor2, dueAt: '2026-03-04T17:00:00.000Z', version: 2 });
      await expectCode(reviews().assignReview({ path: { reviewId: review.id }, header: ifMatch(1), body: { assigneeId: world.orgA.users.doctor } }, as(world.orgA, 'org_admin')), 'precondition_failed');
      const started = await reviews().startReview({ path: { reviewId: review.id }, header: ifMatch(2) }, as(world.orgA, 'doctor2'));
      await expectCode(reviews().assignReview({ path: { reviewId: review.id }, header: ifMatch(started.version), body: { assigneeId: world.orgA.users.doctor } }, as(world.orgA, 'org_admin')), 'conflict');
    });
  });

  describe('working on a review', () => {
    it('lets only the assignee, in the review\'s role, start it', async () => {
      const review = await diagnostic();
      const start = (role: 'doctor' | 'doctor2' | 'technician', version = review.version) => reviews().startReview({ path: { reviewId: review.id }, header: ifMatch(version) }, as(world.orgA, role));
      await expectCode(start('technician'), 'permission_denied');
      await expectCode(start('doctor2'), 'permission_denied');
      await expectCode(start('doctor', 7), 'precondition_failed');
      expect(await start('doctor')).toMatchObject({ status: 'in_progress', version: 2 });
      await expectCode(start('doctor', 2), 'conflict');
    });

    it('has only technicians complete QUALITY reviews and only doctors DIAGNOSTIC ones', async () => {
      const q = await quality();
      const startedQ = await reviews().startReview({ path: { reviewId: q.id }, header: ifMatch(q.version) }, as(world.orgA, 'technician'));
      await expectCode(reviews().submitReview({ path: { reviewId: q.id }, header: ifMatch(startedQ.version), body: { qualityIssues: [] } }, as(world.orgA, 'doctor')), 'permission_denied');
      const d = await diagnostic();
      const startedD = await reviews().startReview({ path: { reviewId: d.id }, header: ifMatch(d.version) }, as(world.orgA, 'doctor'));
      await expectCode(reviews().submitReview({ path: { reviewId: d.id }, header: ifMatch(startedD.version), body: { verdict: 'agree' } }, as(world.orgA, 'technician')), 'permission_denied');
    });

    it.each([
      ['no verdict', {}, '/body/verdict'],
      ['a verdict on an unknown finding', { verdict: 'agree' as const, findingVerdicts: [{ findingId: 'nope', verdict: 'agree' as const }] }, '/body/findingVerdicts/0/findingId'],
    ])('refuses a DIAGNOSTIC submission with %s', async (_, body, pointer) => {
      const review = await diagnostic();
      const started = await reviews().startReview({ path: { reviewId: review.id }, header: ifMatch(review.version) }, as(world.orgA, 'doctor'));
      await expect(reviews().submitReview({ path: { reviewId: review.id }, header: ifMatch(started.version), body }, as(world.orgA, 'doctor'))).rejects.toMatchObject({ code: 'invalid_argument', violations: [expect.objectContaining({ pointer })] });
    });

    it('submits only a started review, under its current version', async () => {
      const review = await diagnostic();
      const submit = (version: number) => reviews().submitReview({ path: { reviewId: review.id }, header: ifMatch(version), body: { verdict: 'agree' } }, as(world.orgA, 'doctor'));
      await expectCode(submit(review.version), 'conflict');
      await reviews().startReview({ path: { reviewId: review.id }, header: ifMatch(review.version) }, as(world.orgA, 'doctor'));
      await expectCode(submit(review.version), 'precondition_failed');
      expect(await submit(review.version + 1)).toMatchObject({ status: 'completed', verdict: 'agree' });
    });

    it('cancels an unfinished review, not a finished one', async () => {
      const review = await quality();
      const cancel = (id: string, version: number) => reviews().cancelReview({ path: { reviewId: id }, header: ifMatch(version), body: { reason: 'Re-acquired.' } }, as(world.orgA, 'org_admin'));
      await expectCode(cancel(review.id, 9), 'precondition_failed');
      expect(await cancel(review.id, review.version)).toMatchObject({ status: 'cancelled', cancellationReason: 'Re-acquired.' });
      const done = await complete(world, world.orgA, await quality(), 'technician', {});
      await expectCode(cancel(done.id, done.version), 'conflict');
    });
  });

  it('lists the most urgent first, then the oldest, a page at a time', async () => {
    const study = await assessedStudy(world, world.orgA, 1);
    const created = [];
    for (const priority of ['routine', 'stat', 'urgent', 'stat'] as const) {
      created.push(await reviews().createReview({ body: { studyId: study.study.id, kind: 'QUALITY', imageId: study.images[0]!.id, priority } }, as(world.orgA, 'org_admin')));
    }
    const expected = [created[1], created[3], created[2], created[0]].map((review) => review!.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await reviews().listReviews({ query: { studyId: study.study.id, limit: 3, ...(cursor === undefined ? {} : { cursor }) } }, as(world.orgA, 'technician'));
      seen.push(...page.items.map((review) => review.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(seen).toEqual(expected);
  });
});
