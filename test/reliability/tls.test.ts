import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { credentials, Metadata, type ChannelCredentials, type ServiceError } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { grpcClient } from './clients.ts';
import { repoRoot, runServe, useServerProcess } from './server-process.ts';

// A self-signed certificate for localhost and 127.0.0.1, valid until 2126, and its key: test material only.
const certFile = 'test/reliability/tls/cert.pem';
const keyFile = 'test/reliability/tls/key.pem';
const cert = readFileSync(join(repoRoot, certFile));
const tlsEnv = { TRIDENT_TLS_CERT: certFile, TRIDENT_TLS_KEY: keyFile };

/** A GET over HTTPS trusting `ca`; the status and the request id header. */
function httpsGet(url: string, headers: Record<string, string>, ca: Buffer): Promise<{ status: number; requestId: string | undefined }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpsRequest(url, { headers, ca, timeout: 15_000 }, (incoming) => {
      incoming.resume();
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, requestId: incoming.headers['x-request-id'] as string | undefined }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** GetStudy over gRPC with `channel` credentials: the error code, 0 when it succeeded. */
async function getStudyCode(address: string, channel: ChannelCredentials, token: string, studyId: string): Promise<number> {
  const client = grpcClient(address, 'trident.study.v2.StudyService', channel);
  try {
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    return await new Promise<number>((resolve) => client.GetStudy!({ study_id: studyId }, metadata, { deadline: Date.now() + 10_000 }, (error: ServiceError | null) => resolve(error?.code ?? 0)));
  } finally {
    client.close();
  }
}

describe('TLS from a certificate and key file', () => {
  const server = useServerProcess({ env: tlsEnv });

  it('serves REST and GraphQL over HTTPS and gRPC over TLS, and neither in the clear', async () => {
    const { httpUrl, grpcAddress, studyId, tokens } = server();
    expect(httpUrl).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(server().output()).toContain(`buf curl --protocol grpc -H "Authorization: Bearer `);
    expect(server().output()).toContain(`https://${grpcAddress}/trident.study.v2.StudyService/GetStudy`);

    const answer = await httpsGet(`${httpUrl}/study/v2/studies/${studyId}`, { authorization: `Bearer ${tokens.doctor}`, 'x-request-id': 'over-tls-1' }, cert);
    expect(answer).toEqual({ status: 200, requestId: 'over-tls-1' });
    // A client that does not trust the certificate is refused by its own TLS check.
    await expect(httpsGet(`${httpUrl}/study/v2/studies/${studyId}`, {}, Buffer.from(''))).rejects.toThrow(/self-signed certificate|unable to verify/);
    // Plain HTTP on the same port gets no answer of the API.
    const plain = await new Promise<string>((resolve) => {
      const outgoing = httpRequest(httpUrl.replace('https:', 'http:'), { timeout: 5000 }, (incoming) => resolve(`answered ${incoming.statusCode}`));
      outgoing.on('error', (error) => resolve(`failed: ${error.message}`));
      outgoing.on('timeout', () => outgoing.destroy(new Error('timed out')));
      outgoing.end();
    });
    expect(plain).not.toMatch(/answered 2/);

    expect(await getStudyCode(grpcAddress, credentials.createSsl(cert), tokens.doctor!, studyId)).toBe(0);
    expect(await getStudyCode(grpcAddress, credentials.createInsecure(), tokens.doctor!, studyId)).toBe(14);
  });
});

describe('serve --self-check over TLS', () => {
  it('reads the demo study over HTTPS and gRPC with TLS, trusting the served certificate', async () => {
    const run = await runServe(tlsEnv, ['--self-check']);
    expect(run.output).toContain('self-check: gRPC health SERVING.');
    expect(run.output).toMatch(/self-check: getStudy stu_\w+ over REST, GraphQL and gRPC agree\./);
    expect(run.code).toBe(0);
  });
});

describe('a TLS setting that cannot work', () => {
  it.each<{ env: Record<string, string>; said: string }>([
    { env: { TRIDENT_TLS_CERT: certFile }, said: 'TLS needs both TRIDENT_TLS_CERT (the certificate chain) and TRIDENT_TLS_KEY (its private key), PEM files; TRIDENT_TLS_KEY is not set' },
    { env: { TRIDENT_TLS_CERT: certFile, TRIDENT_TLS_KEY: 'test/reliability/tls/missing.pem' }, said: 'TRIDENT_TLS_KEY=test/reliability/tls/missing.pem cannot be read (ENOENT): give the path of a PEM file' },
    { env: { TRIDENT_TLS_CERT: keyFile, TRIDENT_TLS_KEY: keyFile }, said: 'TRIDENT_TLS_CERT and TRIDENT_TLS_KEY do not make a usable pair' },
  ])('stops serve with one line: $said', async ({ env, said }) => {
    const run = await runServe(env);
    expect(run.code).not.toBe(0);
    expect(run.output).toContain(said);
    expect(run.output).not.toMatch(/^\s+at /m);
  });
});
