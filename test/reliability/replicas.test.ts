import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TridentError } from 'trident/client';
import { createReviewV1GraphqlClient, reviewProgressDocument } from '../../generated/ts/review/v1/clients/graphql.ts';
import { createReviewV1GrpcClient } from '../../generated/ts/review/v1/clients/grpc.ts';
import { createReviewV1RestClient } from '../../generated/ts/review/v1/clients/rest.ts';
import { createStudyV2GraphqlClient } from '../../generated/ts/study/v2/clients/graphql.ts';
import { createStudyV2GrpcClient } from '../../generated/ts/study/v2/clients/grpc.ts';
import { createStudyV2RestClient } from '../../generated/ts/study/v2/clients/rest.ts';
import { devAuthenticator } from '../../src/runtime/auth.ts';
import { demoOrgId, demoUsers } from '../../src/services/index.ts';
import type { Role } from '../../src/services/members.ts';
import { startReplicaSet, type ReplicaSet } from '../../tools/replicas/index.ts';
import { postgresReason } from './postgres-cluster.ts';

// Several `trident serve` processes on one PostgreSQL server and one blob folder, behind haproxy
// (tools/replicas): they start together on an empty database, see each other's writes and events,
// settle If-Match races, and survive a rolling restart and a SIGKILL without failing a client.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const authenticator = devAuthenticator();
const token = (role: Role) => () => authenticator.issue!({ userId: demoUsers[role].id, orgId: demoOrgId, roles: [role] });

/** The generated clients of study v2 and review v1 for `role`, at one HTTP and one gRPC address. */
function clients(baseUrl: string, address: string, role: Role) {
  const options = { baseUrl, token: token(role) };
  return {
    rest: { study: createStudyV2RestClient(options), review: createReviewV1RestClient(options) },
    graphql: { study: createStudyV2GraphqlClient(options), review: createReviewV1GraphqlClient(options) },
    grpc: { study: createStudyV2GrpcClient({ address, token: token(role) }), review: createReviewV1GrpcClient({ address, token: token(role) }) },
  };
}

let databases = 0;
/** A new, empty database on the server of DATABASE_URL; resolves to its URL. */
async function emptyDatabase(): Promise<string> {
  const name = `replicas_${process.pid}_${(databases += 1)}`;
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(process.env.DATABASE_URL!);
  url.pathname = `/${name}`;
  return url.toString();
}

async function count(databaseUrl: string, sql: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const { rows } = await client.query<{ count: string }>(sql);
  await client.end();
  return Number(rows[0]!.count);
}

const demoStudy = (set: ReplicaSet, index: number) => /Demo study: (stu_\w+)/.exec(set.log(index))?.[1];

