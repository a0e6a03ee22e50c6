import type { ChosenName, ChosenNames } from './chosen-names.ts';
import { diagnostic, type Diagnostic, type Location } from './diagnostics.ts';
import { numberedEnumValue, numberedField, type Numbered, type ProtoFile, type Reserved } from './emit/proto/ast.ts';
import { appendPointer } from './pointer.ts';
import { positionOf, type SourceFile } from './source.ts';

/** The numbers of one message or enum: current names, and numbers (with names) that must not return. */
export interface LockEntry {
  numbers: Record<string, number>;
  /** Keyed by number; the name is null when only the number is reserved. */
  reserved: Record<string, string | null>;
}

/** The committed lock file beside a contract: every proto field and enum number ever handed out. */
export interface NumberLock {
  messages: Record<string, LockEntry>;
  enums: Record<string, LockEntry>;
  /** The GraphQL and proto names chosen where the derived ones clashed (see chosen-names.ts). */
  names?: ChosenNames;
}

export const lockFileName = 'proto.lock.json';

const fieldRange = { min: 1, max: 536_870_911 };
const enumRange = { min: 1, max: 2_147_483_647 };
const isImplementationReserved = (number: number): boolean => number >= 19_000 && number <= 19_999;

/** The field number after `previous` when numbering in order: 19000-19999 are protobuf's own. */
export function nextFieldNumber(previous: number): number {
  const next = previous + 1;
  return isImplementationReserved(next) ? 20_000 : next;
}

/** Reads a lock file's value into a lock, reporting shape problems and numbers used twice. */
export function readLock(source: SourceFile | undefined): { lock: NumberLock; diagnostics: Diagnostic[] } {
  const empty: NumberLock = { messages: {}, enums: {} };
  if (!source) return { lock: empty, diagnostics: [] };
  const diagnostics: Diagnostic[] = [];
  const at = (pointer: string): Location => ({ file: source.path, ...positionOf(source, pointer), pointer });
  const value = source.value as Partial<Record<'messages' | 'enums', unknown>> | null;
  const lock: NumberLock = { messages: {}, enums: {} };
  if (value === null || typeof value !== 'object') {
    diagnostics.push(diagnostic('lock-invalid', 'the lock file is not an object with `messages` and `enums`', at('')));
    return { lock, diagnostics };
  }
  for (const section of ['messages', 'enums'] as const) {
    const entries = value[section] ?? {};
    if (entries === null || typeof entries !== 'object') {
      diagnostics.push(diagnostic('lock-invalid', `\`${section}\` must be an object`, at(`/${section}`)));
      continue;
    }
    for (const [name, raw] of Object.entries(entries as Record<string, unknown>)) {
      const pointer = appendPointer(`/${section}`, name);
      const entry = readEntry(raw, pointer, at, diagnostics);
      if (entry) lock[section][name] = entry;
    }
  }
  const names = readNames(value as { names?: unknown }, at, diagnostics);
  if (names !== undefined) lock.names = names;
  return { lock, diagnostics };
}

function readNames(value: { names?: unknown }, at: (pointer: string) => Location, diagnostics: Diagnostic[]): ChosenNames | undefined {
  if (value.names === undefined) return undefined;
  const isMap = (candidate: unknown): candidate is Record<string, unknown> => candidate !== null && typeof candidate === 'object' && !Array.isArray(candidate);
  const shape = '`names` maps an owner to `{json name: {"graphql": name, "proto": name}}`';
  if (!isMap(value.names)) {
    diagnostics.push(diagnostic('lock-invalid', shape, at('/names')));
    return undefined;
  }
  const names: ChosenNames = Object.create(null) as ChosenNames;
  for (const [owner, entries] of Object.entries(value.names)) {
    if (!isMap(entries)) {
      diagnostics.push(diagnostic('lock-invalid', shape, at(appendPointer('/names', owner))));
      continue;
    }
    const chosen = Object.create(null) as Record<string, ChosenName>;
    for (const [name, entry] of Object.entries(entries)) {
      const valid = isMap(entry) && Object.entries(entry).every(([key, spelled]) => (key === 'graphql' || key === 'proto') && typeof spelled === 'string' && spelled !== '');
      if (!valid) {
        diagnostics.push(diagnostic('lock-invalid', shape, at(appendPointer('/names', owner, name))));
        continue;
      }
      chosen[name] = entry as ChosenName;
    }
    names[owner] = chosen;
  }
  return names;
}

