import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from '../../src/compiler/ir.ts';
import { getAtPointer } from '../../src/compiler/pointer.ts';
import { devAuthenticator } from '../../src/runtime/auth.ts';
import { loadApis, type LoadedApi } from '../../src/runtime/load.ts';
import { startServers, type RunningServers } from '../../src/runtime/server.ts';
import { inputValidator } from '../../src/runtime/validate.ts';
import { resumePoint } from '../../src/services/progress/watch.ts';
import { assessedStudy } from '../services/flow.ts';
import { databases, openWorld, type World } from '../services/harness.ts';
import { call, grpcClient, unary } from './clients.ts';
import { repoRoot } from './server-process.ts';

// What the servers enforce is what the contracts say, over the real servers on each database:
// the page tokens the contracts show, date-times, Range, If-Match and Last-Event-ID. Where a case
// is refused, the contract's own schema (formats read as annotations, as JSON Schema 2020-12 does)
// refuses it too, and the other way round.

const byKey = (apis: LoadedApi[], key: string): Api => apis.find((loaded) => loaded.key === key)!.api;
const operation = (api: Api, id: string) => api.operations.find((candidate) => candidate.id === id)!;

describe.each(databases)('the contracts and the servers agree, on $name', ({ name }) => {
  let world: World;
  let servers: RunningServers;
  let apis: LoadedApi[];
  const tokens: Record<'clinic_uploader' | 'doctor' | 'org_admin', string> = { clinic_uploader: '', doctor: '', org_admin: '' };
  let assessed: Awaited<ReturnType<typeof assessedStudy>>;
  const rest = (path: string, init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {}) => call(`${servers.httpUrl}${path}`, { token: tokens.doctor, ...init });

  beforeAll(async () => {
    world = await openWorld(name);
    apis = await loadApis(repoRoot);
    const authenticator = devAuthenticator();
    servers = await startServers({ apis, implementations: world.services as unknown as Record<string, object>, authenticator });
    for (const role of Object.keys(tokens) as Array<keyof typeof tokens>) tokens[role] = await authenticator.issue!({ userId: world.orgA.users[role], orgId: world.orgA.id, roles: [role] });
    assessed = await assessedStudy(world, world.orgA, 1);
  }, 120_000);
  afterAll(async () => {
    await servers?.close();
    await world?.close().catch(() => {});
  });

  it('every list accepts the page token its contract shows, with the filters shown beside it', async () => {
    const lists = apis.flatMap((loaded) => loaded.api.operations.filter((candidate) => candidate.parameters.some((parameter) => parameter.name === 'cursor' || parameter.name === 'pageToken')).map((list) => ({ loaded, list })));
    expect(lists.map(({ loaded, list }) => `${loaded.key} ${list.id}`).sort()).toEqual(['image/v1 listImages', 'review/v1 listAssessments', 'review/v1 listReviews', 'study/v1 listStudies', 'study/v2 listStudies']);
    for (const { loaded, list } of lists) {
      const query = new URLSearchParams();
      for (const parameter of list.parameters.filter((candidate) => candidate.in === 'query')) {
        const declared = getAtPointer(loaded.api.document, parameter.pointer) as { $ref?: string; example?: unknown };
        const resolved = (declared.$ref ? getAtPointer(loaded.api.document, declared.$ref.slice(1)) : declared) as { example?: unknown };
        if (resolved.example !== undefined) query.set(parameter.name, String(resolved.example));
      }
      expect(query.has(list.parameters.some((parameter) => parameter.name === 'cursor') ? 'cursor' : 'pageToken')).toBe(true);
      const answer = await rest(`/${loaded.key}${list.path}?${query}`);
      expect({ list: `${loaded.key} ${list.id}`, status: answer.status }).toEqual({ list: `${loaded.key} ${list.id}`, status: 200 });
    }
  });

  it('a token issued for a page is accepted with its filters; one of another list is refused as the contract says', async () => {
    await rest('/study/v2/studies', { method: 'POST', token: tokens.clinic_uploader, body: { subjectIdentity: { issuer: 'urn:oid:2.999.1', patientId: 'P-PAGE', patientName: 'Page^Two', sex: 'other' } } });
    const first = await rest('/study/v2/studies?pageSize=1');
    const token = first.body.nextPageToken as string;
    expect(typeof token).toBe('string');
    expect((await rest(`/study/v2/studies?pageSize=1&pageToken=${token}`)).status).toBe(200);
    const elsewhere = await rest(`/image/v1/images?studyId=${assessed.study.id}&cursor=${token}`);
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body).toMatchObject({ code: 'invalid_argument', errors: [{ pointer: '/query/cursor' }] });
  });

  it('date-times: every form the contract admits is accepted and stored as that instant; what it excludes is refused naming the place', async () => {
    const api = byKey(apis, 'study/v2');
    const admits = inputValidator(api, operation(api, 'registerStudy'), 'annotate');
    const identity = { issuer: 'urn:oid:2.999.1', patientId: 'P-TIME', patientName: 'Time^Test', sex: 'other' };
    const accepted = ['2026-03-02T09:10:00Z', '2026-03-02t09:10:00z', '2026-03-02 09:10:00+0100', '2024-02-29T10:00:00.123456789+05:30', '1001-01-01T00:00:00+23:59', '9998-12-31T23:59:59-23:59'];
    const refused = ['2023-02-29T00:00:00Z', '2016-12-31T23:59:60Z', '2026-03-02T09:10:00+01', '0001-01-01T00:00:00Z', '9999-12-31T23:59:59-01:00', 'yesterday', '2026-03-02'];
    for (const startedAt of [...accepted, ...refused]) {
      const body = { subjectIdentity: identity, startedAt };
      const contract = admits({ body }).length === 0;
      expect({ startedAt, contract }).toEqual({ startedAt, contract: accepted.includes(startedAt) });
      const answer = await rest('/study/v2/studies', { method: 'POST', token: tokens.clinic_uploader, body });
      if (contract) {
        expect({ startedAt, status: answer.status }).toEqual({ startedAt, status: 201 });
        expect(answer.body.startedAt).toBe(new Date(startedAt).toISOString());
        const filtered = await rest(`/study/v2/studies?startedAfter=${encodeURIComponent(startedAt)}&pageSize=1`);
        expect({ startedAt, status: filtered.status }).toEqual({ startedAt, status: 200 });
      } else {
        expect({ startedAt, status: answer.status }).toEqual({ startedAt, status: 400 });
        expect(answer.body.errors).toEqual([expect.objectContaining({ pointer: '/body/startedAt', message: expect.stringMatching(/^must match (format "date-time"|pattern)/) })]);
        const filtered = await rest(`/study/v2/studies?startedAfter=${encodeURIComponent(startedAt)}`);
        expect(filtered.status).toBe(400);
        expect(filtered.body.errors).toEqual([expect.objectContaining({ pointer: '/query/startedAfter' })]);
      }
    }
  });

  it('Range: what the pattern admits is never refused as invalid; a range the content cannot satisfy answers 416, as the contract says', async () => {
    const imageId = assessed.images[0]!.id;
    const size = Number((await rest(`/image/v1/images/${imageId}`)).body.sizeBytes);
    const answers: Record<string, number> = {};
    for (const range of ['bytes=0-3', 'bytes=-4', `bytes=${size - 1}-`, 'bytes=0-99999999999999999999', 'bytes=5-3', 'bytes=-0', `bytes=${size}-`, 'items=0-3', 'bytes=0-1,4-5']) {
      answers[range] = (await rest(`/image/v1/images/${imageId}/content`, { headers: { range } })).status;
    }
    expect(answers).toEqual({ 'bytes=0-3': 206, 'bytes=-4': 206, [`bytes=${size - 1}-`]: 206, 'bytes=0-99999999999999999999': 206, 'bytes=5-3': 416, 'bytes=-0': 416, [`bytes=${size}-`]: 416, 'items=0-3': 400, 'bytes=0-1,4-5': 400 });
  });

  it('If-Match: entity tags, a list of them, a bare version and * as the contract spells them; other text is refused as invalid in every protocol', async () => {
    const created = await rest('/study/v2/studies', { method: 'POST', token: tokens.clinic_uploader, body: { subjectIdentity: { issuer: 'urn:oid:2.999.1', patientId: 'P-ETAG', patientName: 'Etag^Test', sex: 'other' } } });
    const studyId = created.body.id as string;
    const update = (ifMatch: string) => rest(`/study/v2/studies/${studyId}`, { method: 'PATCH', token: tokens.clinic_uploader, headers: { 'if-match': ifMatch }, body: { description: `after ${ifMatch}` } });
    const statuses: Array<[string, number, unknown]> = [];
    for (const ifMatch of ['"1"', 'W/"2"', '"9", "3"', '4', '*', '"1"', 'garbage', '"5']) {
      const answer = await update(ifMatch);
      statuses.push([ifMatch, answer.status, answer.status === 200 ? answer.body.version : (answer.body.errors as Array<{ pointer: string }> | undefined)?.[0]?.pointer]);
    }
    expect(statuses).toEqual([
      ['"1"', 200, 2],
      ['W/"2"', 200, 3],
      ['"9", "3"', 200, 4],
      ['4', 200, 5],
      ['*', 200, 6],
      ['"1"', 412, undefined],
      ['garbage', 400, '/header/If-Match'],
      ['"5', 400, '/header/If-Match'],
    ]);
    const client = grpcClient(servers.grpcAddress, 'trident.study.v2.StudyService');
    try {
      const empty = await unary(client, 'UpdateStudy', { study_id: studyId, if_match: '', body: { description: 'no version' } }, tokens.clinic_uploader);
      expect(empty.error?.code).toBe(3);
      const listed = await unary(client, 'UpdateStudy', { study_id: studyId, if_match: '"1", "6"', body: { description: 'listed' } }, tokens.clinic_uploader);
      expect(listed.error).toBeUndefined();
      expect(listed.response).toMatchObject({ body: { version: '7' } });
    } finally {
      client.close();
    }
  });

  it('Last-Event-ID of up to 19 digits resumes: after a sequence above 2^53 or above the last bigint nothing is replayed; a small one replays the rest', async () => {
    const studyId = assessed.study.id;
    const firstEvent = async (lastEventId: string, waitMs = 400): Promise<{ status: number; text: string }> => {
      const controller = new AbortController();
      const response = await fetch(`${servers.httpUrl}/review/v1/studies/${studyId}/events`, { headers: { authorization: `Bearer ${tokens.doctor}`, 'last-event-id': lastEventId }, signal: controller.signal });
      let text = '';
      if (response.ok && response.body) {
        const reader = response.body.getReader();
        const timer = setTimeout(() => controller.abort(), waitMs);
        try {
          // Comments (`: stream open`) may come first; an event is an `id:` line up to a blank line.
          while (!/^id: [^]*?\n\n/m.test(text)) {
            const chunk = await reader.read();
            if (chunk.done) break;
            text += Buffer.from(chunk.value).toString();
          }
        } catch {
          // aborted: no event within the wait
        } finally {
          clearTimeout(timer);
          controller.abort();
        }
      }
      return { status: response.status, text };
    };
    const replayed = await firstEvent('1', 5000);
    expect(replayed.status).toBe(200);
    expect(replayed.text).toMatch(/^id: \d+\nevent: [\w.]+\ndata: /m);
    for (const beyond of ['9007199254740993', '9223372036854775807', '9999999999999999999']) {
      const answer = await firstEvent(beyond);
      expect({ beyond, status: answer.status, event: /^id: /m.test(answer.text) }).toEqual({ beyond, status: 200, event: false });
    }
    const tooLong = await firstEvent('12345678901234567890');
    expect(tooLong.status).toBe(400);
    expect(resumePoint(undefined, '9007199254740993')).toBe(9007199254740993n);
    expect(resumePoint(undefined, '9999999999999999999')).toBe(2n ** 63n - 1n);
  });
});
