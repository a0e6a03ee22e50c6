import { describe, expect, it } from 'vitest';
import type { ProtoFile } from '../../src/compiler/emit/proto/ast.ts';
import { applyLock, readLock, writeLock, type NumberLock } from '../../src/compiler/lock.ts';
import { parseSource } from '../../src/compiler/source.ts';

const locate = (pointer: string) => ({ file: 'openapi.yaml', line: 1, col: 1, pointer });

// A proto file with one message whose fields are `names` (an explicit number as `name=7`).
function file(names: string[], enumValues: string[] = []): ProtoFile {
  return {
    path: 'x.proto',
    package: 'trident.x.v1',
    imports: [],
    services: [],
    messages: [{
      name: 'Study',
      deprecated: false,
      oneofs: [],
      reserved: { numbers: [], names: [] },
      fields: names.map((entry) => {
        const [name = '', explicit] = entry.split('=');
        return { name, type: 'string', number: 0, deprecated: false, pointer: `/${name}`, ...(explicit ? { explicitNumber: Number(explicit) } : {}) };
      }),
    }],
    enums: enumValues.length === 0 ? [] : [{
      name: 'Status',
      deprecated: false,
      reserved: { numbers: [], names: [] },
      values: [{ name: 'STATUS_UNSPECIFIED', number: 0 }, ...enumValues.map((name) => ({ name, number: 0 }))],
    }],
  };
}

const numbersOf = (result: ReturnType<typeof applyLock>): Record<string, number> =>
  Object.fromEntries(result.file.messages[0]?.fields.map((field) => [field.name, field.number]) ?? []);

// Runs the revisions one after another, each against the lock the previous one wrote.
function evolve(...revisions: string[][]): ReturnType<typeof applyLock> {
  let lock: NumberLock = { messages: {}, enums: {} };
  let result: ReturnType<typeof applyLock> | undefined;
  for (const names of revisions) {
    result = applyLock(file(names), lock, locate);
    lock = result.lock;
  }
  if (!result) throw new Error('no revision');
  return result;
}

