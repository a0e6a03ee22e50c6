import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretsFromMasterKey } from '../../src/services/index.ts';
import { as, databases, expectCode, openWorld, orgUsers, testMasterKey, type World } from './harness.ts';
import { assessedStudy, assignedReview, complete, registerStudy } from './flow.ts';

const dcm = 'http://dicom.nema.org/resources/ontology/DCM';
const pseudonym = (orgId: string, issuer: string, patientId: string) => createHmac('sha256', secretsFromMasterKey(testMasterKey).keyFor(orgId)).update(`${issuer}|${patientId}`).digest('hex');

describe.each(databases)('studies on $name', ({ name }) => {
  let world: World;
  beforeAll(async () => {
    world = await openWorld(name);
  });
  afterAll(() => world.close());

  const v1 = () => world.services['study/v1'];
  const v2 = () => world.services['study/v2'];
  const registerV1 = (org = world.orgA, extra: { studyInstanceUid?: string; startedAt?: string | null; patientId?: string } = {}) => v1().registerStudy({
    body: {
      accessionNumber: 'A20260302-0017',
      subject: { patientId: extra.patientId ?? 'P-004211', patientName: 'Doe^Jane', birthDate: '1984-11-23', sex: 'female' },
      description: 'Hand skin photographs',
      modalities: ['XC', 'XC'],
      startedAt: extra.startedAt === undefined ? '2026-03-02T09:10:00Z' : extra.startedAt,
      ...(extra.studyInstanceUid === undefined ? {} : { studyInstanceUid: extra.studyInstanceUid }),
    },
  }, as(org, 'clinic_uploader'));

  it('shows one stored study as v1 (raw subject) and as v2 (pseudonym), with one version', async () => {
    const created = await registerV1();
    expect(created).toMatchObject({ subject: { sex: 'female' }, modalities: ['XC'], startedAt: '2026-03-02T09:10:00.000Z', numberOfImages: 0, status: 'registered', version: 1, orgId: world.orgA.id });
    expect(created.id).toMatch(/^stu_[0-9A-Za-z]{20}$/);
    // The uploader wrote the identity but may not read it back; an org_admin may.
    expect(JSON.stringify(created)).not.toMatch(/P-004211|Doe\^Jane|1984-11-23|A20260302-0017/);
    expect(await v1().getStudy({ path: { studyId: created.id } }, as(world.orgA, 'org_admin'))).toMatchObject({
      accessionNumber: 'A20260302-0017', subject: { patientId: 'P-004211', patientName: 'Doe^Jane', birthDate: '1984-11-23', sex: 'female' },
    });
    const issuer = `urn:trident:org:${world.orgA.id}`;
    const seen = await v2().getStudy({ path: { studyId: created.id } }, as(world.orgA, 'doctor'));
    expect(seen).toEqual({
      id: created.id, orgId: world.orgA.id, studyInstanceUid: created.studyInstanceUid, subject: { pseudonymId: pseudonym(world.orgA.id, issuer, 'P-004211'), issuer },
      description: 'Hand skin photographs', modalities: [{ system: dcm, code: 'XC', display: 'External-camera Photography' }], startedAt: created.startedAt,
      numberOfImages: 0, status: 'registered', reviewState: 'not_started', createdAt: created.createdAt, updatedAt: created.updatedAt, version: 1,
    });
    expect(JSON.stringify(seen)).not.toContain('P-004211');
    expect(await v2().getStudySubjectIdentity({ path: { studyId: created.id } }, as(world.orgA, 'org_admin'))).toEqual({
      studyId: created.id, orgId: world.orgA.id, pseudonymId: seen.subject.pseudonymId, issuer, patientId: 'P-004211', patientName: 'Doe^Jane',
      birthDate: '1984-11-23', sex: 'female', accessionNumber: 'A20260302-0017', createdAt: created.createdAt, updatedAt: created.updatedAt, version: 1,
    });
  });

  it('gives one patient one pseudonym per organisation', async () => {
    const a1 = await registerStudy(world, world.orgA, 'P-77');
    const a2 = await registerStudy(world, world.orgA, 'P-77');
    const b = await registerStudy(world, world.orgB, 'P-77');
    expect(a1.subject.pseudonymId).toBe(pseudonym(world.orgA.id, 'urn:oid:1.2.3', 'P-77'));
    expect(a2.subject.pseudonymId).toBe(a1.subject.pseudonymId);
    expect(b.subject.pseudonymId).not.toBe(a1.subject.pseudonymId);
    const v1View = await v1().getStudy({ path: { studyId: a1.id } }, as(world.orgA, 'org_admin'));
    expect(v1View).toMatchObject({ accessionNumber: 'ACC-1', subject: { patientId: 'P-77' }, modalities: ['XC'] });
  });

  it('gives patient identity through v1 and v2 to the same roles only', async () => {
    const study = await registerV1();
    for (const role of ['clinic_uploader', 'ai_service', 'doctor', 'technician'] as const) {
      const seen = await v1().getStudy({ path: { studyId: study.id } }, as(world.orgA, role));
      expect(seen.subject, role).toEqual({ sex: 'female' });
      expect('accessionNumber' in seen, role).toBe(false);
      const listed = await v1().listStudies({ query: { limit: 100 } }, as(world.orgA, role));
      expect(JSON.stringify(listed), role).not.toMatch(/Doe\^Jane|P-004211/);
      await expectCode(v2().getStudySubjectIdentity({ path: { studyId: study.id } }, as(world.orgA, role)), 'permission_denied');
    }
    const admin = as(world.orgA, 'org_admin');
    expect((await v1().getStudy({ path: { studyId: study.id } }, admin)).subject).toEqual({ patientId: 'P-004211', patientName: 'Doe^Jane', birthDate: '1984-11-23', sex: 'female' });
    expect(await v2().getStudySubjectIdentity({ path: { studyId: study.id } }, admin)).toMatchObject({ patientId: 'P-004211', patientName: 'Doe^Jane' });
  });

  it('updates under If-Match in any of its forms, each change a new version', async () => {
    const study = await registerV1();
    const update = (ifMatch: string, body: Parameters<World['services']['study/v1']['updateStudy']>[0]['body']) => v1().updateStudy({ path: { studyId: study.id }, header: { 'If-Match': ifMatch }, body }, as(world.orgA, 'clinic_uploader'));
    expect(await update('"1"', { description: 'Hand and forearm' })).toMatchObject({ description: 'Hand and forearm', version: 2 });
    expect(await update('W/"2"', { startedAt: null })).toMatchObject({ startedAt: null, version: 3 });
    await expectCode(update('2', { description: 'stale' }), 'precondition_failed');
    const renamed = await update('3', { subject: { patientId: 'P-NEW', patientName: 'Roe^Richard', sex: 'male' } });
    expect(renamed).toMatchObject({ version: 4, subject: { sex: 'male' } });
    expect(await v1().getStudy({ path: { studyId: study.id } }, as(world.orgA, 'org_admin'))).toMatchObject({ subject: { patientId: 'P-NEW', birthDate: null }, accessionNumber: 'A20260302-0017' });
    const viaV2 = await v2().updateStudy({ path: { studyId: study.id }, header: { 'If-Match': '"4"' }, body: { modalities: [{ system: dcm, code: 'OP' }, { system: 'http://loinc.org', code: 'LP1' }] } }, as(world.orgA, 'clinic_uploader'));
    expect(viaV2.subject.pseudonymId).toBe(pseudonym(world.orgA.id, `urn:trident:org:${world.orgA.id}`, 'P-NEW'));
    expect((await v1().getStudy({ path: { studyId: study.id } }, as(world.orgA, 'doctor'))).modalities).toEqual(['OP']);
    const back = await update('5', { modalities: ['XC'] });
    expect(back.modalities).toEqual(['XC']);
    expect((await v2().getStudy({ path: { studyId: study.id } }, as(world.orgA, 'doctor'))).modalities.map((coding) => coding.code)).toEqual(['XC', 'LP1']);
  });

  it('cancels an unreviewed study with its open reviews, and nothing changes it after', async () => {
    const { study, images } = await assessedStudy(world, world.orgA, 1);
    const review = await assignedReview(world, world.orgA, { studyId: study.id, kind: 'QUALITY', imageId: images[0]!.id }, 'technician');
    const current = await v1().getStudy({ path: { studyId: study.id } }, as(world.orgA, 'org_admin'));
    expect(current.status).toBe('awaiting_review');
    const cancelled = await v1().cancelStudy({ path: { studyId: study.id }, header: { 'If-Match': `"${current.version}"` }, body: { reason: 'Wrong patient.' } }, as(world.orgA, 'org_admin'));
    expect(cancelled).toMatchObject({ status: 'cancelled', version: current.version + 1 });
    expect(await v2().getStudy({ path: { studyId: study.id } }, as(world.orgA, 'doctor'))).toMatchObject({ status: 'cancelled', reviewState: 'awaiting_review' });
    expect(await world.services['review/v1'].getReview({ path: { reviewId: review.id } }, as(world.orgA, 'org_admin'))).toMatchObject({ status: 'cancelled' });
    const again = { path: { studyId: study.id }, header: { 'If-Match': `"${cancelled.version}"` } };
    await expectCode(v1().cancelStudy({ ...again, body: { reason: 'again' } }, as(world.orgA, 'org_admin')), 'conflict');
    await expectCode(v2().updateStudy({ ...again, body: { description: 'x' } }, as(world.orgA, 'org_admin')), 'conflict');
  });

  it('does not cancel a reviewed study', async () => {
    const { study, images, assessment } = await assessedStudy(world, world.orgA, 1);
    await complete(world, world.orgA, await assignedReview(world, world.orgA, { studyId: study.id, kind: 'QUALITY', imageId: images[0]!.id }, 'technician'), 'technician', {});
    await complete(world, world.orgA, await assignedReview(world, world.orgA, { studyId: study.id, kind: 'DIAGNOSTIC', assessmentId: assessment.id }, 'doctor'), 'doctor', { verdict: 'agree' });
    const reviewed = await v2().getStudy({ path: { studyId: study.id } }, as(world.orgA, 'org_admin'));
    expect(reviewed.reviewState).toBe('reviewed');
    await expectCode(v2().cancelStudy({ path: { studyId: study.id }, header: { 'If-Match': `"${reviewed.version}"` }, body: { reason: 'late' } }, as(world.orgA, 'org_admin')), 'conflict');
  });

  it('refuses a repeated Study Instance UID without naming the patient', async () => {
    await registerV1(world.orgA, { studyInstanceUid: '2.25.42', patientId: 'P-SENSITIVE-1' });
    const failure = await registerV1(world.orgA, { studyInstanceUid: '2.25.42', patientId: 'P-SENSITIVE-1' }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'already_exists' });
    expect(JSON.stringify(failure) + String(failure)).not.toContain('P-SENSITIVE-1');
    await registerV1(world.orgB, { studyInstanceUid: '2.25.42' }); // another clinic may use it
  });

  it('answers not_found to another organisation', async () => {
    const study = await registerV1();
    const b = as(world.orgB, 'org_admin');
    const header = { 'If-Match': '"1"' };
    await expectCode(v1().getStudy({ path: { studyId: study.id } }, b), 'not_found');
    await expectCode(v2().getStudy({ path: { studyId: study.id } }, b), 'not_found');
    await expectCode(v2().getStudySubjectIdentity({ path: { studyId: study.id } }, b), 'not_found');
    await expectCode(v1().updateStudy({ path: { studyId: study.id }, header, body: { description: 'x' } }, b), 'not_found');
    await expectCode(v2().cancelStudy({ path: { studyId: study.id }, header, body: { reason: 'x' } }, b), 'not_found');
  });

  it('lists most recently started first, filtered, by cursor (v1) and page token (v2)', async () => {
    const org = orgUsers('C');
    const register = (startedAt: string | null, modalities: ('XC' | 'OP')[]) => v1().registerStudy({ body: { subject: { patientId: 'P-1', patientName: 'A^B', sex: 'other' }, modalities, startedAt } }, as(org, 'clinic_uploader'));
    const [early, unstarted, late, middle] = [await register('2026-01-01T00:00:00Z', ['XC']), await register(null, ['OP']), await register('2026-03-01T00:00:00Z', ['OP']), await register('2026-02-01T00:00:00Z', ['XC', 'OP'])];
    const ids = (items: { id: string }[]) => items.map((item) => item.id);

    const tokens: string[] = [];
    const seen: string[] = [];
    let pageToken: string | undefined;
    do {
      const page = await v2().listStudies({ query: { pageSize: 3, ...(pageToken === undefined ? {} : { pageToken }) } }, as(org, 'doctor'));
      seen.push(...ids(page.items));
      pageToken = page.nextPageToken ?? undefined;
      if (pageToken !== undefined) tokens.push(pageToken);
    } while (pageToken !== undefined);
    expect(seen).toEqual([late.id, middle.id, early.id, unstarted.id]);

    const list1 = (query: Parameters<World['services']['study/v1']['listStudies']>[0]['query']) => v1().listStudies({ query }, as(org, 'doctor'));
    expect(ids((await list1({ modality: 'XC' })).items)).toEqual([middle.id, early.id]);
    expect(ids((await list1({ startedAfter: '2026-02-01T00:00:00Z', startedBefore: '2026-03-01T00:00:00Z' })).items)).toEqual([middle.id]);
    expect(ids((await list1({ status: 'registered', limit: 1 })).items)).toEqual([late.id]);
    expect(ids((await list1({ status: 'reviewed' })).items)).toEqual([]);
    const list2 = (query: Parameters<World['services']['study/v2']['listStudies']>[0]['query']) => v2().listStudies({ query }, as(org, 'doctor'));
    expect(ids((await list2({ modality: `${dcm}|OP`, reviewState: 'not_started' })).items)).toEqual([late.id, middle.id, unstarted.id]);
    expect(ids((await list2({ modality: 'http://loinc.org|OP' })).items)).toEqual([]);
    await expectCode(list2({ pageToken: tokens[0], status: 'registered' }), 'invalid_argument');
    await expectCode(list1({ cursor: tokens[0] }), 'invalid_argument');
  });
});
