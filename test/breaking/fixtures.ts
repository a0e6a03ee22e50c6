import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeLock } from '../../src/compiler/lock.ts';
import { runGate, type ContractTree, type GateReport } from '../../src/breaking/gate.ts';
import { targets } from '../../src/breaking/model.ts';
import { isBroken, readSide, type BrokenSide, type ContractSide } from '../../src/breaking/side.ts';

/**
 * The breaking-change fixtures: `test/fixtures-breaking/<case>/` holds `base.yaml` and
 * `revision.yaml` (either may be missing: a version added or removed), optionally the lock files
 * `base.lock.json` and `revision.lock.json` (by default the revision uses the lock the base
 * compiles to, as a committed lock would be), and the expected `findings.txt`.
 */
export const fixturesRoot = join(import.meta.dirname, '..', 'fixtures-breaking');

/** Set to re-record every case's `findings.txt` from the current gate. */
export const recording = process.env.TRIDENT_RECORD === '1';

/** Sunset dates in the fixtures are judged on this day. */
export const fixtureToday = '2026-06-01';

export const caseFiles = ['base.yaml', 'revision.yaml', 'base.lock.json', 'revision.lock.json', 'findings.txt'];

export function listCases(): string[] {
  return readdirSync(fixturesRoot, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

export function readCaseFile(name: string, file: string): string | undefined {
  const path = join(fixturesRoot, name, file);
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

// Many cases share their base; it is compiled once per text and lock. The cross-checks read the
// generated layers; the diff alone needs none of them, which keeps the fixtures quick.
const compiled = new Map<string, Promise<ContractSide | BrokenSide>>();
let emitLayers = true;

/** Whether the cases compile the generated layers too (the cross-checks need them). */
export function compileLayers(emit: boolean): void {
  emitLayers = emit;
}

function compile(path: 'base.yaml' | 'revision.yaml', text: string, lock: string | undefined): Promise<ContractSide | BrokenSide> {
  const key = `${String(emitLayers)}\n${path}\n${lock ?? ''}\n${text}`;
  let side = compiled.get(key);
  if (!side) {
    const files = new Map<string, string>([[path, text], ...(lock !== undefined ? [['proto.lock.json', lock] as const] : [])]);
    side = readSide(path, (file) => files.get(file), { name: 'fixture', version: 1 }, path === 'base.yaml' ? 'base' : 'revision', emitLayers ? {} : { outputs: [] });
    compiled.set(key, side);
  }
  return side;
}

/** The two sides of a case, compiled as `fixture v1`. */
export async function caseSides(name: string): Promise<{ base?: ContractSide | BrokenSide; revision?: ContractSide | BrokenSide }> {
  const baseText = readCaseFile(name, 'base.yaml');
  const revisionText = readCaseFile(name, 'revision.yaml');
  const base = baseText !== undefined ? await compile('base.yaml', baseText, readCaseFile(name, 'base.lock.json')) : undefined;
  const committedLock = base && !isBroken(base) ? writeLock(base.lock) : undefined;
  const revision = revisionText !== undefined ? await compile('revision.yaml', revisionText, readCaseFile(name, 'revision.lock.json') ?? committedLock) : undefined;
  return { ...(base ? { base } : {}), ...(revision ? { revision } : {}) };
}

/** Runs the gate on a case. */
export async function gateCase(name: string): Promise<GateReport> {
  const { base, revision } = await caseSides(name);
  const tree = (label: string, side: ContractSide | BrokenSide | undefined): ContractTree => ({
    label,
    contracts: new Map(side ? [['fixture/v1', side]] : []),
    changelogs: new Map(),
  });
  return runGate(tree('base', base), tree('revision', revision), fixtureToday);
}

/** `findings.txt`: each finding's place, rule, policy status and fingerprint, its message and verdicts. */
export function renderFindings(report: GateReport): string {
  const lines = report.problems.map((problem) => problem.text);
  for (const version of report.versions) {
    for (const finding of version.findings) {
      const { file, line, col } = finding.location;
      lines.push(`${file}:${line}:${col} ${finding.rule} ${finding.status} [${finding.fingerprint}]`);
      lines.push(`  ${finding.message}`);
      lines.push(`  ${targets.map((target) => `${target} ${finding.verdicts[target]}`).join(', ')}`);
      if (finding.typescript?.reason !== undefined) lines.push(`  tsc: ${finding.typescript.reason}`);
      if (finding.grpc) lines.push(`  gRPC: ${finding.grpc.reason}`);
      if (finding.note !== undefined) lines.push(`  note: ${finding.note}`);
    }
    for (const violation of version.violations) lines.push(`${violation.file}:${violation.line}:${violation.col} violation: ${violation.message}`);
  }
  return `${lines.length > 0 ? lines.join('\n') : 'no findings'}\n`;
}

export function recordFindings(name: string, text: string): void {
  writeFileSync(join(fixturesRoot, name, 'findings.txt'), text);
}