describe.skipIf(postgresReason !== undefined)('replicas behind haproxy on one PostgreSQL server', () => {
  it('four replicas started at the same moment on an empty database all start, twenty times out of twenty', async () => {
    for (let trial = 1; trial <= 20; trial += 1) {
      const databaseUrl = await emptyDatabase();
      // startReplicaSet fails with the log of any replica that exits or is not ready.
      const set = await startReplicaSet({ replicas: 4, env: { ...process.env, DATABASE_URL: databaseUrl, TRIDENT_DRAIN_DELAY: '0' } });
      try {
        const seeded = set.state.replicas.map((_, index) => demoStudy(set, index));
        expect(seeded[0], `trial ${trial}`).toMatch(/^stu_/);
        expect(new Set(seeded).size, `trial ${trial}: ${seeded.join(', ')}`).toBe(1);
        // Seeded once, whichever replica got there first.
        expect(await count(databaseUrl, `SELECT count(*) FROM studies WHERE org_id = '${demoOrgId}'`), `trial ${trial}`).toBe(1);
        expect(await count(databaseUrl, 'SELECT count(*) FROM schema_migrations'), `trial ${trial}`).toBeGreaterThan(0);
      } finally {
        await set.stop();
      }
    }
  }, 600_000);

  describe('two replicas', () => {
    let set: ReplicaSet;
    let studyId = '';
    beforeAll(async () => {
      set = await startReplicaSet({ replicas: 2, env: { ...process.env, DATABASE_URL: await emptyDatabase() } });
      studyId = demoStudy(set, 0)!;
    }, 180_000);
    afterAll(async () => {
      await set?.stop();
    });
    const onReplica = (index: number, role: Role) => clients(set.replicaUrl(index), set.replicaGrpcAddress(index), role);
    const throughBalancer = (role: Role) => clients(set.url, set.grpcAddress, role);

    it('a write through replica A is read through replica B over REST, GraphQL and gRPC', async () => {
      const a = onReplica(0, 'clinic_uploader');
      const b = onReplica(1, 'doctor');
      for (const protocol of ['rest', 'graphql', 'grpc'] as const) {
        const description = `written through replica A over ${protocol} at ${Date.now()}`;
        const current = await a.rest.study.getStudy({ params: { path: { studyId } } });
        const ifMatch = `"${current.version}"`;
        if (protocol === 'rest') await a.rest.study.updateStudy({ params: { path: { studyId }, header: { 'If-Match': ifMatch } }, body: { description } });
        if (protocol === 'graphql') await a.graphql.study.updateStudy({ studyId, ifMatch, input: { description } });
        if (protocol === 'grpc') await a.grpc.study.updateStudy({ studyId, ifMatch, body: { description, modalities: [] } });
        expect((await b.rest.study.getStudy({ params: { path: { studyId } } })).description).toBe(description);
        expect((await b.graphql.study.getStudy({ studyId })).description).toBe(description);
        expect((await b.grpc.study.getStudy({ studyId })).body?.description).toBe(description);
      }
    });

    // Replica B learns of A's commit only by PostgreSQL's NOTIFY (nothing polls), or, for a stream
    // whose subscription the load delayed past the commit, by replaying the study's events; either
    // way no event is lost. The delay is printed as a figure: it depends on the machine's load.
    it('a stream opened on replica B receives an event committed through replica A (SSE, GraphQL subscription, gRPC)', async () => {
      const b = onReplica(1, 'doctor');
      const a = onReplica(0, 'ai_service');
      const stop = new AbortController();
      const names = ['sse', 'graphql', 'grpc'] as const;
      // Every event each stream receives, with when: a stream that subscribes late replays the new
      // event with the earlier ones, possibly before its id is known here.
      const received: Record<(typeof names)[number], Array<{ text: string; at: number }>> = { sse: [], graphql: [], grpc: [] };
      const watch = async (name: (typeof names)[number], events: AsyncIterable<unknown>) => {
        try {
          for await (const event of events) received[name].push({ text: JSON.stringify(event), at: performance.now() });
        } catch (error) {
          if (!stop.signal.aborted) throw error;
        }
      };
      const streams = Promise.all([
        watch('sse', b.rest.review.watchReviewProgress({ params: { path: { studyId } }, signal: stop.signal })),
        watch('graphql', b.graphql.review.client.subscribe(reviewProgressDocument, { studyId }, { signal: stop.signal })),
        watch('grpc', b.grpc.review.watchReviewProgress({ studyId }, { signal: stop.signal })),
      ]);
      await sleep(500);
      const assessment = await a.rest.review.recordAssessment({ body: { studyId, algorithm: { name: 'replica-stream-model', version: '1' }, status: 'completed', findings: [], quality: { gradable: true, issues: [] } } });
      const committed = performance.now();
      const arrival = (name: (typeof names)[number]) => received[name].find((event) => event.text.includes(assessment.id))?.at;
      try {
        await expect.poll(() => names.filter((name) => arrival(name) === undefined), { timeout: 15_000, interval: 20 }).toEqual([]);
      } finally {
        stop.abort();
        await streams;
      }
      const delays = names.map((name) => `${name} ${Math.round(arrival(name)! - committed)} ms`);
      console.log(`replica B received replica A's event after the write answered (a negative delay: before it answered): ${delays.join(', ')}`);
    });

    it('racing If-Match updates through A and B: exactly one wins, the other gets the precondition error of its protocol', async () => {
      const a = onReplica(0, 'clinic_uploader');
      const b = onReplica(1, 'clinic_uploader');
      for (const protocol of ['rest', 'graphql', 'grpc'] as const) {
        for (let round = 0; round < 4; round += 1) {
          const before = await a.rest.study.getStudy({ params: { path: { studyId } } });
          const ifMatch = `"${before.version}"`;
          const update = (side: typeof a, description: string) =>
            protocol === 'rest'
              ? side.rest.study.updateStudy({ params: { path: { studyId }, header: { 'If-Match': ifMatch } }, body: { description } })
              : protocol === 'graphql'
                ? side.graphql.study.updateStudy({ studyId, ifMatch, input: { description } })
                : side.grpc.study.updateStudy({ studyId, ifMatch, body: { description, modalities: [] } });
          const outcomes = await Promise.allSettled([update(a, `A wins ${protocol} ${round}`), update(b, `B wins ${protocol} ${round}`)]);
          const won = outcomes.filter((outcome) => outcome.status === 'fulfilled');
          const lost = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
          expect(won.length, `${protocol} round ${round}`).toBe(1);
          expect(lost[0]).toBeInstanceOf(TridentError);
          expect([(lost[0] as TridentError).protocol, (lost[0] as TridentError).code]).toEqual([protocol, 'precondition_failed']);
          const after = await b.rest.study.getStudy({ params: { path: { studyId } } });
          expect(after.version).toBe(before.version + 1);
          expect(after.description).toBe(outcomes[0]!.status === 'fulfilled' ? `A wins ${protocol} ${round}` : `B wins ${protocol} ${round}`);
        }
      }
    });

    it('an SSE client that loses its replica reconnects through haproxy with Last-Event-ID and misses no event', async () => {
      const doctor = throughBalancer('doctor');
      const ai = onReplica(0, 'ai_service');
      const streamsOn = async (index: number) => {
        const text = await (await fetch(`${set.replicaUrl(index)}/metrics`)).text();
        return Number(/^trident_open_streams\{protocol="rest"\} (\d+)/m.exec(text)?.[1] ?? 0);
      };
      const record = async (side: typeof ai, name: string) => (await side.rest.review.recordAssessment({ body: { studyId, algorithm: { name, version: '1' }, status: 'completed', findings: [], quality: { gradable: true, issues: [] } } })).id;
      const seen: { sequence: number; text: string }[] = [];
      const received = (id: string) => seen.some((event) => event.text.includes(id));
      let reconnects = 0;
      const stop = new AbortController();
      // A reconnecting reader, as a browser's EventSource is: after a lost connection it asks again
      // with the sequence of the last event it received.
      const reader = (async () => {
        while (!stop.signal.aborted) {
          const last = seen.at(-1);
          try {
            const header = last === undefined ? {} : { 'Last-Event-ID': String(last.sequence) };
            for await (const event of doctor.rest.review.watchReviewProgress({ params: { path: { studyId }, header }, signal: stop.signal })) {
              seen.push({ sequence: event.sequence, text: JSON.stringify(event) });
            }
          } catch {
            if (stop.signal.aborted) return;
          }
          reconnects += 1;
          await sleep(200);
        }
      })();
      const before = await record(ai, 'before-the-loss');
      await expect.poll(() => received(before), { timeout: 5_000 }).toBe(true);
      const serving = (await streamsOn(0)) > 0 ? 0 : 1;
      expect(await streamsOn(serving)).toBeGreaterThan(0);
      // The replica holding the stream dies; events are committed while the client is away.
      const killed = set.stopReplica(serving, 'SIGKILL');
      const during: string[] = [];
      const writer = onReplica(1 - serving, 'ai_service');
      await killed;
      for (let index = 0; index < 3; index += 1) during.push(await record(writer, `while-away-${index}`));
      await expect.poll(() => during.every(received), { timeout: 10_000 }).toBe(true);
      stop.abort();
      await reader;
      expect(reconnects).toBeGreaterThan(0);
      const sequences = seen.map((event) => event.sequence);
      // Nothing missed and nothing twice: the sequences after the first event are consecutive.
      expect(new Set(sequences).size).toBe(sequences.length);
      expect(sequences).toEqual([...sequences].sort((x, y) => x - y));
      expect(sequences.at(-1)! - sequences[0]! + 1).toBe(sequences.length);
      await set.startReplica(serving);
      await set.waitForBalancer(serving, 'UP');
    }, 60_000);

    it('a rolling restart of every replica under steady load over the three protocols loses no request', async () => {
      const reader = throughBalancer('doctor');
      const writer = throughBalancer('clinic_uploader');
      const outcomes = { ok: 0, failed: [] as string[] };
      let restarting = true;
      const loop = async (name: string, call: () => Promise<unknown>) => {
        while (restarting) {
          try {
            await call();
            outcomes.ok += 1;
          } catch (error) {
            outcomes.failed.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
          }
        }
      };
      let version = (await writer.rest.study.getStudy({ params: { path: { studyId } } })).version;
      const loops = Promise.all([
        loop('rest getStudy', () => reader.rest.study.getStudy({ params: { path: { studyId } } })),
        loop('graphql getStudy', () => reader.graphql.study.getStudy({ studyId })),
        loop('grpc getStudy', () => reader.grpc.study.getStudy({ studyId })),
        // One writer, so each update's If-Match is the version the previous one returned.
        loop('rest updateStudy', async () => {
          const updated = await writer.rest.study.updateStudy({ params: { path: { studyId }, header: { 'If-Match': `"${version}"` } }, body: { description: `rolling ${version}` } });
          version = updated.version;
        }),
      ]);
      const deadline = setTimeout(() => (restarting = false), 120_000);
      try {
        await sleep(1_000);
        for (let index = 0; index < set.state.replicas.length; index += 1) await set.restartReplica(index);
        await sleep(1_000);
      } finally {
        restarting = false;
        clearTimeout(deadline);
        await loops;
      }
      expect(outcomes.failed).toEqual([]);
      expect(outcomes.ok).toBeGreaterThan(100);
    }, 180_000);

    it('SIGKILL of one replica leaves the clients of the other unaffected', async () => {
      const direct = onReplica(1, 'doctor');
      const balanced = throughBalancer('doctor');
      const failures = { direct: [] as string[], balancedAfterDown: [] as string[] };
      let markedDown = false;
      let running = true;
      let calls = 0;
      const loop = async (call: () => Promise<unknown>, onFailure: (message: string) => void) => {
        while (running) {
          try {
            await call();
            calls += 1;
          } catch (error) {
            onFailure(error instanceof Error ? error.message : String(error));
          }
        }
      };
      const loops = Promise.all([
        loop(() => direct.rest.study.getStudy({ params: { path: { studyId } } }), (message) => failures.direct.push(message)),
        loop(() => direct.grpc.study.getStudy({ studyId }), (message) => failures.direct.push(message)),
        loop(() => balanced.rest.study.getStudy({ params: { path: { studyId } } }), (message) => markedDown && failures.balancedAfterDown.push(message)),
        loop(() => balanced.grpc.study.getStudy({ studyId }), (message) => markedDown && failures.balancedAfterDown.push(message)),
      ]);
      try {
        await sleep(1_000);
        await set.stopReplica(0, 'SIGKILL');
        await set.waitForBalancer(0, 'DOWN');
        markedDown = true;
        await sleep(2_000);
      } finally {
        running = false;
        await loops;
      }
      expect(failures.direct).toEqual([]);
      expect(failures.balancedAfterDown).toEqual([]);
      expect(calls).toBeGreaterThan(50);
      await set.startReplica(0);
      await set.waitForBalancer(0, 'UP');
    }, 120_000);
  });
});
