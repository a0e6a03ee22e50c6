import { createSecretKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { Metadata, Server, ServerCredentials, loadPackageDefinition, status, type ServerUnaryCall, type ServiceDefinition, type sendUnaryData } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { GraphQLError, GraphQLScalarType } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { jwtVerify } from 'jose';
import { ApiError } from '../../src/runtime/errors.ts';
import type { Principal } from '../../src/runtime/handler.ts';
import type { BenchStudy, StudyUpdate } from './runtime-handlers.ts';

/**
 * The work behind the baselines, for the caller a token names: the in-memory studies of
 * `npm run bench`, or the study service on PostgreSQL of `npm run bench:replicas`.
 */
export interface StudySource {
  get(principal: Principal, studyId: string): BenchStudy | Promise<BenchStudy>;
  update(principal: Principal, studyId: string, ifMatch: string, changes: StudyUpdate): BenchStudy | Promise<BenchStudy>;
}

/** Where a baseline listens (loopback and ports the system picks unless given), and what its `/readyz` checks. */
export interface BaselineListen {
  host?: string;
  httpPort?: number;
  grpcPort?: number;
  /** Resolves when the baseline can serve (always, unless given). */
  ready?: () => Promise<boolean>;
}

/** What every baseline checks by hand, as Trident does from the contract: a valid token with a role. */
export interface BaselineAuth {
  secret: string;
  issuer: string;
  audience: string;
}

const readRoles = ['clinic_uploader', 'ai_service', 'doctor', 'technician', 'org_admin'];
const writeRoles = ['clinic_uploader', 'org_admin'];
const studyIdPattern = /^stu_[0-9A-Za-z]{16,32}$/;

/**
 * Hand-written servers on the bare frameworks, doing what Trident does for getStudy and
 * updateStudy of study v2 and calling the same in-memory handler: a Fastify route with the
 * contract's JSON Schemas (from the bundled OpenAPI document) for input and response, graphql-yoga
 * on the same Fastify instance with the generated SDL and hand-written resolvers, and a grpc-js
 * service on the generated proto with hand-written message mapping. Each verifies the bearer token
 * with jose and checks the role. `GET /readyz` answers 200 when ready, else 503, for a balancer's checks.
 */
export async function startBaseline(root: string, studies: StudySource, auth: BaselineAuth, listen: BaselineListen = {}): Promise<{ httpUrl: string; grpcAddress: string; close(): Promise<void> }> {
  const key = createSecretKey(Buffer.from(auth.secret));
  const verify = async (header: string | undefined, roles: string[]): Promise<Principal> => {
    const token = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
    if (!token) throw new ApiError('unauthenticated', 'This operation needs a bearer token.');
    const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], issuer: auth.issuer, audience: auth.audience }).catch(() => {
      throw new ApiError('unauthenticated', 'Bearer token rejected.');
    });
    const held = Array.isArray(payload.roles) ? payload.roles : [];
    if (typeof payload.org !== 'string' || !roles.some((role) => held.includes(role))) throw new ApiError('permission_denied', 'Missing role.');
    return { userId: payload.sub ?? '', orgId: payload.org, roles: held.map(String) };
  };

  const http = Fastify({ logger: false, bodyLimit: 1024 * 1024, ajv: { customOptions: { strict: false } } });
  const openapi = JSON.parse(readFileSync(join(root, 'generated/openapi/study/v2/openapi.json'), 'utf8')) as { components: unknown };
  http.addSchema({ $id: 'study-v2', components: openapi.components });
  const ref = (name: string) => ({ $ref: `study-v2#/components/schemas/${name}` });
  const fail = (reply: FastifyReply, error: unknown) => {
    const code = error instanceof ApiError ? error.code : 'internal';
    const statusCode = code === 'unauthenticated' ? 401 : code === 'permission_denied' ? 403 : code === 'not_found' ? 404 : code === 'precondition_failed' ? 412 : 500;
    return reply.code(statusCode).type('application/problem+json').send(JSON.stringify({ status: statusCode, code }));
  };
  http.get('/study/v2/studies/:studyId', { schema: { params: { type: 'object', properties: { studyId: ref('StudyId') }, required: ['studyId'] }, response: { 200: ref('Study') } } }, async (request, reply) => {
    try {
      const principal = await verify(request.headers.authorization, readRoles);
      const study = await studies.get(principal, (request.params as { studyId: string }).studyId);
      return reply.header('ETag', `"${study.version}"`).send(study);
    } catch (error) {
      return fail(reply, error);
    }
  });
  http.patch('/study/v2/studies/:studyId', {
    schema: {
      params: { type: 'object', properties: { studyId: ref('StudyId') }, required: ['studyId'] },
      headers: { type: 'object', properties: { 'if-match': { type: 'string', maxLength: 128 } }, required: ['if-match'] },
      body: ref('StudyUpdate'),
      response: { 200: ref('Study') },
    },
  }, async (request, reply) => {
    try {
      const principal = await verify(request.headers.authorization, writeRoles);
      const study = await studies.update(principal, (request.params as { studyId: string }).studyId, String(request.headers['if-match']), request.body as StudyUpdate);
      return reply.header('ETag', `"${study.version}"`).send(study);
    } catch (error) {
      return fail(reply, error);
    }
  });

  // GraphQL: the generated SDL, resolvers written by hand with the checks the schema cannot say.
  const toGraphql = (study: BenchStudy) => ({ ...study, status: study.status.toUpperCase(), reviewState: study.reviewState.toUpperCase(), version: String(study.version) });
  const guard = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw new GraphQLError(error instanceof Error ? error.message : 'failed', { extensions: { code: error instanceof ApiError ? error.code : 'INTERNAL_SERVER_ERROR' } });
    }
  };
  const checkId = (studyId: string) => {
    if (!studyIdPattern.test(studyId)) throw new ApiError('invalid_argument', 'studyId does not match the pattern.');
  };
  const schema = makeExecutableSchema({
    typeDefs: readFileSync(join(root, 'generated/graphql/study/v2/schema.graphql'), 'utf8'),
    resolvers: {
      DateTime: new GraphQLScalarType({ name: 'DateTime', serialize: (value) => value, parseValue: (value) => value }),
      Long: new GraphQLScalarType({ name: 'Long', serialize: (value) => String(value), parseValue: (value) => String(value) }),
      Query: {
        getStudy: (_: unknown, args: { studyId: string }, context: { authorization?: string }) =>
          guard(async () => {
            const principal = await verify(context.authorization, readRoles);
            checkId(args.studyId);
            return toGraphql(await studies.get(principal, args.studyId));
          }),
      },
      Mutation: {
        updateStudy: (_: unknown, args: { studyId: string; ifMatch: string; input: StudyUpdate }, context: { authorization?: string }) =>
          guard(async () => {
            const principal = await verify(context.authorization, writeRoles);
            checkId(args.studyId);
            if ((args.input.description?.length ?? 0) > 1024) throw new ApiError('invalid_argument', 'description is too long.');
            return toGraphql(await studies.update(principal, args.studyId, args.ifMatch, args.input));
          }),
      },
    },
  });
  const yoga = createYoga<{ req: FastifyRequest; reply: FastifyReply }>({
    schema,
    graphqlEndpoint: '/study/v2/graphql',
    logging: false,
    graphiql: false,
    landingPage: false,
    context: ({ request }) => ({ authorization: request.headers.get('authorization') ?? undefined }),
  });
  http.route({
    url: '/study/v2/graphql',
    method: ['GET', 'POST', 'OPTIONS'],
    handler: async (req, reply) => {
      const response = await yoga.handleNodeRequestAndResponse(req, reply, { req, reply });
      response.headers.forEach((value, name) => reply.header(name, value));
      reply.status(response.status);
      reply.send(response.body);
      return reply;
    },
  });

  // gRPC: the generated proto, messages mapped by hand.
  const definition = loadSync('trident/study/v2/study.proto', { keepCase: true, longs: String, enums: String, defaults: false, oneofs: true, includeDirs: [join(root, 'generated/proto')] });
  const service = (loadPackageDefinition(definition) as unknown as { trident: { study: { v2: { StudyService: { service: ServiceDefinition } } } } }).trident.study.v2.StudyService.service;
  const grpc = new Server();
  type Call = ServerUnaryCall<Record<string, unknown>, unknown>;
  const grpcFail = (callback: sendUnaryData<unknown>, error: unknown) => {
    const code = error instanceof ApiError ? error.code : 'internal';
    const grpcCode = code === 'unauthenticated' ? status.UNAUTHENTICATED : code === 'permission_denied' ? status.PERMISSION_DENIED : code === 'not_found' ? status.NOT_FOUND : code === 'precondition_failed' ? status.FAILED_PRECONDITION : code === 'invalid_argument' ? status.INVALID_ARGUMENT : status.INTERNAL;
    callback({ code: grpcCode, details: error instanceof Error ? error.message : 'failed', metadata: new Metadata() });
  };
  const authOf = (call: Call) => String(call.metadata.get('authorization')[0] ?? '');
  grpc.addService(service, {
    GetStudy: (call: Call, callback: sendUnaryData<unknown>) => {
      void (async () => {
        const principal = await verify(authOf(call), readRoles);
        const studyId = String(call.request.study_id ?? '');
        checkId(studyId);
        return { body: toProto(await studies.get(principal, studyId)) };
      })().then((response) => callback(null, response), (error: unknown) => grpcFail(callback, error));
    },
    UpdateStudy: (call: Call, callback: sendUnaryData<unknown>) => {
      void (async () => {
        const principal = await verify(authOf(call), writeRoles);
        const studyId = String(call.request.study_id ?? '');
        checkId(studyId);
        const body = (call.request.body ?? {}) as { description?: string; modalities?: BenchStudy['modalities']; started_at?: { seconds?: string; nanos?: number } };
        if ((body.description?.length ?? 0) > 1024) throw new ApiError('invalid_argument', 'description is too long.');
        const changes: StudyUpdate = {};
        if (body.description !== undefined) changes.description = body.description;
        if (body.modalities !== undefined && body.modalities.length > 0) changes.modalities = body.modalities;
        if (body.started_at !== undefined) changes.startedAt = fromTimestamp(body.started_at);
        return { body: toProto(await studies.update(principal, studyId, String(call.request.if_match ?? ''), changes)) };
      })().then((response) => callback(null, response), (error: unknown) => grpcFail(callback, error));
    },
  });
  http.get('/readyz', async (_request, reply) => ((await (listen.ready?.() ?? true)) ? reply.send({ status: 'ready' }) : reply.code(503).send({ status: 'not_ready' })));
  const host = listen.host ?? '127.0.0.1';
  await http.listen({ host, port: listen.httpPort ?? 0 });
  const address = http.server.address();
  const httpPort = typeof address === 'object' && address ? address.port : 0;
  const grpcPort = await new Promise<number>((resolve, reject) => grpc.bindAsync(`${host}:${listen.grpcPort ?? 0}`, ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port))));
  return {
    httpUrl: `http://${host}:${httpPort}`,
    grpcAddress: `${host}:${grpcPort}`,
    close: async () => {
      await Promise.all([http.close(), new Promise<void>((resolve) => grpc.tryShutdown(() => resolve()))]);
    },
  };
}

function toTimestamp(value: string | null): { seconds: string; nanos: number } | undefined {
  if (value === null) return undefined;
  const millis = Date.parse(value);
  return { seconds: String(Math.floor(millis / 1000)), nanos: (millis % 1000) * 1e6 };
}

function fromTimestamp(value: { seconds?: string; nanos?: number }): string {
  return new Date(Number(value.seconds ?? 0) * 1000 + Math.floor((value.nanos ?? 0) / 1e6)).toISOString();
}

function toProto(study: BenchStudy): Record<string, unknown> {
  return {
    id: study.id,
    org_id: study.orgId,
    study_instance_uid: study.studyInstanceUid,
    subject: { pseudonym_id: study.subject.pseudonymId, issuer: study.subject.issuer },
    ...(study.description === null ? {} : { description: study.description }),
    modalities: study.modalities,
    started_at: toTimestamp(study.startedAt),
    number_of_images: study.numberOfImages,
    status: `STUDY_STATUS_${study.status.toUpperCase()}`,
    review_state: `REVIEW_STATE_${study.reviewState.toUpperCase()}`,
    created_at: toTimestamp(study.createdAt),
    updated_at: toTimestamp(study.updatedAt),
    version: String(study.version),
  };
}
