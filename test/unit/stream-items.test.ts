import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { breakingDocuments } from '../../tools/breaking.ts';
import { compileContract } from '../../src/compiler/compile.ts';
import { foreignIdentity } from '../../src/compiler/identity.ts';
import { streamItemKey } from '../../src/compiler/stream-items.ts';

// An event stream described as OpenAPI 3.1 documents usually write it: the media type's `schema`
// is the event (a oneOf of two event types here), not a string.
const events = {
  openapi: '3.1.0',
  info: { title: 'Feeds', version: '1.0.0' },
  paths: {
    '/feed': {
      get: {
        operationId: 'watchFeed',
        responses: { '200': { description: 'Events', content: { 'text/event-stream': { schema: { $ref: '#/components/schemas/FeedEvent' } } } } },
      },
    },
  },
  components: {
    schemas: {
      FeedEvent: { type: 'object', required: ['type', 'entryId'], properties: { type: { type: 'string', enum: ['entry.added', 'entry.removed'] }, entryId: { type: 'string' }, title: { type: 'string' } } },
    },
  },
};

async function compile(document: unknown) {
  const text = JSON.stringify(document, null, 2);
  return compileContract('feeds.json', (path) => (path === 'feeds.json' ? text : undefined), (parsed) => foreignIdentity('feeds.json', parsed), { lenient: true, outputs: ['graphql', 'proto', 'types'] });
}

describe('the events of a text/event-stream response', () => {
  it.each([
    [{ 'x-item-schema': { type: 'object' }, schema: { type: 'string' } }, 'x-item-schema'],
    [{ itemSchema: { type: 'object' }, schema: { type: 'string' } }, 'itemSchema'],
    [{ schema: { $ref: '#/components/schemas/Event' } }, 'schema'],
    [{ schema: { oneOf: [{ type: 'object' }] } }, 'schema'],
    [{ schema: { type: 'string' } }, undefined],
    [{ schema: { type: ['string', 'null'] } }, undefined],
    [{}, undefined],
  ])('%j: described by %s', (media, key) => {
    expect(streamItemKey(media)).toBe(key);
  });

  it('described with `schema:` get typed events in GraphQL, proto and TypeScript, with no warning', async () => {
    const compiled = await compile(events);
    expect(compiled.diagnostics.filter((entry) => entry.code === 'stream-item-schema-missing')).toEqual([]);
    const operation = compiled.api?.operations.find((entry) => entry.id === 'watchFeed');
    expect(operation?.result.kind).toBe('stream');
    expect(operation?.result.kind === 'stream' ? operation.result.item : undefined).toMatchObject({ kind: 'named', name: 'FeedEvent' });
    const file = (suffix: string) => [...compiled.files].find(([path]) => path.endsWith(suffix))?.[1] ?? '';
    expect(file('schema.graphql')).toMatch(/type Subscription \{[^}]*watchFeed[^}]*: FeedEvent!/);
    expect(file('.proto')).toMatch(/rpc WatchFeed\(WatchFeedRequest\) returns \(stream WatchFeedResponse\)/);
    expect(file('.proto')).toMatch(/message WatchFeedResponse \{[^}]*FeedEvent /);
    expect(file('.proto')).toMatch(/message FeedEvent \{[^}]*string entry_id = /);
    expect(file('types.ts')).toContain('entryId: string');
  });

  it('a plain string schema still says the events are not described', async () => {
    const untyped = structuredClone(events);
    untyped.paths['/feed'].get.responses['200'].content['text/event-stream'] = { schema: { type: 'string' } } as never;
    const compiled = await compile(untyped);
    expect(compiled.diagnostics.map((entry) => entry.code)).toContain('stream-item-schema-missing');
  });

  it('the gate compares events described with `schema:` like any response', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'trident-stream-items-'));
    try {
      const revised = structuredClone(events);
      revised.components.schemas.FeedEvent.properties.type.enum.push('entry.moved');
      delete (revised.components.schemas.FeedEvent.properties as Record<string, unknown>).title;
      writeFileSync(join(folder, 'old.json'), JSON.stringify(events));
      writeFileSync(join(folder, 'new.json'), JSON.stringify(revised));
      const { exitCode, report } = await breakingDocuments({ cwd: folder, before: 'old.json', after: 'new.json', today: '2026-06-01', log: () => undefined });
      expect(exitCode).toBe(1);
      const findings = report?.versions.flatMap((version) => version.findings).map((finding) => `${finding.rule} ${finding.subject}`);
      expect(findings).toContain('response-optional-property-removed FeedEvent.title');
      expect(findings?.some((finding) => finding.startsWith('response-enum-value-added'))).toBe(true);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
