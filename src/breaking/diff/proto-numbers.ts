import type { Numbered } from '../../compiler/emit/proto/ast.ts';
import type { LockEntry } from '../../compiler/lock.ts';
import { appendPointer } from '../../compiler/pointer.ts';
import { positionOf } from '../../compiler/source.ts';
import type { DiffContext } from './context.ts';

/**
 * Compares the proto numbers of the base's lock with the numbers the revision compiles to. The
 * lock keeps them stable, so anything found here means the lock or an `x-proto-number` was
 * edited by hand: a renumbered field, a reserved number given out again, a reservation dropped.
 * A removed name that returns under its reserved number is no change on the wire.
 * (A renamed property that keeps its number is found with the properties.)
 */
export function compareProtoNumbers(context: DiffContext): void {
  // Where the revision's fields are is worked out for the first finding: most runs have none.
  let items: Map<string, string> | undefined;
  const fields = (): ReadonlyMap<string, string> => (items ??= numberedItems(context));
  for (const section of ['messages', 'enums'] as const) {
    const before = context.base.lock[section];
    const after = context.revision.lock[section];
    for (const [owner, entry] of Object.entries(before)) {
      const next = after[owner];
      if (next && next !== entry) compareEntry(context, section, owner, entry, next, fields);
    }
  }
}

function compareEntry(
  context: DiffContext,
  section: 'messages' | 'enums',
  owner: string,
  before: LockEntry,
  after: LockEntry,
  fields: () => ReadonlyMap<string, string>,
): void {
  const qualified = (name: string): string => (section === 'messages' ? `${owner}.${name}` : name);
  const at = (name: string): { side: 'revision'; pointer: string } => ({ side: 'revision', pointer: fields().get(`${owner}|${name}`) ?? '' });
  const reused = new Set<string>();
  for (const [name, number] of Object.entries(after.numbers)) {
    const previous = before.numbers[name];
    if (previous !== undefined && previous !== number) {
      context.report('proto-number-changed', { subject: qualified(name), message: `proto ${qualified(name)} moves from number ${previous} to ${number}`, at: at(name), subjects: { proto: qualified(name) } });
    }
    const reservedFor = before.reserved[String(number)];
    // A removed name that returns takes its own number back: the field it was, nothing reused.
    if (previous === undefined && reservedFor === name) {
      reused.add(String(number));
    } else if (previous === undefined && reservedFor !== undefined) {
      reused.add(String(number));
      const held = reservedFor === null ? 'a removed field' : `'${reservedFor}'`;
      context.report('proto-number-reused', { subject: qualified(name), message: `proto ${qualified(name)} takes number ${number}, reserved for ${held}`, at: at(name), subjects: { proto: qualified(name) } });
    }
  }
  for (const [number, name] of Object.entries(before.reserved)) {
    if (Object.hasOwn(after.reserved, number) || reused.has(number)) continue;
    const label = name === null ? `number ${number}` : `number ${number} ('${name}')`;
    // The reservation lives in the base's lock file, not in the contract.
    const pointer = appendPointer(`/${section}`, owner, 'reserved', number);
    const lock = context.base.lockSource;
    const revisionLock = context.revision.lockSource;
    const ownerPointer = appendPointer(`/${section}`, owner);
    context.report('proto-reservation-dropped', {
      subject: `${qualified(number)} reserved`,
      message: `the lock no longer reserves ${label} in ${owner}`,
      at: { side: 'base', pointer: '' },
      ...(lock ? { location: { side: 'base', file: lock.path, ...positionOf(lock, pointer), pointer } } : {}),
      ...(revisionLock ? { anchor: { side: 'revision', file: revisionLock.path, ...positionOf(revisionLock, ownerPointer), pointer: ownerPointer } } : {}),
      subjects: { proto: owner },
    });
  }
}

// The contract node of every numbered field and enum value of the revision's proto, by
// `Owner|name`, to point a finding at it.
function numberedItems(context: DiffContext): Map<string, string> {
  const items = new Map<string, string>();
  const add = (owner: string, item: Numbered, fallback: string | undefined): void => {
    items.set(`${owner}|${item.name}`, item.pointer ?? fallback ?? '');
  };
  for (const message of context.revision.proto.messages) {
    for (const field of message.fields) add(message.name, field, message.pointer);
    for (const oneof of message.oneofs) for (const field of oneof.fields) add(message.name, field, message.pointer);
  }
  for (const protoEnum of context.revision.proto.enums) for (const value of protoEnum.values) add(protoEnum.name, value, protoEnum.pointer);
  return items;
}
