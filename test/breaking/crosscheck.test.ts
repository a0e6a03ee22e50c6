import { describe, expect, it } from 'vitest';
import { compareWithReference } from '../../src/breaking/crosscheck/compare.ts';
import { knownDifferences } from '../../src/breaking/crosscheck/known.ts';
import type { ReferenceTool } from '../../src/breaking/crosscheck/model.ts';
import { crosscheckVersion } from '../../src/breaking/crosscheck/run.ts';
import { isBroken } from '../../src/breaking/side.ts';
import { bufBinary } from '../../tools/generate.ts';
import { caseSides, gateCase } from './fixtures.ts';

type Expectation = [fixture: string, tool: ReferenceTool, agreed: number, breaking: number, disagreements: string[]];

const routes = ['GET /things', 'POST /things', 'GET /things/{thingId}'];
const everyRoute = (kind: string, id: string): string[] => routes.map((route) => `${kind} ${id} ${route}`);

// Each known difference of src/breaking/crosscheck/known.ts on the fixture that shows it, plus
// cases where the tools agree; each tool runs only where the case is about it, to stay quick.
const expectations: Expectation[] = [
  ['type-changed', 'oasdiff', 3, 3, []],
  ['type-changed', 'buf', 2, 2, []],
  ['type-changed', 'graphql-inspector', 1, 1, []],
  ['operation-removed', 'buf', 3, 3, []],
  ['schema-renamed', 'buf', 3, 3, []],
  ['schema-renamed', 'graphql-inspector', 2, 2, []],
  ['response-int32-to-int64', 'oasdiff', 0, 3, everyRoute('reference-only', 'response-property-type-changed')],
  ['response-float-to-double', 'oasdiff', 0, 3, everyRoute('reference-only', 'response-property-type-changed')],
  ['date-time-format-changed', 'oasdiff', 0, 3, everyRoute('reference-only', 'response-property-type-changed')],
  ['date-time-format-changed', 'buf', 2, 3, ['reference-only FILE_NO_DELETE ']],
  ['date-time-format-changed', 'graphql-inspector', 1, 2, ['reference-only TYPE_REMOVED DateTime']],
  ['string-format-changed', 'oasdiff', 0, 3, everyRoute('reference-only', 'response-property-type-changed')],
  ['response-constraint-loosened', 'oasdiff', 0, 3, everyRoute('reference-only', 'response-property-max-length-increased')],
  ['response-union-variant-added', 'oasdiff', 0, 3, everyRoute('reference-only', 'response-property-one-of-added')],
  ['default-changed', 'oasdiff', 0, 1, ['reference-only request-parameter-default-value-changed GET /things']],
  ['request-body-removed', 'oasdiff', 1, 1, []],
  ['response-property-removed', 'oasdiff', 3, 3, []],
  ['response-optional-property-removed', 'oasdiff', 0, 0, []],
  ['property-renamed-number-kept', 'oasdiff', 1, 1, []],
  ['response-property-renamed-number-kept', 'oasdiff', 3, 3, []],
  ['response-optional-property-renamed-number-kept', 'oasdiff', 0, 0, []],
  ['parameter-moved', 'oasdiff', 0, 0, ['trident-only parameter-moved listThings(status)']],
  ['discriminator-changed', 'oasdiff', 0, 0, ['trident-only discriminator-changed Shape']],
  ['security-added', 'oasdiff', 0, 0, ['trident-only security-added getThing']],
  ['security-added', 'buf', 0, 0, ['trident-only security-added getThing']],
  ['security-added', 'graphql-inspector', 0, 0, ['trident-only security-added getThing']],
  ['security-requirement-removed', 'oasdiff', 0, 0, ['trident-only security-requirement-removed listThings']],
  ['security-requirement-removed', 'buf', 0, 0, ['trident-only security-requirement-removed listThings']],
  ['security-requirement-removed', 'graphql-inspector', 0, 0, ['trident-only security-requirement-removed listThings']],
  ['security-requirement-tightened', 'oasdiff', 0, 0, ['trident-only security-requirement-tightened listThings']],
  ['security-requirement-tightened', 'buf', 0, 0, ['trident-only security-requirement-tightened listThings']],
  ['security-requirement-tightened', 'graphql-inspector', 0, 0, ['trident-only security-requirement-tightened listThings']],
  ['security-scheme-changed', 'oasdiff', 0, 0, ['trident-only security-scheme-changed securityScheme bearerAuth']],
  ['security-scheme-changed', 'buf', 0, 0, ['trident-only security-scheme-changed securityScheme bearerAuth']],
  ['security-scheme-changed', 'graphql-inspector', 0, 0, ['trident-only security-scheme-changed securityScheme bearerAuth']],
  ['parameter-became-optional', 'buf', 0, 1, ['reference-only FIELD_SAME_CARDINALITY ListThingsRequest']],
  ['request-property-became-optional', 'buf', 0, 1, ['reference-only FIELD_SAME_CARDINALITY ThingCreate']],
  ['response-property-became-required', 'buf', 0, 1, ['reference-only FIELD_SAME_CARDINALITY Thing']],
  ['response-property-became-non-nullable', 'buf', 0, 1, ['reference-only FIELD_SAME_CARDINALITY Thing']],
  ['proto-reservation-dropped', 'buf', 0, 2, ['reference-only RESERVED_MESSAGE_NO_DELETE Thing', 'reference-only RESERVED_MESSAGE_NO_DELETE Thing']],
  ['parameter-added-required', 'buf', 0, 0, ['trident-only parameter-added-required listThings(owner)']],
  ['request-property-added-required', 'buf', 0, 0, ['trident-only request-property-added-required ThingCreate.owner']],
  ['request-body-added-required', 'buf', 0, 0, ['trident-only request-body-added-required createThing body']],
  ['request-body-became-required', 'buf', 0, 0, ['trident-only request-body-became-required createThing body']],
  ['request-constraint-tightened', 'buf', 0, 0, ['trident-only request-constraint-tightened ThingCreate.name']],
  ['request-constraint-tightened', 'graphql-inspector', 0, 0, ['trident-only request-constraint-tightened ThingCreate.name']],
  ['schema-removed', 'graphql-inspector', 0, 1, ['reference-only TYPE_REMOVED Legacy']],
  ['request-property-became-non-nullable', 'graphql-inspector', 0, 0, ['trident-only request-property-became-non-nullable ThingCreate.label']],
];

