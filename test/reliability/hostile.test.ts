import { connect, constants, type ClientHttp2Session } from 'node:http2';
import { describe, expect, it } from 'vitest';
import { grpcClient, pngOfSize, registerImage, unary } from './clients.ts';
import { deep, invalidUtf8Json, malformedJson, pick, random, registrationFields, validRegistration, withValue, wrongValue } from './hostile-cases.ts';
import { useServerProcess } from './server-process.ts';

// Every protocol gets this many generated invalid requests, `concurrency` at a time.
const perProtocol = 10_000;
const concurrency = 16;

const server = useServerProcess();

/** Runs `count` cases, `concurrency` at a time; returns the failures (at most 20 kept). */
async function runCases(count: number, runOne: (index: number) => Promise<string | undefined>): Promise<{ failures: string[]; failed: number }> {
  const failures: string[] = [];
  let failed = 0;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next;
      next += 1;
      const failure = await runOne(index).catch((error: unknown) => `threw ${String(error)}`);
      if (failure !== undefined) {
        failed += 1;
        if (failures.length < 20) failures.push(`#${index}: ${failure}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { failures, failed };
}

/** The server is up and still serves a valid request. */
async function stillServing(): Promise<void> {
  expect(server().child.exitCode).toBeNull();
  const response = await fetch(`${server().httpUrl}/study/v2/studies/${server().studyId}`, { headers: { authorization: `Bearer ${server().tokens.doctor}` } });
  expect(response.status).toBe(200);
}

interface RestCase {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The pointer the rejection must name (a violation at it or under it). */
  names: string;
}

describe('REST: generated invalid requests', () => {
  it(`answers ${perProtocol} of them with a 4xx naming the offending field, and keeps serving`, async () => {
    const token = server().tokens.org_admin!;
    const uploader = server().tokens.clinic_uploader!;
    const image = pngOfSize(2000);
    const imageId = await registerImage(server().httpUrl, uploader, server().studyId, image);
    const json = { 'content-type': 'application/json' };
    const study = `/study/v2/studies/${server().studyId}`;
    const makeCase = (index: number): RestCase => {
      const next = random(index + 1);
      const kind = index % 20;
      if (kind < 6) {
        const field = pick(next, registrationFields);
        return { method: 'POST', path: '/study/v2/studies', headers: json, body: JSON.stringify(withValue(validRegistration(), field.path, wrongValue(next, field.kind, field.maxLength))), names: `/body/${field.path.join('/')}` };
      }
      if (kind < 9) {
        const field = pick(next, [{ key: 'description', kind: 'string' as const }, { key: 'modalities', kind: 'array' as const }]);
        const body = kind === 8 ? { startedAt: pick(next, ['yesterday', '2026-13-45T99:00:00Z', 17]) } : { [field.key]: wrongValue(next, field.kind) };
        return { method: 'PATCH', path: study, headers: { ...json, 'if-match': '"1"' }, body: JSON.stringify(body), names: kind === 8 ? '/body/startedAt' : `/body/${field.key}` };
      }
      if (kind === 9) return { method: 'PATCH', path: study, headers: json, body: '{"description":"no If-Match"}', names: '/header/If-Match' };
      if (kind === 10) {
        const id = pick(next, ['xyz', `stu_${'a'.repeat(2000 + Math.floor(next() * 4000))}`, 'stu_%21%21%21%21%21%21%21%21%21%21%21%21%21%21%21%21', 'img_0000000000000000', `stu_${'%C3%A9'.repeat(20)}`]);
        return { method: 'GET', path: `/study/v2/studies/${id}`, names: '/path/studyId' };
      }
      if (kind === 11) {
        const [name, value] = pick(next, [['pageSize', 'abc'], ['pageSize', '0'], ['pageSize', '100000'], ['pageSize', '-3'], ['status', 'bogus'], ['reviewState', 'x'.repeat(3000)], ['startedAfter', 'not-a-date']] as const);
        return { method: 'GET', path: `/study/v2/studies?${name}=${encodeURIComponent(value)}`, names: `/query/${name}` };
      }
      if (kind === 12 || kind === 13) return { method: 'POST', path: '/study/v2/studies', headers: json, body: pick(next, malformedJson), names: '/body' };
      if (kind === 14) return { method: 'POST', path: '/study/v2/studies', headers: json, body: invalidUtf8Json(), names: '/body' };
      if (kind === 15) return { method: 'POST', path: '/study/v2/studies', headers: { 'content-type': pick(next, ['text/plain', 'application/xml', 'application/x-www-form-urlencoded']) }, body: 'description=x', names: '/header/Content-Type' };
      if (kind === 16) {
        // 5,000 levels of nesting, written as text (a recursive stringify would run out of stack).
        const levels = 5000;
        const body = JSON.stringify(withValue(validRegistration(), ['modalities'], ['NESTED'])).replace('"NESTED"', `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`);
        return { method: 'POST', path: '/study/v2/studies', headers: json, body, names: '/body/modalities/0' };
      }
      if (kind === 17 && index % 400 === 17) {
        // Larger than the 1 MiB body limit: refused before it is parsed.
        return { method: 'POST', path: '/study/v2/studies', headers: json, body: JSON.stringify({ description: 'x'.repeat(1_100_000) }), names: '/body' };
      }
      if (kind === 17 || kind === 18) {
        // Upload content that does not match the registration: too long, or with a malformed digest.
        const tooLong = kind === 17;
        return {
          method: 'PUT',
          path: `/image/v1/images/${imageId}/content`,
          headers: { 'content-type': 'image/png', 'content-digest': tooLong ? image.digestHeader : pick(next, ['sha-256=:short:', 'md5=:x:', '']) },
          body: tooLong ? Buffer.concat([image.bytes, Buffer.alloc(4000)]) : image.bytes,
          names: tooLong ? '/body' : '/header/Content-Digest',
        };
      }
      return { method: 'POST', path: '/review/v1/reviews', headers: json, body: JSON.stringify({ studyId: server().studyId, kind: pick(next, ['QUALITY', 'DIAGNOSTIC']), priority: wrongValue(next, 'enum') }), names: '/body/priority' };
    };
    const { failures, failed } = await runCases(perProtocol, async (index) => {
      const testCase = makeCase(index);
      const tokenFor = testCase.path.startsWith('/image') ? uploader : token;
      const oversized = typeof testCase.body === 'string' && testCase.body.length > 1024 * 1024;
      const response = await fetch(server().httpUrl + testCase.path, {
        method: testCase.method,
        headers: { authorization: `Bearer ${tokenFor}`, ...testCase.headers },
        ...(testCase.body !== undefined ? { body: typeof testCase.body === 'string' ? testCase.body : new Blob([new Uint8Array(testCase.body)]) } : {}),
        signal: AbortSignal.timeout(30_000),
      }).catch((error: Error & { cause?: { code?: string } }) => {
        // The server may answer 413 and close before the client has sent the whole body.
        if (oversized && ['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'].includes(error.cause?.code ?? '')) return undefined;
        throw error;
      });
      if (response === undefined) return undefined;
      const text = await response.text();
      if (response.status < 400 || response.status >= 500) return `${testCase.method} ${testCase.path.slice(0, 80)} answered ${response.status}: ${text.slice(0, 300)}`;
      const problem = JSON.parse(text) as { detail?: string; errors?: Array<{ pointer: string }> };
      const named = (problem.errors ?? []).some((error) => error.pointer === testCase.names || error.pointer.startsWith(`${testCase.names}/`));
      return named ? undefined : `${testCase.method} ${testCase.path.slice(0, 80)} (${response.status}) does not name ${testCase.names}: ${text.slice(0, 300)}`;
    });
    expect(failures).toEqual([]);
    expect(failed).toBe(0);
    await stillServing();
  }, 180_000);
});

interface GraphqlCase {
  body: string | Buffer;
  contentType?: string;
  /** Text the rejection must contain: a field, argument or variable name, or the limit broken. */
  names: string;
}

describe('GraphQL: generated invalid requests', () => {
  it(`answers ${perProtocol} of them without a server error, each naming what is wrong, and enforces depth and cost limits`, async () => {
    const token = server().tokens.org_admin!;
    const endpoint = `${server().httpUrl}/study/v2/graphql`;
    const getStudy = 'query($id: String!) { getStudy(studyId: $id) { id version } }';
    const register = 'mutation($input: StudyCreateInput!) { registerStudy(input: $input) { id } }';
    const makeCase = (index: number): GraphqlCase => {
      const next = random(index + 7);
      const kind = index % 16;
      const request = (query: string, variables: unknown) => JSON.stringify({ query, variables });
      if (kind < 3) return { body: request(getStudy, { id: pick(next, [123, {}, [], deep(1000), true, null]) }), names: '$id' };
      if (kind < 5) return { body: request(getStudy, { id: pick(next, ['xyz', `stu_${'z'.repeat(5000)}`, '', 'stu_!!!!!!!!!!!!!!!!!!!']) }), names: 'studyId' };
      if (kind < 9) {
        const field = pick(next, registrationFields.filter((candidate) => candidate.path[0] === 'subjectIdentity' || candidate.path[0] === 'description'));
        const value = wrongValue(next, field.kind, field.maxLength);
        // The enum is spelled in CONSTANT_CASE over GraphQL; any other value is wrong there too.
        const input = withValue({ ...validRegistration(), subjectIdentity: { ...(validRegistration().subjectIdentity as object), sex: 'FEMALE' } }, field.path, value);
        return { body: request(register, { input }), names: field.path.at(-1)! };
      }
      if (kind === 9) return { body: pick(next, ['query { getStudy(studyId: ', '{{{{', 'mutation { registerStudy(input: {subjectIdentity: }) { id } }', '\u0000\u0001', 'query ($id: String!) { getStudy(studyId: $id) { id }']).toString(), contentType: 'application/graphql-ish', names: '' };
      if (kind === 10) return { body: request(pick(next, ['{ getStudy(studyId: "stu_0000000000000000") { nope } }', '{ nope }', '{ getStudy(nope: 1) { id } }']), {}), names: 'nope' };
      if (kind === 11) {
        // Lists of lists under aliases: a short document asking for more than the cost limit allows.
        if (next() < 0.2) return { body: request(`{ ${'a: __typename '.repeat(6000)}}`, {}), names: 'tokens' };
        const fields = Array.from({ length: 40 + Math.floor(next() * 40) }, (_, at) => `a${at}: listStudies { items { id version status subject { issuer pseudonymId } modalities { code } } }`).join(' ');
        return { body: request(`{ ${fields} }`, {}), names: 'fields' };
      }
      if (kind === 12) {
        // Nested deeper than the depth limit, through introspection's cyclic types.
        const levels = 14 + Math.floor(next() * 20);
        let selection = 'name';
        for (let level = 0; level < levels; level += 1) selection = level % 2 === 0 ? `type { ${selection} }` : `fields { ${selection} }`;
        return { body: request(`{ __schema { types { ${selection} } } }`, {}), names: 'nested' };
      }
      if (kind === 13) return { body: pick(next, malformedJson), names: '/body' };
      if (kind === 14) return { body: invalidUtf8Json(), names: '/body' };
      return { body: `--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${pick(next, ['{', '{"query": 5}', 'not json'])}\r\n--x--`, contentType: 'multipart/form-data; boundary=x', names: '' };
    };
    const { failures, failed } = await runCases(perProtocol, async (index) => {
      const testCase = makeCase(index);
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': testCase.contentType ?? 'application/json' },
        body: typeof testCase.body === 'string' ? testCase.body : new Blob([new Uint8Array(testCase.body)]),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      if (response.status >= 500) return `answered ${response.status}: ${text.slice(0, 300)}`;
      if (response.status === 200 && !text.includes('"errors"')) return `accepted: ${text.slice(0, 200)}`;
      if (text.includes('INTERNAL_SERVER_ERROR')) return `internal error: ${text.slice(0, 300)}`;
      return text.includes(testCase.names) ? undefined : `does not name ${testCase.names}: ${text.slice(0, 300)}`;
    });
    expect(failures).toEqual([]);
    expect(failed).toBe(0);
    await stillServing();
  }, 180_000);
});

describe('gRPC: generated invalid requests and malformed frames', () => {
  it(`answers ${perProtocol} of them without INTERNAL or UNKNOWN, each naming the offending field or message`, async () => {
    const token = server().tokens.org_admin!;
    const client = grpcClient(server().grpcAddress, 'trident.study.v2.StudyService');
    const session: ClientHttp2Session = connect(`http://${server().grpcAddress}`);
    session.on('error', () => {});
    // A raw call: the 5-byte gRPC prefix (compressed flag, length) and whatever bytes follow.
    const raw = (method: string, frame: Buffer, headers: Record<string, string> = {}): Promise<{ status: string; message: string }> =>
      new Promise((resolve) => {
        const stream = session.request({
          [constants.HTTP2_HEADER_METHOD]: 'POST',
          [constants.HTTP2_HEADER_PATH]: `/trident.study.v2.StudyService/${method}`,
          'content-type': 'application/grpc',
          te: 'trailers',
          authorization: `Bearer ${token}`,
          ...headers,
        });
        let status = '';
        let message = '';
        const take = (fields: Record<string, unknown>) => {
          if (fields['grpc-status'] !== undefined) status = String(fields['grpc-status']);
          if (fields['grpc-message'] !== undefined) message = decodeURIComponent(String(fields['grpc-message']));
        };
        stream.on('response', take);
        stream.on('trailers', take);
        stream.on('data', () => {});
        stream.on('close', () => resolve({ status, message }));
        stream.on('error', () => resolve({ status: status || 'stream error', message }));
        stream.setTimeout(30_000, () => stream.close());
        stream.end(frame);
      });
    const prefixed = (body: Buffer, declared = body.length, compressed = 0) => {
      const head = Buffer.alloc(5);
      head.writeUInt8(compressed, 0);
      head.writeUInt32BE(declared, 1);
      return Buffer.concat([head, body]);
    };
    try {
      const { failures, failed } = await runCases(perProtocol, async (index) => {
        const next = random(index + 13);
        const kind = index % 10;
        if (kind < 4) {
          // Malformed protobuf: random bytes, a wire type that does not exist, a length past the end.
          const body = pick(next, [
            Buffer.from(Array.from({ length: 1 + Math.floor(next() * 64) }, () => Math.floor(next() * 256))),
            Buffer.from([0x0f, 0x01]),
            Buffer.from([0x0a, 0x7f, 0x61]),
            Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]),
          ]);
          const method = pick(next, ['GetStudy', 'RegisterStudy', 'UpdateStudy']);
          const { status, message } = await raw(method, prefixed(body));
          // Bytes that do not decode are named by message type; bytes that happen to decode fail the contract's validation, which names the field.
          return status === '3' && (message.includes(`${method}Request`) || message.includes('/')) ? undefined : `malformed ${method} message answered ${status} ${message}`;
        }
        if (kind === 4) {
          // Frames that lie: a declared length longer than what is sent, a compressed flag without an encoding, an oversized declared length.
          const frame = pick(next, [prefixed(Buffer.from([0x0a, 0x02]), 40), prefixed(Buffer.from([0x0a, 0x02, 0x61, 0x62]), 4, 1), prefixed(Buffer.alloc(10), 64 * 1024 * 1024), Buffer.from([0x00, 0x00])]);
          const { status, message } = await raw('GetStudy', frame);
          return ['13', '2', ''].includes(status) ? `lying frame answered ${status || 'no status'} ${message}` : undefined;
        }
        const check = (error: { code: number; details: string } | undefined, pointer: string) =>
          !error ? `accepted (expected a rejection naming ${pointer})` : error.code === 13 || error.code === 2 ? `answered ${error.code} ${error.details}` : error.details.includes(pointer) ? undefined : `${error.code} ${error.details} does not name ${pointer}`;
        if (kind === 5) {
          const id = pick(next, ['', 'xyz', `stu_${'q'.repeat(3000)}`, 'stu_!!!!!!!!!!!!!!!!!!!', 'img_0000000000000000']);
          return check((await unary(client, 'GetStudy', { study_id: id }, token)).error, id === '' ? '/path' : '/path/studyId');
        }
        if (kind === 6) {
          const [field, value, pointer] = pick(next, [
            ['patient_id', 'p'.repeat(65 + Math.floor(next() * 5000)), '/body/subjectIdentity/patientId'],
            ['patient_name', '', '/body/subjectIdentity/patientName'],
            ['issuer', 'i'.repeat(300), '/body/subjectIdentity/issuer'],
          ] as const);
          const subject = { issuer: 'urn:oid:2.999.7', patient_id: 'HOSTILE-1', patient_name: 'Test^Patient', sex: 'SEX_FEMALE', [field]: value };
          return check((await unary(client, 'RegisterStudy', { body: { subject_identity: subject } }, token)).error, pointer);
        }
        if (kind === 7) return check((await unary(client, 'UpdateStudy', { study_id: server().studyId, body: { description: 'no if-match' } }, token)).error, '/header/If-Match');
        if (kind === 8) return check((await unary(client, 'UpdateStudy', { study_id: server().studyId, if_match: '"1"', body: { description: 'd'.repeat(1025 + Math.floor(next() * 20_000)) } }, token)).error, '/body/description');
        return check((await unary(client, 'ListStudies', { page_size: pick(next, [0, -1, 101, 100000]) }, token)).error, '/query/pageSize');
      });
      expect(failures).toEqual([]);
      expect(failed).toBe(0);
    } finally {
      client.close();
      session.close();
    }
    await stillServing();
  }, 180_000);
});