describe('proto number lock', () => {
  const cases: Array<{ name: string; revisions: string[][]; numbers: Record<string, number>; reserved?: { numbers: number[]; names: string[] } }> = [
    { name: 'first revision numbers in contract order', revisions: [['id', 'name', 'status']], numbers: { id: 1, name: 2, status: 3 } },
    { name: 'an added property takes the next free number', revisions: [['id', 'name'], ['id', 'name', 'added']], numbers: { id: 1, name: 2, added: 3 } },
    { name: 'a property added first still takes the next number', revisions: [['id', 'name'], ['added', 'id', 'name']], numbers: { added: 3, id: 1, name: 2 } },
    {
      name: 'a removed property leaves its number and name reserved',
      revisions: [['id', 'name', 'status'], ['id', 'status']],
      numbers: { id: 1, status: 3 },
      reserved: { numbers: [2], names: ['name'] },
    },
    { name: 'reordering changes nothing', revisions: [['id', 'name', 'status'], ['status', 'id', 'name']], numbers: { status: 3, id: 1, name: 2 } },
    {
      name: 'a reserved number is never reused',
      revisions: [['id', 'name'], ['id'], ['id', 'other']],
      numbers: { id: 1, other: 3 },
      reserved: { numbers: [2], names: ['name'] },
    },
    {
      name: 'a returning name gets its old number back',
      revisions: [['id', 'name'], ['id'], ['id', 'name']],
      numbers: { id: 1, name: 2 },
    },
    {
      name: 'returning names get their numbers back in any order, beside new ones',
      revisions: [['id', 'a', 'b', 'c'], ['id'], ['c', 'added', 'id', 'a']],
      numbers: { c: 4, added: 5, id: 1, a: 2 },
      reserved: { numbers: [3], names: ['b'] },
    },
    { name: 'an explicit number wins', revisions: [['id', 'name=20']], numbers: { id: 1, name: 20 } },
    {
      name: 'an explicit number moves a locked field and reserves its old number',
      revisions: [['id', 'name'], ['id', 'name=20']],
      numbers: { id: 1, name: 20 },
      reserved: { numbers: [2], names: [] },
    },
    { name: 'new fields go above an explicit number', revisions: [['id', 'name=20'], ['id', 'name=20', 'added']], numbers: { id: 1, name: 20, added: 21 } },
  ];
  for (const { name, revisions, numbers, reserved } of cases) {
    it(name, () => {
      const result = evolve(...revisions);
      expect(result.diagnostics.filter((entry) => !entry.code.startsWith('lock-numbers-'))).toEqual([]);
      expect(numbersOf(result)).toEqual(numbers);
      expect(result.file.messages[0]?.reserved).toEqual(reserved ?? { numbers: [], names: [] });
    });
  }

  it('names what a run newly reserves, once, in a warning at the message', () => {
    const removed = evolve(['id', 'name', 'status', 'size'], ['id', 'size']);
    expect(removed.diagnostics.map((entry) => [entry.code, entry.severity, entry.message])).toEqual([
      ['lock-numbers-reserved', 'warning', "2 names left Study; the lock now reserves 'name' (2), 'status' (3)"],
    ]);
    expect(applyLock(file(['id', 'size']), removed.lock, locate).diagnostics).toEqual([]);
    const emptied = applyLock({ ...file([]), messages: [] }, removed.lock, locate);
    expect(emptied.diagnostics.map((entry) => [entry.code, entry.message])).toEqual([['lock-numbers-retired', "Study left the contract; the lock now reserves 'id' (1), 'size' (4)"]]);
    const values = applyLock(file([], ['STATUS_B']), applyLock(file([], ['STATUS_A', 'STATUS_B']), { messages: {}, enums: {} }, locate).lock, locate);
    expect(values.diagnostics.map((entry) => entry.message)).toEqual(["one name left Status; the lock now reserves 'STATUS_A' (1)"]);
  });

  it('skips the range 19000-19999 that protobuf keeps for itself', () => {
    const lock: NumberLock = { messages: { Study: { numbers: { id: 18_999 }, reserved: {} } }, enums: {} };
    const result = applyLock(file(['id', 'added']), lock, locate);
    expect(numbersOf(result)).toEqual({ id: 18_999, added: 20_000 });
  });

  it('numbers enum values from 1, keeping 0 for UNSPECIFIED, and reserves removed values', () => {
    const first = applyLock(file([], ['STATUS_A', 'STATUS_B', 'STATUS_C']), { messages: {}, enums: {} }, locate);
    const second = applyLock(file([], ['STATUS_C', 'STATUS_A']), first.lock, locate);
    expect(second.file.enums[0]?.values.map((value) => [value.name, value.number])).toEqual([
      ['STATUS_UNSPECIFIED', 0],
      ['STATUS_C', 3],
      ['STATUS_A', 1],
    ]);
    expect(second.file.enums[0]?.reserved).toEqual({ numbers: [2], names: ['STATUS_B'] });
  });

  const collisions: Array<{ name: string; lock?: NumberLock; names: string[]; message: string }> = [
    { name: 'two explicit numbers', names: ['a=5', 'b=5'], message: 'Study.b: number 5 is held by \'a\'' },
    {
      name: 'an explicit number locked to another field',
      lock: { messages: { Study: { numbers: { a: 1, b: 2 }, reserved: {} } }, enums: {} },
      names: ['a', 'b=1'],
      message: 'Study.b: number 1 is held by \'a\'',
    },
    {
      name: 'an explicit number that is reserved',
      lock: { messages: { Study: { numbers: { a: 1 }, reserved: { '2': 'gone' } } }, enums: {} },
      names: ['a', 'b=2'],
      message: "Study.b: number 2 is held by removed field 'gone' (reserved)",
    },
  ];
  for (const { name, lock, names, message } of collisions) {
    it(`reports a collision: ${name}`, () => {
      const result = applyLock(file(names), lock ?? { messages: {}, enums: {} }, locate);
      expect(result.diagnostics.map((entry) => [entry.code, entry.message])).toEqual([['proto-number-collision', message]]);
    });
  }

  it('a property renamed with its old number pinned takes that number; the old name is not reserved', () => {
    const renamed = evolve(['id', 'count', 'status'], ['id', 'total=2', 'status']);
    expect(numbersOf(renamed)).toEqual({ id: 1, total: 2, status: 3 });
    expect(renamed.file.messages[0]?.reserved).toEqual({ numbers: [], names: [] });
    expect(renamed.diagnostics.map((entry) => [entry.code, entry.severity, entry.message])).toEqual([['proto-number-rebound', 'info', "Study.total takes number 2 from 'count', which left Study"]]);
    expect(renamed.lock.messages.Study).toEqual({ numbers: { id: 1, total: 2, status: 3 }, reserved: {} });
    // The next run finds the number locked to the new name: nothing more to say.
    expect(applyLock(file(['id', 'total=2', 'status']), renamed.lock, locate).diagnostics).toEqual([]);
    // Pinning the number of a field that is still there stays a collision.
    const kept = applyLock(file(['id', 'count', 'total=2']), evolve(['id', 'count']).lock, locate);
    expect(kept.diagnostics.map((entry) => entry.code)).toEqual(['proto-number-collision']);
  });

  it('reports an explicit number in the reserved range', () => {
    const result = applyLock(file(['a=19500']), { messages: {}, enums: {} }, locate);
    expect(result.diagnostics.map((entry) => entry.code)).toEqual(['proto-number-invalid']);
  });

  it('keeps the numbers of fields named like properties of every object (__proto__, constructor) through the lock file', () => {
    const names = ['__proto__', 'constructor', 'toString', 'id'];
    const first = applyLock(file(names), { messages: {}, enums: {} }, locate);
    const text = writeLock(first.lock);
    expect(Object.entries(JSON.parse(text).messages.Study.numbers)).toEqual([['__proto__', 1], ['constructor', 2], ['toString', 3], ['id', 4]]);
    const { lock, diagnostics } = readLock(parseSource('proto.lock.json', text).file);
    expect(diagnostics).toEqual([]);
    const second = applyLock(file(['id', 'added', '__proto__', 'constructor', 'toString']), lock, locate);
    expect(second.file.messages[0]?.fields.map((field) => [field.name, field.number])).toEqual([['id', 4], ['added', 5], ['__proto__', 1], ['constructor', 2], ['toString', 3]]);
  });

  it('reports a lock file that gives one number to two fields, at its line', () => {
    const text = '{\n  "messages": {\n    "Study": {\n      "numbers": { "a": 1,\n        "b": 1 },\n      "reserved": { "1": "old" }\n    }\n  }\n}\n';
    const { file: source } = parseSource('proto.lock.json', text);
    const { diagnostics } = readLock(source);
    expect(diagnostics.map((entry) => [entry.code, entry.message, entry.line, entry.col])).toEqual([
      ['lock-collision', "number 1 is locked to both 'a' and 'b'", 5, 9],
      ['lock-collision', "number 1 is locked to 'a' and also reserved", 6, 21],
    ]);
  });
});

describe('proto number lock across removed messages', () => {
  it('keeps a removed message reserved; on its return its names get their numbers back and no other name reuses one', () => {
    const first = applyLock(file(['id', 'name']), { messages: {}, enums: {} }, locate);
    const emptied = applyLock({ ...file([]), messages: [] }, first.lock, locate);
    expect(emptied.lock.messages.Study).toEqual({ numbers: {}, reserved: { '1': 'id', '2': 'name' } });
    const back = applyLock(file(['id', 'other', 'name']), emptied.lock, locate);
    expect(numbersOf(back)).toEqual({ id: 1, other: 3, name: 2 });
    expect(back.file.messages[0]?.reserved).toEqual({ numbers: [], names: [] });
  });
});
