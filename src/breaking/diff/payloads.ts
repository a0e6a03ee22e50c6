import { sameType, type Operation, type RequestBody, type Result } from '../../compiler/ir.ts';
import type { Member } from '../typescript/probes.ts';
import { appendPointer } from '../../compiler/pointer.ts';
import type { RuleId } from '../rules.ts';
import { payloadSubjects } from './names.ts';
import type { OperationPair } from './operations.ts';
import type { Place, ValueDiff } from './values.ts';

/** The request body: present or not, required or not, its media types and its type. */
export function compareBodies(values: ValueDiff, pair: OperationPair): void {
  const context = values.context;
  const { base, revision } = pair;
  const subjects = payloadSubjects(revision, 'body');
  const revisionBody = appendPointer(revision.pointer, 'requestBody');
  const report = (rule: RuleId, message: string, side: 'base' | 'revision' = 'revision'): void =>
    context.report(rule, { subject: `${revision.id} body`, message: `the request body of '${revision.id}' ${message}`, at: { side, pointer: side === 'base' ? appendPointer(base.pointer, 'requestBody') : revisionBody }, subjects, direction: 'request' });
  if (!base.body && !revision.body) return;
  const member = (body: RequestBody | undefined): Member | undefined =>
    body && { name: 'body', type: body.kind === 'json' ? body.type : { kind: 'scalar', scalar: 'bytes' }, optional: !body.required, nullable: false };
  const sameBody = base.body?.kind === revision.body?.kind && base.body?.required === revision.body?.required && (base.body?.kind !== 'json' || revision.body?.kind !== 'json' || sameType(base.body.type, revision.body.type));
  if (!sameBody) {
    context.probe(
      { subject: `${revision.id} body`, direction: 'request', at: { side: revision.body ? 'revision' : 'base', pointer: revision.body ? revisionBody : appendPointer(base.pointer, 'requestBody') }, label: `the request body of '${revision.id}'` },
      () => context.probes.member('request', member(base.body), member(revision.body)),
    );
  }
  if (!base.body && revision.body) return report(revision.body.required ? 'request-body-added-required' : 'request-body-added-optional', `is added${revision.body.required ? ' as required' : ''}`);
  if (base.body && !revision.body) return report('request-body-removed', 'was removed', 'base');
  if (!base.body || !revision.body) return;
  if (base.body.required !== revision.body.required) report(revision.body.required ? 'request-body-became-required' : 'request-body-became-optional', `becomes ${revision.body.required ? 'required' : 'optional'}`);
  const lost = base.body.mediaTypes.filter((mediaType) => !revision.body?.mediaTypes.includes(mediaType));
  if (lost.length > 0) report('request-media-type-removed', `can no longer be sent as ${lost.join(', ')}`);
  if (base.body.kind === 'json' && revision.body.kind === 'json') {
    values.value(base.body.type, revision.body.type, payloadPlace(pair, 'body', subjects));
  } else if (base.body.kind !== revision.body.kind) {
    report('type-changed', `changes from ${base.body.kind === 'json' ? 'JSON' : 'bytes'} to ${revision.body.kind === 'json' ? 'JSON' : 'bytes'}`);
  }
}

/** The success response, its status and media types, and the documented error statuses. */
export function compareResults(values: ValueDiff, pair: OperationPair): void {
  const context = values.context;
  const { base, revision } = pair;
  const subjects = payloadSubjects(revision, 'result');
  const responses = appendPointer(revision.pointer, 'responses');
  const report = (rule: RuleId, message: string, pointer = responses, subject = `${revision.id} result`): void =>
    context.report(rule, { subject, message, at: { side: 'revision', pointer }, subjects, direction: 'response' });
  const before = base.result;
  const after = revision.result;
  const where = appendPointer(responses, after.status);
  if (before.status !== '' && after.status !== '' && before.status !== after.status) {
    report('success-status-changed', `'${revision.id}' answers ${after.status} instead of ${before.status}`, where);
  }
  if (before.kind === 'json' && after.kind === 'empty') report('response-body-removed', `'${revision.id}' no longer returns a body`, where);
  else if (before.kind === 'empty' && after.kind === 'json') report('response-body-added', `'${revision.id}' now returns a body`, where);
  else if (before.kind !== after.kind && before.kind !== 'stream' && after.kind !== 'stream') {
    report('type-changed', `the response of '${revision.id}' changes from ${describe(before)} to ${describe(after)}`, where);
  }
  if ('mediaTypes' in before && 'mediaTypes' in after && before.kind === after.kind) {
    const lost = before.mediaTypes.filter((mediaType) => !after.mediaTypes.includes(mediaType));
    if (lost.length > 0) report('response-media-type-removed', `'${revision.id}' no longer answers with ${lost.join(', ')}`, where);
  }
  const place = payloadPlace(pair, 'result', subjects);
  if (before.kind === 'json' && after.kind === 'json') values.value(before.type, after.type, place);
  if (before.kind === 'stream' && after.kind === 'stream') values.value(before.item, after.item, { ...place, label: `the stream items of '${revision.id}'` });

  for (const status of revision.errorStatuses.filter((entry) => !base.errorStatuses.includes(entry))) {
    report('error-status-added', `'${revision.id}' may now answer ${status}`, appendPointer(responses, status), `${revision.id} ${status}`);
  }
  for (const status of base.errorStatuses.filter((entry) => !revision.errorStatuses.includes(entry))) {
    context.report('error-status-removed', {
      subject: `${revision.id} ${status}`,
      message: `'${revision.id}' no longer documents ${status}`,
      at: { side: 'base', pointer: appendPointer(base.pointer, 'responses', status) },
      subjects,
      direction: 'response',
    });
  }
}

function payloadPlace(pair: OperationPair, which: 'body' | 'result', subjects: Place['subjects']): Place {
  const { base, revision } = pair;
  const pointer = (operation: Operation): string => {
    if (which === 'body') return appendPointer(operation.pointer, 'requestBody');
    return appendPointer(operation.pointer, 'responses', operation.result.status);
  };
  return {
    subject: `${revision.id} ${which}`,
    label: which === 'body' ? `the request body of '${revision.id}'` : `the response of '${revision.id}'`,
    basePointer: pointer(base),
    revisionPointer: pointer(revision),
    direction: which === 'body' ? 'request' : 'response',
    subjects,
  };
}

function describe(result: Result): string {
  return { json: 'JSON', binary: 'bytes', stream: 'a stream', empty: 'no body' }[result.kind];
}