function readEntry(raw: unknown, pointer: string, at: (pointer: string) => Location, diagnostics: Diagnostic[]): LockEntry | undefined {
  const record = raw as { numbers?: unknown; reserved?: unknown } | null;
  const numbers = record?.numbers ?? {};
  const reserved = record?.reserved ?? {};
  const isMap = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
  if (!isMap(record) || !isMap(numbers) || !isMap(reserved)) {
    diagnostics.push(diagnostic('lock-invalid', 'an entry must be `{ "numbers": {name: number}, "reserved": {number: name|null} }`', at(pointer)));
    return undefined;
  }
  const entry: LockEntry = { numbers: Object.create(null) as Record<string, number>, reserved: {} };
  const owner = new Map<number, string>();
  for (const [name, number] of Object.entries(numbers)) {
    const where = (): Location => at(appendPointer(pointer, 'numbers', name));
    if (!Number.isInteger(number) || (number as number) < 1) {
      diagnostics.push(diagnostic('lock-invalid', `the number of '${name}' must be a positive integer`, where()));
      continue;
    }
    const previous = owner.get(number as number);
    if (previous !== undefined) {
      diagnostics.push(diagnostic('lock-collision', `number ${String(number)} is locked to both '${previous}' and '${name}'`, where()));
      continue;
    }
    owner.set(number as number, name);
    entry.numbers[name] = number as number;
  }
  for (const [key, name] of Object.entries(reserved)) {
    const where = (): Location => at(appendPointer(pointer, 'reserved', key));
    const number = Number(key);
    if (!Number.isInteger(number) || number < 1 || (name !== null && typeof name !== 'string')) {
      diagnostics.push(diagnostic('lock-invalid', 'a reservation maps a number to the removed name (or null)', where()));
      continue;
    }
    const holder = owner.get(number);
    if (holder !== undefined) {
      diagnostics.push(diagnostic('lock-collision', `number ${number} is locked to '${holder}' and also reserved`, where()));
      continue;
    }
    entry.reserved[key] = name;
  }
  return entry;
}

/**
 * Gives every field and enum value of a proto file its number, and returns the updated lock. A
 * field or value whose number does not change is kept as it is, not copied.
 * Rules: an explicit `x-proto-number` wins; a locked name keeps its number; a new name takes the
 * next number above everything ever used; a name that disappears leaves its number and name
 * reserved, and gets that number back when it returns. Numbers never move and are never reused
 * by another name.
 */
export function applyLock(
  file: ProtoFile,
  lock: NumberLock,
  locate: (pointer: string) => Location,
): { file: ProtoFile; lock: NumberLock; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const next: NumberLock = { messages: {}, enums: {} };
  const messages = file.messages.map((message) => {
    const items = [...message.fields, ...message.oneofs.flatMap((oneof) => oneof.fields)];
    const result = assign(message.name, items, lock.messages[message.name], fieldRange, locate, diagnostics);
    next.messages[message.name] = result.entry;
    reportReserved(message.name, lock.messages[message.name], result.entry, () => locate(message.pointer ?? ''), diagnostics);
    const number = (field: Numbered): number => result.numberOf(field.name) ?? 0;
    return {
      ...message,
      reserved: result.reserved,
      fields: message.fields.map((field) => numberedField(field, number(field))),
      oneofs: message.oneofs.map((oneof) => ({ ...oneof, fields: oneof.fields.map((field) => numberedField(field, number(field))) })),
    };
  });
  const enums = file.enums.map((protoEnum) => {
    const [zero, ...values] = protoEnum.values;
    const result = assign(protoEnum.name, values, lock.enums[protoEnum.name], enumRange, locate, diagnostics);
    next.enums[protoEnum.name] = result.entry;
    reportReserved(protoEnum.name, lock.enums[protoEnum.name], result.entry, () => locate(protoEnum.pointer ?? ''), diagnostics);
    return {
      ...protoEnum,
      reserved: result.reserved,
      values: [...(zero ? [zero] : []), ...values.map((value) => numberedEnumValue(value, result.numberOf(value.name) ?? 0))],
    };
  });
  // A message or enum that left the contract keeps its numbers, all reserved, so a later return
  // of the name cannot reuse them.
  for (const section of ['messages', 'enums'] as const) {
    for (const [name, entry] of Object.entries(lock[section])) {
      if (next[section][name] !== undefined) continue;
      next[section][name] = retire(entry);
      reportReserved(name, entry, next[section][name], () => locate(''), diagnostics, true);
    }
  }
  return { file: { ...file, messages, enums }, lock: sortLock(next), diagnostics };
}

/**
 * Says which names this run takes out of the lock's numbers into its reservations: on purpose
 * (a removed property) or not (a property hidden by a mistake above it), they are reserved from now on.
 */
