import { describe, expect, it } from 'vitest';
import type { EnumType, NamedType, ObjectType, TypeRef, UnionType } from '../../src/compiler/ir.ts';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as TypeScript from 'typescript';
import { checkProbes, probeFailures, probeThreadRunning, startProbeCheck, startProbeThread } from '../../src/breaking/typescript/check.ts';
import { ProbeWriter, type Member } from '../../src/breaking/typescript/probes.ts';

const documented = { deprecated: false, pointer: '' };
const scalar = (name: 'string' | 'int32' | 'int64' | 'double'): TypeRef => ({ kind: 'scalar', scalar: name });
const named = (name: string): TypeRef => ({ kind: 'named', name });
const member = (type: TypeRef, optional = false, nullable = false): Member => ({ name: 'count', type, optional, nullable });
const field = (name: string, type: TypeRef, required = true): ObjectType['fields'][number] => ({ ...documented, name, type, required, nullable: false, readOnly: false, writeOnly: false, sensitive: false });
const object = (name: string, fields: ObjectType['fields']): ObjectType => ({ ...documented, kind: 'object', name, fields });
const enumOf = (name: string, values: string[]): EnumType => ({ ...documented, kind: 'enum', name, values: values.map((value) => ({ value })) });
const union = (name: string, discriminator: string, variants: Array<[string, string]>): UnionType => ({ ...documented, kind: 'union', name, discriminator, variants: variants.map(([tag, type]) => ({ tag, type })) });

function writer(base: NamedType[] = [], revision: NamedType[] = []): ProbeWriter {
  return new ProbeWriter({ base: new Map(base.map((type) => [type.name, type])), revision: new Map(revision.map((type) => [type.name, type])) });
}

/** Checks probes written by `write` in one program; true where each compiles. */
function compiles(probes: ProbeWriter, ...codes: string[]): boolean[] {
  const failures = checkProbes(probes.prelude(), codes);
  return codes.map((_, index) => !failures.has(index));
}

describe('TypeScript probes: what the compiler says about code written for the base', () => {
  it('finds structurally equal types compatible: int32 to int64 and integer to number are all `number`', () => {
    const probes = writer();
    expect(
      compiles(
        probes,
        probes.member('request', member(scalar('int32')), member(scalar('int64'))),
        probes.member('response', member(scalar('int32')), member(scalar('int64'))),
        probes.member('response', member(scalar('int64')), member(scalar('double'))),
      ),
    ).toEqual([true, true, true]);
  });

  it('catches real narrowing and widening, by direction', () => {
    const probes = writer();
    expect(
      compiles(
        probes,
        // Response: optional, nullable or another type is what readers cannot take.
        probes.member('response', member(scalar('string')), member(scalar('string'), true)),
        probes.member('response', member(scalar('string')), member(scalar('string'), false, true)),
        probes.member('response', member(scalar('string'), true), member(scalar('string'))),
        // Request: a value built as before must still fit.
        probes.member('request', member(scalar('string'), true), member(scalar('string'))),
        probes.member('request', member(scalar('string')), member(scalar('string'), true)),
        probes.member('request', member(scalar('string'), false, true), member(scalar('string'))),
        probes.member('request', member(scalar('int32')), member(scalar('string'))),
      ),
    ).toEqual([false, false, true, false, true, false, false]);
  });

  it('catches a property gone from what clients read (access) and from what they send (object literals)', () => {
    const probes = writer();
    expect(
      compiles(
        probes,
        probes.member('response', member(scalar('string'), true), undefined),
        probes.member('request', member(scalar('string'), true), undefined),
        probes.member('response', undefined, member(scalar('string'))),
        probes.member('request', undefined, member(scalar('string'), true)),
        probes.member('request', undefined, member(scalar('string'))),
      ),
    ).toEqual([false, false, true, true, false]);
  });

  it('judges enum values and union tags the base had and the revision lacks', () => {
    const before = enumOf('Status', ['active', 'deleted']);
    const after = enumOf('Status', ['active']);
    const shapes = union('Shape', 'kind', [['circle', 'Circle'], ['square', 'Square']]);
    const retagged = union('Shape', 'kind', [['round', 'Circle'], ['square', 'Square']]);
    const probes = writer([before, shapes], [after, retagged]);
    expect(
      compiles(
        probes,
        probes.enumValue('request', 'deleted', after),
        probes.enumValue('response', 'deleted', after),
        probes.enumValue('response', 'active', after),
        probes.variant('request', shapes, 'circle', retagged),
        probes.variant('response', shapes, 'circle', retagged),
        probes.variant('response', shapes, 'square', retagged),
      ),
    ).toEqual([false, false, true, false, false, true]);
  });

  it('makes a named type opaque inside a compared value, so a change inside it is judged where it is', () => {
    const base = [object('Dimensions', [field('width', scalar('int32'))])];
    const revision = [object('Dimensions', [field('width', scalar('string'))])];
    const probes = writer(base, revision);
    expect(compiles(probes, probes.member('response', member(named('Dimensions')), member(named('Dimensions'))))).toEqual([true]);
  });

  it('compares a renamed schema whole: the same shape is compatible, another is not', () => {
    const base = [object('ItemDimensions', [field('width', scalar('double')), field('unit', named('Unit'), false)]), enumOf('Unit', ['cm', 'in'])];
    const same = [object('Dimensions', [field('width', scalar('double')), field('unit', named('Unit'), false)]), enumOf('Unit', ['cm', 'in'])];
    const narrower = [object('Dimensions', [field('width', scalar('double')), field('unit', named('Unit'), false)]), enumOf('Unit', ['cm'])];
    const equal = writer(base, same);
    expect(compiles(equal, equal.renamed('response', 'ItemDimensions', 'Dimensions'), equal.renamed('request', 'ItemDimensions', 'Dimensions'))).toEqual([true, true]);
    const changed = writer(base, narrower);
    expect(compiles(changed, changed.renamed('response', 'ItemDimensions', 'Dimensions'), changed.renamed('request', 'ItemDimensions', 'Dimensions'))).toEqual([true, false]);
  });

  it('reports the compiler\'s message for each failing probe, by its index in the batch', () => {
    const probes = writer();
    const failures = checkProbes(probes.prelude(), [probes.member('response', member(scalar('string')), member(scalar('string'), true)), probes.member('request', member(scalar('int32')), member(scalar('int64')))]);
    expect([...failures.keys()]).toEqual([0]);
    expect(failures.get(0)).toMatch(/not assignable to type '\{ count: string; \}'/);
  });
});

