import { loadSync, type MethodDefinition } from '@grpc/proto-loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageDifference } from '../../src/conformance/message-difference.ts';
import { loadApis, protoLoaderOptions, writeProtoTree, type ProtoTree } from '../../src/runtime/load.ts';
import { ListReviewsResponse } from '../../generated/ts/grpc/trident/review/v1/review.ts';
import { repoRoot } from '../e2e/workspace.ts';

type Message = Record<string, unknown>;
let tree: ProtoTree;
let method: MethodDefinition<Message, Message>;
beforeAll(async () => {
  tree = writeProtoTree(await loadApis(repoRoot));
  const definition = loadSync(tree.files, { ...protoLoaderOptions, includeDirs: [tree.dir] });
  method = (definition['trident.review.v1.ReviewService'] as Record<string, MethodDefinition<Message, Message>>).ListReviews!;
}, 60_000);
afterAll(() => tree?.dispose());

/** A page of one review due at the given instant, as the server writes it, read back by proto-loader after the generated code wrote it again. */
function roundTrip(dueAt: { seconds: string; nanos: number }): { first: Message; again: Message } {
  const first = { body: { items: [{ id: 'rev_1', org_id: 'org_1', study_id: 'stu_1', kind: 'REVIEW_KIND_DIAGNOSTIC', due_at: dueAt }] } };
  const bytes = method.responseSerialize(first);
  const again = method.responseDeserialize(Buffer.from(ListReviewsResponse.encode(ListReviewsResponse.decode(bytes)).finish()));
  return { first: method.responseDeserialize(bytes), again };
}

describe('one message read by proto-loader and by the generated code', () => {
  it('is the same when a Timestamp before 1970 with a fraction comes back as truncated seconds and negative nanos', () => {
    const { first, again } = roundTrip({ seconds: '-3121023404', nanos: 500_000_000 });
    const written = (again.body as { items: { due_at: unknown }[] }).items[0]!.due_at;
    // The generated code writes the instant another way; the comparison reads both as one instant.
    expect(written).toEqual({ seconds: '-3121023403', nanos: -500_000_000 });
    expect(messageDifference(first, again)).toBe('');
  });

  it('still names a Timestamp that moved, and where', () => {
    const { first } = roundTrip({ seconds: '-3121023404', nanos: 500_000_000 });
    const { again } = roundTrip({ seconds: '-3121023404', nanos: 501_000_000 });
    expect(messageDifference(first, again)).toBe('at /body/items/0/due_at: expected "-3121023403500000000ns", got "-3121023403499000000ns"');
  });

  it('treats zero scalars written or left out as the same default', () => {
    expect(messageDifference({ body: { count: 0, name: '', items: [] } }, { body: {} })).toBe('');
    expect(messageDifference({ body: { count: 1 } }, { body: {} })).toBe('at /body/count: expected 1, got undefined');
  });
});
