import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, print, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTridentError, TridentError, type ErrorCode } from 'trident/client';
import { createImageV1GraphqlClient } from '../../generated/ts/image/v1/clients/graphql.ts';
import { createImageV1GrpcClient } from '../../generated/ts/image/v1/clients/grpc.ts';
import { createImageV1RestClient } from '../../generated/ts/image/v1/clients/rest.ts';
import { createReviewV1GraphqlClient, reviewProgressDocument } from '../../generated/ts/review/v1/clients/graphql.ts';
import { createReviewV1GrpcClient } from '../../generated/ts/review/v1/clients/grpc.ts';
import { createReviewV1RestClient } from '../../generated/ts/review/v1/clients/rest.ts';
import { createStudyV2GraphqlClient, getStudyDocument, queries as studyQueries } from '../../generated/ts/study/v2/clients/graphql.ts';
import { createStudyV2GrpcClient } from '../../generated/ts/study/v2/clients/grpc.ts';
import { createStudyV2RestClient } from '../../generated/ts/study/v2/clients/rest.ts';
import { repoRoot, serveDemo, type Served } from './harness.ts';

// The generated clients, imported by their package paths, against the real servers.
let served: Served;
let baseUrl = '';
let address = '';

beforeAll(async () => {
  served = await serveDemo();
  baseUrl = served.servers.httpUrl;
  address = served.servers.grpcAddress;
}, 120_000);

afterAll(async () => {
  await served?.close();
});

const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000002000000020806000000f478d4fa0000001549444154789c63f8cfc0f09f81e1ff7f06860e00003e1e07f9b4d3ec6f0000000049454e44ae426082', 'hex');
const sha256 = createHash('sha256').update(png).digest();

function clientsFor(role: Parameters<Served['token']>[0]) {
  const token = () => served.token(role);
  return {
    rest: { study: createStudyV2RestClient({ baseUrl, token }), image: createImageV1RestClient({ baseUrl, token }), review: createReviewV1RestClient({ baseUrl, token }) },
    graphql: { study: createStudyV2GraphqlClient({ baseUrl, token }), image: createImageV1GraphqlClient({ baseUrl, token }), review: createReviewV1GraphqlClient({ baseUrl, token }) },
    grpc: { study: createStudyV2GrpcClient({ address, token }), image: createImageV1GrpcClient({ address, token }), review: createReviewV1GrpcClient({ address, token }) },
  };
}

/** The TridentError a call rejects with (fails the test when it resolves). */
async function failure(call: Promise<unknown> | (() => Promise<unknown>)): Promise<TridentError> {
  try {
    await (typeof call === 'function' ? call() : call);
  } catch (error) {
    expect(error).toBeInstanceOf(TridentError);
    return error as TridentError;
  }
  throw new Error('the call succeeded');
}

