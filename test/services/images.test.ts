import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobPath } from '../../src/store/index.ts';
import { as, chunksOf, collect, databases, digestOf, expectCode, openWorld, type World } from './harness.ts';
import { assignedReview, assessedStudy, createImage, pngBytes, registerStudy, upload } from './flow.ts';

describe.each(databases)('images on $name', ({ name }) => {
  let world: World;
  let studyId = '';
  beforeAll(async () => {
    world = await openWorld(name);
    studyId = (await registerStudy(world, world.orgA)).id;
  });
  afterAll(() => world.close());

  const images = () => world.services['image/v1'];
  const tempFiles = () => readdirSync(join(world.blobDir, 'tmp'));
  const put = (imageId: string, digest: string, chunks: AsyncIterable<Uint8Array>, extra: { contentType?: string; declaredSize?: number } = {}, signal?: AbortSignal) =>
    images().uploadImageContent({ path: { imageId }, header: { 'Content-Digest': digest }, body: { contentType: extra.contentType ?? 'image/png', declaredSize: extra.declaredSize, chunks } }, as(world.orgA, 'clinic_uploader', signal));
  const expectUntouched = async (imageId: string, sha256: string) => {
    expect(existsSync(blobPath(world.blobDir, sha256))).toBe(false);
    expect(tempFiles()).toEqual([]);
    expect(await images().getImage({ path: { imageId } }, as(world.orgA, 'doctor'))).toMatchObject({ status: 'pending_upload', version: 1 });
  };

  describe('an upload that does not match the registration stores nothing', () => {
    type Attempt = { digest: string; chunks: AsyncIterable<Uint8Array>; extra?: { contentType?: string; declaredSize?: number } };
    const cases: [string, (bytes: Buffer) => Attempt, string][] = [
      ['a Content-Digest of other bytes', (bytes) => ({ digest: digestOf(Buffer.concat([bytes, bytes])).header, chunks: chunksOf(bytes) }), 'invalid_argument'],
      ['bytes with another digest', (bytes) => ({ digest: digestOf(bytes).header, chunks: chunksOf(Buffer.from(bytes).fill(7, 40, 41)) }), 'invalid_argument'],
      ['too few bytes', (bytes) => ({ digest: digestOf(bytes).header, chunks: chunksOf(bytes.subarray(1)) }), 'invalid_argument'],
      ['too many bytes', (bytes) => ({ digest: digestOf(bytes).header, chunks: chunksOf(Buffer.concat([bytes, Buffer.from('x')])) }), 'payload_too_large'],
      ['a declared size above the registered one', (bytes) => ({ digest: digestOf(bytes).header, chunks: chunksOf(bytes), extra: { declaredSize: bytes.length + 1 } }), 'payload_too_large'],
      ['another media type', (bytes) => ({ digest: digestOf(bytes).header, chunks: chunksOf(bytes), extra: { contentType: 'image/jpeg' } }), 'unsupported_media_type'],
    ];
    it.each(cases.map((row, index) => [...row, 100 + index] as const))('%s', async (_, attempt, code, seed) => {
      const bytes = pngBytes(seed);
      const image = await createImage(world, world.orgA, studyId, bytes);
      const { digest, chunks, extra } = attempt(bytes);
      await expectCode(put(image.id, digest, chunks, extra), code);
      await expectUntouched(image.id, digestOf(bytes).hex);
    });
  });

  it('leaves no temp file, no blob and a pending image when the upload is aborted', async () => {
    const bytes = pngBytes(13);
    const image = await createImage(world, world.orgA, studyId, bytes);
    const controller = new AbortController();
    async function* stalling() {
      yield bytes.subarray(0, 20);
      setTimeout(() => controller.abort(new Error('client went away')), 10);
      await new Promise(() => {});
    }
    await expect(put(image.id, digestOf(bytes).header, stalling(), {}, controller.signal)).rejects.toThrow('client went away');
    await expectUntouched(image.id, digestOf(bytes).hex);
    expect(await upload(world, world.orgA, image.id, bytes)).toMatchObject({ status: 'available' });
  });

  it('takes content once, and serves it whole or by range with the version as ETag', async () => {
    const bytes = pngBytes(14, 30, 20);
    const image = await createImage(world, world.orgA, studyId, bytes);
    await expectCode(images().downloadImageContent({ path: { imageId: image.id }, header: {} }, as(world.orgA, 'doctor')), 'not_found');
    await upload(world, world.orgA, image.id, bytes);
    await expectCode(upload(world, world.orgA, image.id, bytes), 'conflict');
    const content = await images().downloadImageContent({ path: { imageId: image.id }, header: {} }, as(world.orgA, 'ai_service'));
    expect(content).toMatchObject({ contentType: 'image/png', size: bytes.length, etag: '"2"' });
    expect(await collect(content.read())).toEqual(bytes);
    expect(await collect(content.read({ start: 0, end: 7 }))).toEqual(bytes.subarray(0, 8));
    expect(await collect(content.read({ start: 10, end: bytes.length - 1 }))).toEqual(bytes.subarray(10));
  });

  it('rejects an image under If-Match, cancels its open quality review and stops serving it', async () => {
    const { study, images: [image] } = await assessedStudy(world, world.orgA, 1);
    const review = await assignedReview(world, world.orgA, { studyId: study.id, kind: 'QUALITY', imageId: image!.id }, 'technician');
    const reject = (ifMatch: string) => images().rejectImage({ path: { imageId: image!.id }, header: { 'If-Match': ifMatch }, body: { reason: 'quality', comment: 'Motion blur.' } }, as(world.orgA, 'technician'));
    await expectCode(reject('"1"'), 'precondition_failed');
    const rejected = await reject(`W/"${image!.version}"`);
    expect(rejected).toMatchObject({ status: 'rejected', version: image!.version + 1, rejection: { reason: 'quality', by: world.orgA.users.technician, comment: 'Motion blur.' } });
    expect(rejected.rejection?.at).toBe(rejected.updatedAt);
    expect(await world.services['review/v1'].getReview({ path: { reviewId: review.id } }, as(world.orgA, 'org_admin'))).toMatchObject({ status: 'cancelled', cancellationReason: 'The image was rejected.' });
    await expectCode(images().downloadImageContent({ path: { imageId: image!.id }, header: {} }, as(world.orgA, 'doctor')), 'not_found');
    await expectCode(reject(`"${rejected.version}"`), 'conflict');
    expect(await world.services['study/v2'].getStudy({ path: { studyId: study.id } }, as(world.orgA, 'doctor'))).toMatchObject({ status: 'registered', numberOfImages: 0 });
  });

  it('answers not_found to another organisation, for every operation', async () => {
    const bytes = pngBytes(15);
    const image = await createImage(world, world.orgA, studyId, bytes);
    const b = (role: 'clinic_uploader' | 'technician') => as(world.orgB, role);
    await expectCode(images().getImage({ path: { imageId: image.id } }, b('clinic_uploader')), 'not_found');
    await expectCode(images().uploadImageContent({ path: { imageId: image.id }, header: { 'Content-Digest': digestOf(bytes).header }, body: { contentType: 'image/png', chunks: chunksOf(bytes) } }, b('clinic_uploader')), 'not_found');
    await expectCode(images().downloadImageContent({ path: { imageId: image.id }, header: {} }, b('clinic_uploader')), 'not_found');
    await expectCode(images().rejectImage({ path: { imageId: image.id }, header: { 'If-Match': '"1"' }, body: { reason: 'quality' } }, b('technician')), 'not_found');
    await expectCode(createImage(world, world.orgB, studyId, bytes), 'not_found');
    expect((await images().listImages({ query: { studyId } }, b('clinic_uploader'))).items).toEqual([]);
  });

  it('refuses a repeated SOP Instance UID and images for a cancelled study', async () => {
    const bytes = pngBytes(16);
    const body = { studyId, sopInstanceUid: '2.25.1234', contentType: 'image/png' as const, sizeBytes: bytes.length, checksum: { algorithm: 'sha256' as const, value: digestOf(bytes).hex }, capture: { capturedAt: '2026-03-02T09:14:05Z', modality: 'XC' as const } };
    await images().createImage({ body }, as(world.orgA, 'clinic_uploader'));
    await expectCode(images().createImage({ body }, as(world.orgA, 'clinic_uploader')), 'already_exists');
    const cancelled = await registerStudy(world, world.orgA);
    await world.services['study/v2'].cancelStudy({ path: { studyId: cancelled.id }, header: { 'If-Match': '"1"' }, body: { reason: 'Wrong patient.' } }, as(world.orgA, 'org_admin'));
    await expectCode(createImage(world, world.orgA, cancelled.id, bytes), 'conflict');
  });

  it('lists newest first, filtered, a page at a time', async () => {
    const study = await registerStudy(world, world.orgA);
    const created = [];
    for (const seed of [21, 22, 23]) created.push(await createImage(world, world.orgA, study.id, pngBytes(seed)));
    await upload(world, world.orgA, created[1]!.id, pngBytes(22));
    const list = (query: Parameters<World['services']['image/v1']['listImages']>[0]['query']) => images().listImages({ query }, as(world.orgA, 'doctor'));
    const first = await list({ studyId: study.id, limit: 2 });
    expect(first.items.map((image) => image.id)).toEqual([created[2]!.id, created[1]!.id]);
    const second = await list({ studyId: study.id, limit: 2, cursor: first.nextCursor ?? '' });
    expect(second).toEqual({ items: [expect.objectContaining({ id: created[0]!.id })], nextCursor: null });
    expect((await list({ studyId: study.id, status: 'available' })).items.map((image) => image.id)).toEqual([created[1]!.id]);
    await expectCode(list({ studyId: study.id, status: 'available', cursor: first.nextCursor ?? '' }), 'invalid_argument');
  });
});
