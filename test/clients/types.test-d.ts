/**
 * Type-level tests of the generated clients (vitest typecheck runs tsc over this file; nothing in
 * it is executed). Each `@ts-expect-error` must meet an error, or tsc fails the test: a wrong
 * operation, a wrong field, a wrong enum value or a missing required parameter does not compile,
 * and correct calls infer the exact result types.
 */
import { describe, expectTypeOf, test } from 'vitest';
import { isTridentError, TridentError, type ErrorCode } from 'trident/client';
import type { StudyV2GraphqlClient, Study as GraphqlStudy, StudyStatus as GraphqlStudyStatus, getStudyDocument } from '../../generated/ts/study/v2/clients/graphql.ts';
import type { StudyV2GrpcClient, Study as GrpcStudy, StudyStatus as GrpcStudyStatus, GetStudyResponse } from '../../generated/ts/study/v2/clients/grpc.ts';
import type { StudyV2RestClient } from '../../generated/ts/study/v2/clients/rest.ts';
import type { ReviewV1RestClient } from '../../generated/ts/review/v1/clients/rest.ts';
import type { ImageV1RestClient } from '../../generated/ts/image/v1/clients/rest.ts';
import type { ResultOf, VariablesOf } from '@graphql-typed-document-node/core';

declare const rest: StudyV2RestClient;
declare const graphql: StudyV2GraphqlClient;
declare const grpc: StudyV2GrpcClient;
declare const reviews: ReviewV1RestClient;
declare const images: ImageV1RestClient;
const studyId = 'stu_0000000000000000000a';
type RestStudy = Awaited<ReturnType<StudyV2RestClient['getStudy']>>;
type RestStatus = 'registered' | 'available' | 'cancelled' | 'entered_in_error';

describe('REST client (openapi-fetch over the openapi-typescript types)', () => {
  test('correct calls infer the exact result types', () => {
    expectTypeOf(rest.getStudy({ params: { path: { studyId } } })).resolves.toHaveProperty('status').toEqualTypeOf<RestStatus>();
    expectTypeOf<RestStudy['description']>().toEqualTypeOf<string | null>();
    expectTypeOf<RestStudy['numberOfImages']>().toEqualTypeOf<number>();
    expectTypeOf(rest.listStudies()).resolves.toHaveProperty('items').items.toHaveProperty('id').toEqualTypeOf<string>();
    expectTypeOf(rest.listStudies).parameter(0).exclude<undefined>().toHaveProperty('params').exclude<undefined>().toHaveProperty('query').exclude<undefined>().toHaveProperty('status').toEqualTypeOf<RestStatus | undefined>();
    expectTypeOf(images.downloadImageContent({ params: { path: { imageId: 'img' } } })).resolves.toEqualTypeOf<Blob>();
    // A writeOnly field (the raw identity) is no part of what comes back.
    expectTypeOf(rest.getStudy({ params: { path: { studyId } } })).resolves.not.toHaveProperty('subjectIdentity');
  });

  test('mistakes do not compile', () => {
    // @ts-expect-error: no such operation
    void rest.getStudies({ params: { path: { studyId } } });
    // @ts-expect-error: wrong path parameter name
    void rest.getStudy({ params: { path: { studyID: studyId } } });
    // @ts-expect-error: the path parameter is required
    void rest.getStudy({ params: { path: {} } });
    // @ts-expect-error: the whole argument is required
    void rest.getStudy();
    // @ts-expect-error: not a value of the status enum
    void rest.listStudies({ params: { query: { status: 'done' } } });
    // @ts-expect-error: wrong type of a query parameter
    void rest.listStudies({ params: { query: { pageSize: '10' } } });
    // @ts-expect-error: a required body field (subjectIdentity) is missing
    void rest.registerStudy({ body: { studyInstanceUid: '1.2.3', modalities: [] } });
    // @ts-expect-error: the If-Match header is required
    void reviews.startReview({ params: { path: { reviewId: 'rev' } } });
    // @ts-expect-error: a media type the upload does not accept
    void images.uploadImageContent({ params: { path: { imageId: 'img' }, header: { 'Content-Digest': 'sha-256=:x:' } }, body: { content: new Uint8Array(), contentType: 'image/gif' } });
  });
});

