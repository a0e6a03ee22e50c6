import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WatchReviewProgressOutput } from '../../generated/ts/review/v1/server.ts';
import { createServices, secretsFromMasterKey } from '../../src/services/index.ts';
import { openDatabase } from '../../src/store/index.ts';
import { as, databases, expectCode, openWorld, type World } from './harness.ts';
import { assessedStudy, assignedReview, complete } from './flow.ts';

type Event = WatchReviewProgressOutput;

/** Reads `count` events from a stream, failing after `ms`. */
async function take(iterator: AsyncIterator<Event>, count: number, ms = 5000): Promise<Event[]> {
  const events: Event[] = [];
  const deadline = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`only ${events.length} of ${count} events arrived`)), ms));
  while (events.length < count) {
    const next = await Promise.race([iterator.next(), deadline]);
    if (next.done === true) throw new Error('the stream ended');
    events.push(next.value);
  }
  return events;
}

describe.each(databases)('the review progress stream on $name', ({ name }) => {
  let world: World;
  let setup: Awaited<ReturnType<typeof assessedStudy>>;
  beforeAll(async () => {
    world = await openWorld(name);
    setup = await assessedStudy(world, world.orgA, 1);
  });
  afterAll(() => world.close());

  const watch = async (query: { after?: number } = {}, header: { 'Last-Event-ID'?: string } = {}, services = world.services) => {
    const controller = new AbortController();
    const stream = await services['review/v1'].watchReviewProgress({ path: { studyId: setup.study.id }, query, header }, as(world.orgA, 'doctor', controller.signal));
    return { iterator: stream[Symbol.asyncIterator](), stop: () => controller.abort() };
  };
  const stored = async () => world.db.query<{ sequence: number; type: string }>('SELECT sequence, type FROM events WHERE study_id = $1 ORDER BY sequence', [setup.study.id]);

  it('replays the stored events, then goes live, then ends on abort', async () => {
    const { iterator, stop } = await watch();
    const replay = await take(iterator, 3);
    expect(replay.map((event) => event.type)).toEqual(['study.status_changed', 'assessment.completed', 'study.status_changed']);
    expect(replay[0]).toMatchObject({ studyId: setup.study.id, previousStatus: 'registered', status: 'ai_processing' });
    expect(replay[0]?.id).toMatch(/^evt_[0-9A-Za-z]{20}$/);
    expect(replay[1]).toMatchObject({ assessmentId: setup.assessment.id, status: 'completed', findingCount: 1 });
    expect(replay[2]).toMatchObject({ previousStatus: 'ai_processing', status: 'awaiting_review' });
    expect(replay.map((event) => event.sequence)).toEqual((await stored()).map((row) => row.sequence));

    const pending = take(iterator, 2);
    const review = await assignedReview(world, world.orgA, { studyId: setup.study.id, kind: 'DIAGNOSTIC', assessmentId: setup.assessment.id }, 'doctor');
    const submitted = await complete(world, world.orgA, review, 'doctor', { verdict: 'disagree' });
    const live = await pending;
    expect(live[0]).toMatchObject({ type: 'study.status_changed', previousStatus: 'awaiting_review', status: 'in_review' });
    expect(live[1]).toMatchObject({ type: 'review.submitted', reviewId: submitted.id, kind: 'DIAGNOSTIC', verdict: 'disagree', submittedBy: world.orgA.users.doctor, secondReadReviewId: expect.stringMatching(/^rev_/) });
    expect(live.map((event) => event.sequence)).toEqual((await stored()).slice(3).map((row) => row.sequence));

    const next = iterator.next();
    stop();
    expect(await next).toEqual({ done: true, value: undefined });
  });

  it('resumes after a sequence, from the query or else from Last-Event-ID', async () => {
    const sequences = (await stored()).map((row) => row.sequence);
    const from = (query: { after?: number }, header: { 'Last-Event-ID'?: string }) => watch(query, header);
    const cases = [
      [{ after: sequences[1]! }, {}],
      [{}, { 'Last-Event-ID': String(sequences[1]) }],
      [{ after: sequences[1]! }, { 'Last-Event-ID': String(sequences[3]) }],
    ] as const;
    for (const [query, header] of cases) {
      const { iterator, stop } = await from(query, header);
      expect((await take(iterator, sequences.length - 2)).map((event) => event.sequence)).toEqual(sequences.slice(2));
      stop();
    }
  });

  it('refuses another organisation and a malformed Last-Event-ID', async () => {
    // Both fail the call itself, before a stream is handed out.
    const other = world.services['review/v1'].watchReviewProgress({ path: { studyId: setup.study.id }, query: {}, header: {} }, as(world.orgB, 'doctor'));
    await expectCode(Promise.resolve(other), 'not_found');
    await expectCode(watch({}, { 'Last-Event-ID': 'abc' }), 'invalid_argument');
  });

  it('loses nothing written while a watcher moves from replay to live, whichever services wrote it', async () => {
    const before = (await stored()).length;
    const twin = createServices({ db: world.db, blobs: world.blobs, secrets: secretsFromMasterKey('test master key') });
    const record = (services: World['services']) => services['review/v1'].recordAssessment({ body: { studyId: setup.study.id, algorithm: { name: 'a', version: '1' }, status: 'completed', findings: [] } }, as(world.orgA, 'ai_service'));
    const writes = Array.from({ length: 12 }, (_, index) => record(index % 2 === 0 ? world.services : twin));
    const { iterator, stop } = await watch();
    const events = await take(iterator, before + writes.length);
    await Promise.all(writes);
    expect(events.map((event) => event.sequence)).toEqual((await stored()).map((row) => row.sequence));
    stop();
  });

  it.runIf(name === 'postgres')('hears events committed by another process through LISTEN/NOTIFY', async () => {
    const db = await openDatabase({ databaseUrl: world.url ?? '' });
    try {
      const otherProcess = createServices({ db, blobs: world.blobs, secrets: secretsFromMasterKey('test master key') });
      const after = (await stored()).at(-1)?.sequence ?? 0;
      const { iterator, stop } = await watch({ after });
      const pending = take(iterator, 1);
      await new Promise((resolve) => setTimeout(resolve, 50)); // the watcher is waiting by now
      const recorded = await otherProcess['review/v1'].recordAssessment({ body: { studyId: setup.study.id, algorithm: { name: 'b', version: '1' }, status: 'completed', findings: [] } }, as(world.orgA, 'ai_service'));
      expect(await pending).toEqual([expect.objectContaining({ type: 'assessment.completed', assessmentId: recorded.id })]);
      stop();
    } finally {
      await db.close();
    }
  });
});
