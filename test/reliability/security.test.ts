import { createSecretKey, generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { authenticatorFromEnv, devAuthenticator } from '../../src/runtime/auth.ts';
import { call, grpcClient, unary } from './clients.ts';
import { useServerProcess } from './server-process.ts';

const server = useServerProcess({ env: { TRIDENT_LOG: 'info' } });

// The values of every field the study contracts mark x-sensitive, made recognisable.
const identity = { issuer: 'urn:oid:2.999.7', patientId: 'PID-SENTINEL-7731', patientName: 'Sentinelname^Secretgiven', birthDate: '1971-02-03', sex: 'female', accessionNumber: 'ACC-SENT-91' };
const markers = ['PID-SENTINEL-7731', 'Sentinelname', 'Secretgiven', '1971-02-03', 'ACC-SENT-91'];

describe('patient identifiers stay out of logs and error bodies', () => {
  it('are in neither, whatever fails and through whichever protocol', async () => {
    const token = server().tokens.org_admin!;
    const bodies: string[] = [];
    const rest = async (path: string, init: { method?: string; body?: string | Buffer; headers?: Record<string, string> }) => {
      const response = await fetch(server().httpUrl + path, {
        method: init.method ?? 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
        ...(init.body !== undefined ? { body: typeof init.body === 'string' ? init.body : new Blob([new Uint8Array(init.body)]) } : {}),
      });
      const text = await response.text();
      if (response.status >= 400 || text.includes('"errors"')) bodies.push(text);
      return response.status;
    };
    const uid = '2.25.917364519283746501928374650192837465';
    const registration = { studyInstanceUid: uid, subjectIdentity: identity, description: 'sensitive' };
    expect(await rest('/study/v2/studies', { body: JSON.stringify(registration) })).toBe(201);
    // A repeated Study Instance UID, through v1 and v2.
    expect(await rest('/study/v2/studies', { body: JSON.stringify(registration) })).toBe(409);
    expect(await rest('/study/v1/studies', { body: JSON.stringify({ studyInstanceUid: uid, subject: { patientId: identity.patientId, patientName: identity.patientName, birthDate: identity.birthDate, sex: 'female' }, accessionNumber: identity.accessionNumber }) })).toBeGreaterThanOrEqual(400);
    // Invalid values next to the identity, a syntax error just after it, bytes that are not UTF-8.
    expect(await rest('/study/v2/studies', { body: JSON.stringify({ ...registration, subjectIdentity: { ...identity, sex: 'unknown-sex' } }) })).toBe(400);
    expect(await rest('/study/v2/studies', { body: JSON.stringify({ ...registration, subjectIdentity: { ...identity, patientName: `${identity.patientName}${'x'.repeat(400)}` } }) })).toBe(400);
    expect(await rest('/study/v2/studies', { body: `{"subjectIdentity":{"patientId":"${identity.patientId}",,"patientName":"${identity.patientName}"}}` })).toBe(400);
    expect(await rest('/study/v2/studies', { body: Buffer.concat([Buffer.from(`{"subjectIdentity":{"patientId":"${identity.patientId}\u00ff`), Buffer.from([0xff, 0xfe]), Buffer.from('"}}')]) })).toBe(400);
    expect(await rest(`/study/v2/studies?description=${identity.patientId}`, { method: 'GET', headers: {} })).toBeLessThan(500);
    // GraphQL quotes offending values in its messages: variables and inline literals.
    const graphql = (query: string, variables: object) => rest('/study/v2/graphql', { body: JSON.stringify({ query, variables }) });
    await graphql('mutation($input: StudyCreateInput!) { registerStudy(input: $input) { id } }', { input: { subjectIdentity: { ...identity, sex: 'FEMALE', bogus: 1 } } });
    await graphql('mutation($input: StudyCreateInput!) { registerStudy(input: $input) { id } }', { input: { subjectIdentity: { ...identity, sex: identity.patientId } } });
    await graphql('mutation($input: StudyCreateInput!) { registerStudy(input: $input) { id } }', { input: { subjectIdentity: { ...identity, sex: 'FEMALE', patientId: 7731 } } });
    await graphql(`mutation { registerStudy(input: { subjectIdentity: { issuer: "urn:oid:2.999.7", patientId: "${identity.patientId}", patientName: 12, sex: FEMALE } }) { id } }`, {});
    await graphql(`mutation { registerStudy(input: { subjectIdentity: { issuer: "urn:oid:2.999.7", patientId: "${identity.patientId}", patientName: "${identity.patientName}", sex: FEMALE, birthDate: "${identity.birthDate}" } }) { id } }`, {});
    // gRPC: a repeated registration and values over their limits.
    const client = grpcClient(server().grpcAddress, 'trident.study.v2.StudyService');
    const subject = { issuer: identity.issuer, patient_id: identity.patientId, patient_name: identity.patientName, birth_date: identity.birthDate, sex: 'SEX_FEMALE', accession_number: identity.accessionNumber };
    const grpcErrors = [
      (await unary(client, 'RegisterStudy', { body: { study_instance_uid: uid, subject_identity: subject } }, token)).error,
      (await unary(client, 'RegisterStudy', { body: { subject_identity: { ...subject, patient_name: `${identity.patientName}${'y'.repeat(400)}` } } }, token)).error,
      (await unary(client, 'RegisterStudy', { body: { subject_identity: { ...subject, birth_date: `${identity.birthDate}T` } } }, token)).error,
    ];
    client.close();
    for (const error of grpcErrors) {
      expect(error).toBeDefined();
      bodies.push(`${error!.details} ${JSON.stringify(error!.metadata.getMap())}`);
    }
    expect(bodies.length).toBeGreaterThanOrEqual(12);
    // The log lines (pino's JSON), not the banner, which prints dev tokens on purpose.
    const logs = server().output().split('\n').filter((line) => line.startsWith('{')).join('\n');
    // The server did log every request (so the check below has something to read), without the token.
    expect(logs).toContain('"msg":"incoming request"');
    expect(logs).not.toContain(token);
    for (const marker of markers) {
      expect(logs, `logs contain ${marker}`).not.toContain(marker);
      for (const body of bodies) expect(body, `an error body contains ${marker}`).not.toContain(marker);
    }
  }, 120_000);
});

/** A token with no signature at all (`alg: none`). */
function unsignedToken(claims: Record<string, unknown>): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

describe('tokens that must not pass', () => {
  const orgId = () => /organisation (org_\w+)/.exec(server().output())?.[1] ?? '';
  const claims = () => ({ sub: 'usr_attacker000000000000', org: orgId(), roles: ['org_admin'], iss: 'trident', aud: 'trident-api', iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 600 });
  const forged = async (): Promise<Record<string, string>> => {
    const principal = { userId: 'usr_attacker000000000000', orgId: orgId(), roles: ['org_admin'] };
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    return {
      'wrong audience': await devAuthenticator('trident', 'another-api').issue!(principal),
      'wrong issuer': await devAuthenticator('someone-else', 'trident-api').issue!(principal),
      'alg none': unsignedToken(claims()),
      'RS256 where HS256 is expected': await new SignJWT(claims()).setProtectedHeader({ alg: 'RS256' }).sign(privateKey),
      'a guessed HS256 key': await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256' }).sign(createSecretKey(Buffer.from('secret'))),
    };
  };

  it('are rejected by REST (401), GraphQL (UNAUTHENTICATED) and gRPC (UNAUTHENTICATED)', async () => {
    const client = grpcClient(server().grpcAddress, 'trident.study.v2.StudyService');
    try {
      for (const [name, token] of Object.entries(await forged())) {
        const rest = await call(`${server().httpUrl}/study/v2/studies/${server().studyId}`, { token });
        expect(rest.status, name).toBe(401);
        const graphql = await call(`${server().httpUrl}/study/v2/graphql`, { method: 'POST', token, body: { query: 'query($id: String!) { getStudy(studyId: $id) { id } }', variables: { id: server().studyId } } });
        expect((graphql.body.errors as Array<{ extensions: { code: string } }>)[0]?.extensions.code, name).toBe('UNAUTHENTICATED');
        expect((await unary(client, 'GetStudy', { study_id: server().studyId }, token)).error?.code, name).toBe(16);
      }
      // The same claims, properly signed, pass: the rejections above are about the token, not the request.
      expect((await call(`${server().httpUrl}/study/v2/studies/${server().studyId}`, { token: server().tokens.org_admin! })).status).toBe(200);
    } finally {
      client.close();
    }
  }, 60_000);

  it('an RS256 server refuses an HS256 token keyed with its public key, and alg none', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const authenticator = await authenticatorFromEnv({ TRIDENT_JWT_PUBLIC_KEY: pem });
    const good = await new SignJWT({ org: 'org_a', roles: ['doctor'] }).setProtectedHeader({ alg: 'RS256' }).setSubject('usr_a').setIssuer('trident').setAudience('trident-api').setExpirationTime('5m').sign(privateKey);
    await expect(authenticator.verify(good)).resolves.toMatchObject({ orgId: 'org_a', roles: ['doctor'] });
    const confused = await new SignJWT({ org: 'org_a', roles: ['doctor'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('usr_a').setIssuer('trident').setAudience('trident-api').setExpirationTime('5m').sign(createSecretKey(Buffer.from(pem)));
    await expect(authenticator.verify(confused)).rejects.toMatchObject({ code: 'unauthenticated' });
    await expect(authenticator.verify(unsignedToken({ sub: 'usr_a', org: 'org_a', roles: ['doctor'], iss: 'trident', aud: 'trident-api' }))).rejects.toMatchObject({ code: 'unauthenticated' });
  });
});