describe('GraphQL typed documents and client', () => {
  test('correct calls infer the exact result types', () => {
    expectTypeOf(graphql.getStudy({ studyId })).resolves.toEqualTypeOf<GraphqlStudy>();
    expectTypeOf<GraphqlStudy['status']>().toEqualTypeOf<GraphqlStudyStatus>();
    expectTypeOf<GraphqlStudyStatus>().toEqualTypeOf<'REGISTERED' | 'AVAILABLE' | 'CANCELLED' | 'ENTERED_IN_ERROR'>();
    expectTypeOf<GraphqlStudy['description']>().toEqualTypeOf<string | null>();
    expectTypeOf<ResultOf<typeof getStudyDocument>>().toEqualTypeOf<{ getStudy: GraphqlStudy }>();
    expectTypeOf<VariablesOf<typeof getStudyDocument>>().toEqualTypeOf<{ studyId: string }>();
    expectTypeOf(graphql.listStudies()).resolves.toHaveProperty('items').toEqualTypeOf<GraphqlStudy[]>();
  });

  test('mistakes do not compile', () => {
    // @ts-expect-error: no such operation
    void graphql.getStudies({ studyId });
    // @ts-expect-error: wrong variable name
    void graphql.getStudy({ studyID: studyId });
    // @ts-expect-error: the variables are required
    void graphql.getStudy();
    // @ts-expect-error: not a value of the GraphQL enum (REST spelling)
    void graphql.listStudies({ status: 'available' });
    // @ts-expect-error: a required input field is missing
    void graphql.updateStudy({ studyId, input: { description: 'x' } });
    // @ts-expect-error: no such field in the result
    void graphql.getStudy({ studyId }).then((study) => study.studyName);
  });
});

describe('gRPC promise client (ts-proto)', () => {
  test('correct calls infer the exact result types', () => {
    expectTypeOf(grpc.getStudy({ studyId })).resolves.toEqualTypeOf<GetStudyResponse>();
    expectTypeOf<GetStudyResponse['body']>().toEqualTypeOf<GrpcStudy | undefined>();
    expectTypeOf<GrpcStudy['status']>().toEqualTypeOf<GrpcStudyStatus>();
    expectTypeOf<GrpcStudyStatus>().toEqualTypeOf<'STUDY_STATUS_UNSPECIFIED' | 'STUDY_STATUS_REGISTERED' | 'STUDY_STATUS_AVAILABLE' | 'STUDY_STATUS_CANCELLED' | 'STUDY_STATUS_ENTERED_IN_ERROR' | 'UNRECOGNIZED'>();
  });

  test('mistakes do not compile', () => {
    // @ts-expect-error: no such method
    void grpc.getStudies({ studyId });
    // @ts-expect-error: wrong field name
    void grpc.getStudy({ studyID: studyId });
    // @ts-expect-error: the required field is missing
    void grpc.getStudy({});
    // @ts-expect-error: not a value of the proto enum
    void grpc.listStudies({ status: 'available' });
  });
});

describe('one error type', () => {
  test('code, details and retryable are typed', () => {
    expectTypeOf<TridentError['code']>().toEqualTypeOf<ErrorCode>();
    expectTypeOf<TridentError['retryable']>().toEqualTypeOf<boolean>();
    expectTypeOf<TridentError['protocol']>().toEqualTypeOf<'rest' | 'graphql' | 'grpc'>();
    const error: unknown = new Error('x');
    if (isTridentError(error, 'not_found')) expectTypeOf(error).toEqualTypeOf<TridentError>();
    // @ts-expect-error: not a code of the catalog
    void isTridentError(error, 'missing');
  });
});