const explanations = new Set<string>();

// The tools run as child processes; running the cases side by side keeps the file quick.
describe.concurrent('cross-checks against oasdiff, buf breaking and graphql-inspector', () => {
  for (const [fixture, tool, agreed, breaking, disagreements] of expectations) {
    it(`${tool} on ${fixture}`, async () => {
      const { base, revision } = await caseSides(fixture);
      if (!base || !revision || isBroken(base) || isBroken(revision)) throw new Error(`${fixture} does not compile`);
      const findings = (await gateCase(fixture)).versions.flatMap((version) => version.findings);
      const report = await crosscheckVersion(base, revision, findings, { bufBinary: bufBinary(), bufRules: ['FILE', 'WIRE_JSON'], tools: [tool] });
      expect(report.runs).toEqual([{ tool, agreed, breaking }]);
      expect(report.disagreements.map((entry) => `${entry.kind} ${entry.id} ${entry.subject}`)).toEqual(disagreements);
      for (const entry of report.disagreements) {
        expect(entry.explanation, `${entry.id} ${entry.subject} is a known difference`).toBeDefined();
        explanations.add(entry.explanation ?? '');
      }
    });
  }
});

describe('known differences', () => {
  it('exercises every known difference (an entry no fixture shows is stale)', () => {
    const unused = knownDifferences.filter((entry) => !explanations.has(entry.explanation)).map((entry) => `${entry.tool} ${entry.rule ?? String(entry.id)}`);
    expect(unused).toEqual([]);
  });

  it('lists an unknown difference as unexplained', () => {
    const finding = { rule: 'response-property-removed', subject: 'Thing.weight', fingerprint: 'f', verdicts: { 'rest-json': 'safe', graphql: 'safe', 'grpc-wire': 'safe', 'grpc-json': 'safe', typescript: 'safe' }, subjects: { graphql: 'Thing.weight' } } as never;
    const { disagreements } = compareWithReference('graphql-inspector', [{ tool: 'graphql-inspector', id: 'FIELD_REMOVED', level: 'breaking', message: 'removed', subject: 'Thing.weight' }], [finding]);
    expect(disagreements).toEqual([{ tool: 'graphql-inspector', kind: 'reference-only', subject: 'Thing.weight', message: 'removed', id: 'FIELD_REMOVED', rule: 'response-property-removed', fingerprint: 'f' }]);
  });

  it('reports a tool that cannot run instead of failing the gate', async () => {
    const { base, revision } = await caseSides('type-changed');
    if (!base || !revision || isBroken(base) || isBroken(revision)) throw new Error('type-changed does not compile');
    const report = await crosscheckVersion(base, revision, [], { bufBinary: '/nonexistent/buf', bufRules: ['FILE'], tools: ['buf'] });
    expect(report.runs[0]?.error).toMatch(/buf/);
    expect(report.disagreements).toEqual([]);
  });
});