describe('the checker thread (started by the gate, so the compiler loads while contracts compile)', () => {
  it('answers each check as this thread does, and passes on why a check cannot run', () => {
    const ts = createRequire(import.meta.url)('typescript') as typeof TypeScript;
    const probes = writer();
    const codes = [
      probes.member('response', member(scalar('string')), member(scalar('string'), true)),
      probes.member('request', member(scalar('int32')), member(scalar('int64'))),
      probes.member('response', member(scalar('string')), undefined),
    ];
    const here = probeFailures(ts, probes.prelude(), codes);
    expect([...here.keys()]).toEqual([0, 2]);
    expect(probeThreadRunning()).toBe(false);
    startProbeThread();
    expect(probeThreadRunning()).toBe(true);
    expect(checkProbes(probes.prelude(), codes)).toEqual(here);
    // A second check on the same thread, and one that cannot run.
    expect(checkProbes(probes.prelude(), codes.slice(1))).toEqual(new Map([[1, here.get(2)]]));
    expect(() => checkProbes('type Broken = ;', codes)).toThrow(/declarations do not compile/);
    // Two checks posted before either answer is awaited (the diff places its findings
    // meanwhile): each answer is its own, whichever is awaited first.
    const first = startProbeCheck(probes.prelude(), codes);
    const second = startProbeCheck(probes.prelude(), codes.slice(2));
    expect(second()).toEqual(new Map([[0, here.get(2)]]));
    expect(first()).toEqual(here);
    // The thread answered every time: one that gives no answer is let go, and the check runs here.
    expect(probeThreadRunning()).toBe(true);
  });

  it('checks in this thread where no thread may be started (Node\'s permission model without --allow-worker)', () => {
    const folder = mkdtempSync(join(tmpdir(), 'trident-probes-'));
    try {
      const script = join(folder, 'check.mts');
      const module = new URL('../../src/breaking/typescript/check.ts', import.meta.url).pathname;
      writeFileSync(script, [
        `import { checkProbes, probeThreadRunning, startProbeThread } from ${JSON.stringify(module)};`,
        'startProbeThread();',
        "const failures = checkProbes('interface A { x: string }', ['const a: A = { x: 1 };', 'const b: A = { x: \"y\" };']);",
        'console.log(JSON.stringify({ thread: probeThreadRunning(), failures: [...failures.keys()] }));',
      ].join('\n'));
      const child = spawnSync(process.execPath, ['--permission', '--allow-fs-read=*', script], { encoding: 'utf8', timeout: 60_000 });
      expect(child.stderr).not.toMatch(/Error/);
      expect(JSON.parse(child.stdout)).toEqual({ thread: false, failures: [0] });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