function reportReserved(owner: string, before: LockEntry | undefined, after: LockEntry, location: () => Location, diagnostics: Diagnostic[], retired = false): void {
  if (before === undefined) return;
  const gone = Object.entries(before.numbers).filter(([name, number]) => after.reserved[String(number)] === name);
  if (gone.length === 0) return;
  const names = gone.map(([name, number]) => `'${name}' (${number})`).join(', ');
  const what = retired ? `${owner} left the contract` : `${gone.length === 1 ? 'one name' : `${gone.length} names`} left ${owner}`;
  diagnostics.push(diagnostic(retired ? 'lock-numbers-retired' : 'lock-numbers-reserved', `${what}; the lock now reserves ${names}`, location()));
}

function retire(entry: LockEntry): LockEntry {
  const reserved = new Map<number, string | null>(Object.entries(entry.reserved).map(([key, name]) => [Number(key), name]));
  for (const [name, number] of Object.entries(entry.numbers)) reserved.set(number, name);
  const numbers = [...reserved.keys()].sort((a, b) => a - b);
  return { numbers: {}, reserved: Object.fromEntries(numbers.map((number) => [String(number), reserved.get(number) ?? null])) };
}

function assign(
  owner: string,
  items: Numbered[],
  previous: LockEntry | undefined,
  range: { min: number; max: number },
  locate: (pointer: string) => Location,
  diagnostics: Diagnostic[],
): NumberedItems {
  // Nothing locked and nothing explicit (a first run): numbers follow the order of the items.
  if (previous === undefined && items.every((item) => item.explicitNumber === undefined)) return numberInOrder(items, range);
  // Nothing changed (the usual case for most messages of a run): every item holds its locked
  // number, no other name is locked, no reservation names an item, and nothing is explicit.
  if (previous !== undefined && unchanged(items, previous)) return keptAsLocked(previous);
  const locked = previous?.numbers ?? {};
  const reserved = new Map<number, string | null>(Object.entries(previous?.reserved ?? {}).map(([key, name]) => [Number(key), name]));
  const lockedOwner = new Map<number, string>(Object.entries(locked).map(([name, number]) => [number, name]));
  const numbers = new Map<string, number>();
  const taken = new Map<number, string>();
  const isField = range === fieldRange;
  const where = (item: Numbered): Location => locate(item.pointer ?? '');
  const present = new Set(items.map((item) => item.name));
  // Numbers pinned by a renamed field: the name that held them left with this change.
  const rebound = new Set<number>();

  for (const item of items) {
    const number = item.explicitNumber;
    if (number === undefined) continue;
    if (number < range.min || number > range.max || (isField && isImplementationReserved(number))) {
      diagnostics.push(diagnostic('proto-number-invalid', `${owner}.${item.name}: ${number} is not a usable number`, where(item)));
      continue;
    }
    const holder = lockedOwner.get(number);
    if (holder !== undefined && holder !== item.name && !present.has(holder) && !taken.has(number)) {
      // Renamed with its number pinned: the field it was, under a new name.
      rebound.add(number);
      numbers.set(item.name, number);
      taken.set(number, item.name);
      diagnostics.push(diagnostic('proto-number-rebound', `${owner}.${item.name} takes number ${number} from '${holder}', which left ${owner}`, where(item)));
      continue;
    }
    const clash = taken.get(number) ?? (holder !== item.name ? holder : undefined);
    const wasReserved = reserved.has(number) && reserved.get(number) !== item.name;
    if (clash !== undefined || wasReserved) {
      const holder = clash !== undefined ? `'${clash}'` : `removed field '${reserved.get(number) ?? '?'}' (reserved)`;
      diagnostics.push(diagnostic('proto-number-collision', `${owner}.${item.name}: number ${number} is held by ${holder}`, where(item)));
      continue;
    }
    numbers.set(item.name, number);
    taken.set(number, item.name);
  }
  for (const item of items) {
    const number = locked[item.name];
    if (numbers.has(item.name) || item.explicitNumber !== undefined || number === undefined || taken.has(number)) continue;
    numbers.set(item.name, number);
    taken.set(number, item.name);
  }
  // New names go above every number the lock has ever handed out (taken before a returning name
  // leaves the reservations), skipping explicit ones.
  let high = Math.max(range.min - 1, ...Object.values(locked), ...reserved.keys());
  // A name the lock reserved comes back under its old number: the field it was, not a new one.
  const reservedNumberOf = new Map<string, number>();
  for (const [number, name] of reserved) if (name !== null && !taken.has(number) && !reservedNumberOf.has(name)) reservedNumberOf.set(name, number);
  for (const item of items) {
    const number = reservedNumberOf.get(item.name);
    if (numbers.has(item.name) || item.explicitNumber !== undefined || number === undefined) continue;
    numbers.set(item.name, number);
    taken.set(number, item.name);
    reserved.delete(number);
  }
  for (const item of items) {
    if (numbers.has(item.name) || item.explicitNumber !== undefined) continue;
    do {
      high += 1;
      if (isField && isImplementationReserved(high)) high = 20_000;
    } while (taken.has(high));
    numbers.set(item.name, high);
    taken.set(high, item.name);
  }

  for (const [name, number] of Object.entries(locked)) {
    if (taken.get(number) === name || rebound.has(number)) continue;
    // Gone from the contract: reserve number and name. Renumbered by an explicit number: the old
    // number only, since the name is still in use.
    reserved.set(number, present.has(name) ? null : name);
  }
  for (const [number, name] of reserved) {
    if (name !== null && present.has(name)) reserved.set(number, null);
  }
  const reservedNumbers = [...reserved.keys()].sort((a, b) => a - b);
  const entry: LockEntry = {
    numbers: Object.fromEntries([...numbers].sort((a, b) => a[1] - b[1])),
    reserved: Object.fromEntries(reservedNumbers.map((number) => [String(number), reserved.get(number) ?? null])),
  };
  const names = reservedNumbers.map((number) => reserved.get(number)).filter((name): name is string => typeof name === 'string');
  return { numberOf: (name) => numbers.get(name), entry, reserved: { numbers: reservedNumbers, names } };
}