describe('generated clients against the real servers', () => {
  it('read the same study through REST, GraphQL and gRPC', async () => {
    const { rest, graphql, grpc } = clientsFor('doctor');
    const page = await rest.study.listStudies({ params: { query: { pageSize: 5 } } });
    expect(page.items.length).toBeGreaterThan(0);
    const studyId = served.seed.studyId;
    const overRest = await rest.study.getStudy({ params: { path: { studyId } } });
    const overGraphql = await graphql.study.getStudy({ studyId });
    const overGrpc = await grpc.study.getStudy({ studyId });
    expect(overRest.id).toBe(studyId);
    expect(overGraphql).toMatchObject({ __typename: 'Study', id: studyId, description: overRest.description ?? null, numberOfImages: overRest.numberOfImages });
    // Each protocol spells enums its own way: `available`, `AVAILABLE`, `STUDY_STATUS_AVAILABLE`.
    expect(overGraphql.status).toBe(overRest.status.toUpperCase());
    expect(overGrpc.body).toMatchObject({ id: studyId, numberOfImages: overRest.numberOfImages });
    expect(overGrpc.body?.status).toBe(`STUDY_STATUS_${overRest.status.toUpperCase()}`);
  });

  it('the generic GraphQL client runs the typed documents, and graphql-js accepts every document against the SDL', async () => {
    const { graphql } = clientsFor('doctor');
    const data = await graphql.study.client.request(getStudyDocument, { studyId: served.seed.studyId });
    expect(data.getStudy.id).toBe(served.seed.studyId);
    for (const [api, module] of [['study/v2', studyQueries]] as const) {
      const schema = buildSchema(readFileSync(join(repoRoot, 'generated/graphql', api, 'schema.graphql'), 'utf8'));
      for (const document of Object.values(module)) {
        expect(validate(schema, document)).toEqual([]);
        // The text the small client sends is the document itself.
        expect(print(document)).toBe(document.loc?.source.body);
      }
    }
  });

  it('write through one protocol, read through the others; a stale ETag fails the same way in all three', async () => {
    const uploader = clientsFor('clinic_uploader');
    const study = await uploader.rest.study.registerStudy({
      body: { subjectIdentity: { issuer: 'urn:oid:2.999.7', patientId: `CLIENT-${Date.now()}`, patientName: 'Client^Test', sex: 'female' }, description: 'via the REST client', modalities: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: 'XC' }] },
    });
    const viaGraphql = await uploader.graphql.study.updateStudy({ studyId: study.id, ifMatch: `"${study.version}"`, input: { description: 'via the GraphQL client' } });
    expect(viaGraphql.description).toBe('via the GraphQL client');
    const viaGrpc = await uploader.grpc.study.getStudy({ studyId: study.id });
    expect(viaGrpc.body?.description).toBe('via the GraphQL client');

    const stale = `"${study.version}"`;
    const errors = [
      await failure(uploader.rest.study.updateStudy({ params: { path: { studyId: study.id }, header: { 'If-Match': stale } }, body: { description: 'late' } })),
      await failure(uploader.graphql.study.updateStudy({ studyId: study.id, ifMatch: stale, input: { description: 'late' } })),
      await failure(uploader.grpc.study.updateStudy({ studyId: study.id, ifMatch: stale, body: { description: 'late', modalities: [] } })),
    ];
    expect(errors.map((error) => [error.protocol, error.code, error.retryable])).toEqual([
      ['rest', 'precondition_failed', false],
      ['graphql', 'precondition_failed', false],
      ['grpc', 'precondition_failed', false],
    ]);
    expect(errors.map((error) => error.status)).toEqual([412, 200, 9]);
  });

  it('one error type: the same code, retryable flag and details whatever protocol answered', async () => {
    const doctor = clientsFor('doctor');
    const outsiderToken = await served.outsider('doctor');
    const outsider = {
      rest: createStudyV2RestClient({ baseUrl, token: outsiderToken }),
      graphql: createStudyV2GraphqlClient({ baseUrl, token: outsiderToken }),
      grpc: createStudyV2GrpcClient({ address, token: outsiderToken }),
    };
    const cases: Array<[string, ErrorCode, Array<() => Promise<unknown>>]> = [
      ['another organisation\'s study', 'not_found', [
        () => outsider.rest.getStudy({ params: { path: { studyId: served.seed.studyId } } }),
        () => outsider.graphql.getStudy({ studyId: served.seed.studyId }),
        () => outsider.grpc.getStudy({ studyId: served.seed.studyId }),
      ]],
      ['a role the operation does not allow', 'permission_denied', [
        () => doctor.rest.study.getStudySubjectIdentity({ params: { path: { studyId: served.seed.studyId } } }),
        () => doctor.graphql.study.getStudySubjectIdentity({ studyId: served.seed.studyId }),
        () => doctor.grpc.study.getStudySubjectIdentity({ studyId: served.seed.studyId }),
      ]],
      ['a page size over the maximum', 'invalid_argument', [
        () => doctor.rest.study.listStudies({ params: { query: { pageSize: 100_000 } } }),
        () => doctor.graphql.study.listStudies({ pageSize: 100_000 }),
        () => doctor.grpc.study.listStudies({ pageSize: 100_000 }),
      ]],
    ];
    for (const [what, code, calls] of cases) {
      const errors = await Promise.all(calls.map((call) => failure(call)));
      expect(errors.map((error) => error.code), what).toEqual([code, code, code]);
      expect(errors.map((error) => error.protocol)).toEqual(['rest', 'graphql', 'grpc']);
      for (const error of errors) expect(isTridentError(error, code)).toBe(true);
      if (code === 'invalid_argument') {
        for (const error of errors) expect(error.details.map((detail) => detail.pointer)).toContain('/query/pageSize');
      }
    }
    for (const client of Object.values(outsider)) if ('close' in client) client.close();
  });

  it('a server that is not there rejects with unavailable, marked retryable', async () => {
    const nowhere = createStudyV2RestClient({ baseUrl: 'http://127.0.0.1:9', token: 'x' });
    const error = await failure(nowhere.listStudies());
    expect([error.code, error.retryable, error.protocol]).toEqual(['unavailable', true, 'rest']);
    const grpcNowhere = createStudyV2GrpcClient({ address: '127.0.0.1:9', token: 'x', timeoutMs: 2000 });
    const grpcError = await failure(grpcNowhere.listStudies({}));
    expect(['unavailable', 'deadline_exceeded']).toContain(grpcError.code);
    expect(grpcError.retryable).toBe(true);
    grpcNowhere.close();
  });

  it('uploads and downloads: REST binary body and Blob, GraphQL multipart and a Download URL, gRPC client and server streams', async () => {
    const uploader = clientsFor('clinic_uploader');
    const create = () => ({ studyId: served.seed.studyId, contentType: 'image/png' as const, sizeBytes: png.length, checksum: { algorithm: 'sha256' as const, value: sha256.toString('hex') }, capture: { capturedAt: '2026-11-20T10:00:00Z', modality: 'XC' as const, deviceId: 'cam-1' } });
    const digest = `sha-256=:${sha256.toString('base64')}:`;

    const viaRest = await uploader.rest.image.createImage({ body: create() });
    const uploaded = await uploader.rest.image.uploadImageContent({ params: { path: { imageId: viaRest.id }, header: { 'Content-Digest': digest } }, body: { content: new Uint8Array(png), contentType: 'image/png' } });
    expect(uploaded.status).toBe('available');

    const viaGraphql = await uploader.rest.image.createImage({ body: create() });
    const overGraphql = await uploader.graphql.image.uploadImageContent({ imageId: viaGraphql.id, contentDigest: digest, file: new Blob([png], { type: 'image/png' }) });
    expect(overGraphql.status).toBe('AVAILABLE');

    const viaGrpc = await uploader.rest.image.createImage({ body: create() });
    const chunks = [png.subarray(0, 40), png.subarray(40)];
    const overGrpc = await uploader.grpc.image.uploadImageContent((async function* () {
      yield { imageId: viaGrpc.id, contentDigest: digest, contentType: 'image/png', chunk: chunks[0] };
      yield { chunk: chunks[1] };
    })());
    expect(overGrpc.body?.status).toBe('IMAGE_STATUS_AVAILABLE');

    const blob = await uploader.rest.image.downloadImageContent({ params: { path: { imageId: viaGraphql.id } } });
    expect(Buffer.from(await blob.arrayBuffer())).toEqual(png);
    const pieces: Buffer[] = [];
    for await (const message of uploader.grpc.image.downloadImageContent({ imageId: viaGrpc.id })) pieces.push(message.chunk);
    expect(Buffer.concat(pieces)).toEqual(png);
    // GraphQL answers where the bytes are; the same credentials fetch them there.
    const download = await uploader.graphql.image.downloadImageContent({ imageId: viaRest.id });
    expect(download).toEqual({ __typename: 'Download', url: `/image/v1/images/${viaRest.id}/content`, contentType: 'image/png', size: String(png.length) });
    const fetched = await fetch(new URL(download.url, baseUrl), { headers: { authorization: `Bearer ${await served.token('clinic_uploader')}` } });
    expect(Buffer.from(await fetched.arrayBuffer())).toEqual(png);
    const elsewhere = await failure(clientsFor('doctor').graphql.image.downloadImageContent({ imageId: 'img_doesnotexist0000' }));
    expect(elsewhere.code).toBe('not_found');

    const wrongDigest = await failure(uploader.rest.image.uploadImageContent({ params: { path: { imageId: (await uploader.rest.image.createImage({ body: create() })).id }, header: { 'Content-Digest': `sha-256=:${Buffer.alloc(32).toString('base64')}:` } }, body: { content: png, contentType: 'image/png' } }));
    expect(wrongDigest.code).toBe('invalid_argument');
  });

  it('streams: a review event arrives through the GraphQL subscription, the REST event stream and gRPC', async () => {
    const doctor = clientsFor('doctor');
    const ai = clientsFor('ai_service');
    const studyId = served.seed.studyId;
    const stop = new AbortController();
    // Each stream replays the study's earlier events first; every event is kept, and each stream
    // is read until the new one has arrived (it may arrive before the write's answer does).
    let wanted = '';
    let arrived = () => {};
    const until = async <T>(events: AsyncIterable<T>): Promise<T> => {
      const seen: T[] = [];
      const iterator = events[Symbol.asyncIterator]();
      const pump = (async () => {
        for (;;) {
          const next = await iterator.next();
          if (next.done) return;
          seen.push(next.value);
          arrived();
        }
      })().catch(() => {});
      for (;;) {
        const found = wanted === '' ? undefined : seen.find((event) => JSON.stringify(event).includes(wanted));
        if (found !== undefined) return found;
        if (stop.signal.aborted) throw new Error('no such event within 10 s');
        await Promise.race([new Promise<void>((resolve) => { arrived = resolve; setTimeout(resolve, 100); }), pump]);
      }
    };
    const overGraphql = until(doctor.graphql.review.client.subscribe(reviewProgressDocument, { studyId }, { signal: stop.signal }));
    const overRest = until(doctor.rest.review.watchReviewProgress({ params: { path: { studyId } }, signal: stop.signal }));
    const overGrpc = until(doctor.grpc.review.watchReviewProgress({ studyId }, { signal: stop.signal }));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const assessment = await ai.grpc.review.recordAssessment({ body: { studyId, algorithm: { name: 'client-stream-model', version: '1' }, status: 'ASSESSMENT_CREATE_STATUS_COMPLETED', findings: [], quality: { gradable: true, issues: [] } } });
    wanted = assessment.body?.id ?? 'missing';
    const timeout = setTimeout(() => stop.abort(), 10_000);
    const [graphqlEvent, restEvent, grpcEvent] = await Promise.all([overGraphql, overRest, overGrpc]);
    clearTimeout(timeout);
    stop.abort();
    expect(graphqlEvent.reviewProgress).toMatchObject({ __typename: 'AssessmentCompletedEvent' });
    expect(restEvent).toMatchObject({ type: 'assessment.completed', studyId });
    expect(grpcEvent.body?.assessmentCompleted).toBeDefined();
  });
});