function unchanged(items: readonly Numbered[], previous: LockEntry): boolean {
  const names = new Set<string>();
  for (const item of items) {
    if (item.explicitNumber !== undefined || previous.numbers[item.name] === undefined) return false;
    names.add(item.name);
  }
  if (names.size !== items.length || names.size !== Object.keys(previous.numbers).length) return false;
  return Object.values(previous.reserved).every((name) => name === null || !names.has(name));
}

function keptAsLocked(previous: LockEntry): NumberedItems {
  const numbers = Object.keys(previous.reserved).map(Number).sort((a, b) => a - b);
  const names = numbers.map((number) => previous.reserved[String(number)]).filter((name): name is string => typeof name === 'string');
  // The entry as the general path writes it: numbers in number order, reservations in order
  // (which their keys, being numbers, always are). An entry already in that order is kept as it
  // is, so that the diff sees at once that nothing moved.
  const entry: LockEntry = inNumberOrder(previous.numbers)
    ? previous
    : {
        numbers: Object.fromEntries(Object.entries(previous.numbers).sort((a, b) => a[1] - b[1])),
        reserved: Object.fromEntries(numbers.map((number) => [String(number), previous.reserved[String(number)] ?? null])),
      };
  return { numberOf: (name) => previous.numbers[name], entry, reserved: { numbers, names } };
}

function inNumberOrder(numbers: Readonly<Record<string, number>>): boolean {
  let last = -Infinity;
  for (const name in numbers) {
    const number = numbers[name] as number;
    if (!(number > last)) return false;
    last = number;
  }
  return true;
}

/** The number of each name, the lock entry that records them, and what stays reserved. */
interface NumberedItems {
  numberOf: (name: string) => number | undefined;
  entry: LockEntry;
  reserved: Reserved;
}

function numberInOrder(items: readonly Numbered[], range: { min: number; max: number }): NumberedItems {
  // No prototype, so that a field called `__proto__` or `constructor` is an entry like any other.
  const numbers = Object.create(null) as Record<string, number>;
  let high = range.min - 1;
  for (const item of items) {
    if (numbers[item.name] !== undefined) continue;
    high = range === fieldRange ? nextFieldNumber(high) : high + 1;
    numbers[item.name] = high;
  }
  return { numberOf: (name) => numbers[name], entry: { numbers, reserved: {} }, reserved: { numbers: [], names: [] } };
}

function sortLock(lock: NumberLock): NumberLock {
  const sorted = (entries: Record<string, LockEntry>): Record<string, LockEntry> => {
    const result: Record<string, LockEntry> = {};
    for (const name of Object.keys(entries).sort()) result[name] = entries[name] as LockEntry;
    return result;
  };
  return { messages: sorted(lock.messages), enums: sorted(lock.enums) };
}

/** The lock as committed: stable key order, two-space JSON, a trailing newline. */
export function writeLock(lock: NumberLock): string {
  return `${JSON.stringify(lock, null, 2)}\n`;
}
