import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runGate, type ContractTree, type GateReport } from '../../src/breaking/gate.ts';
import { isBroken, readSide, type BrokenSide, type ContractSide } from '../../src/breaking/side.ts';
import { writeLock } from '../../src/compiler/lock.ts';
import { fixturesRoot } from './fixtures.ts';

/** The contract every breaking-change fixture starts from, as `contracts/fixture/v<n>/openapi.yaml`. */
export const template = readFileSync(join(fixturesRoot, 'identical', 'base.yaml'), 'utf8');

export const withSunset = (text: string, date: string): string => text.replace('  version: 1.0.0\n', `  version: 1.0.0\n  x-sunset: '${date}'\n`);
export const withoutDelete = (text: string): string => text.replace(/ {4}delete:\n(?: {6}.*\n)+/, '');
export const renamedWeight = (text: string): string => text.replace('        weight:\n', '        mass:\n');
export const renumberedSize = (text: string): string => text.replace('        size:\n', '        size:\n          x-proto-number: 40\n');

async function side(version: number, text: string, lock?: string): Promise<ContractSide | BrokenSide> {
  const path = `contracts/fixture/v${version}/openapi.yaml`;
  const files = new Map<string, string>([[path, text], ...(lock !== undefined ? [[`contracts/fixture/v${version}/proto.lock.json`, lock] as const] : [])]);
  // The gate reads the IR and the lock; the generated layers are only for cross-checks.
  return readSide(path, (file) => files.get(file), { name: 'fixture', version }, 'base', { outputs: [] });
}

// A base as committed: with the lock it compiles to beside it, after the earlier texts it went
// through (each compiled against the lock the one before it wrote).
async function committed(version: number, text: string, history: readonly string[] = []): Promise<ContractSide | BrokenSide> {
  let lock: string | undefined;
  for (const earlier of [...history, text]) {
    const compiled = await side(version, earlier, lock);
    if (isBroken(compiled)) return compiled;
    lock = writeLock(compiled.lock);
  }
  return side(version, text, lock);
}

function tree(label: string, sides: Array<ContractSide | BrokenSide>, changelog?: string): ContractTree {
  return {
    label,
    contracts: new Map(sides.map((entry, index) => [`fixture/v${index + 1}`, entry])),
    changelogs: new Map(changelog !== undefined ? [['fixture/v1', { path: 'contracts/fixture/v1/CHANGELOG.yaml', text: changelog }]] : []),
  };
}

/**
 * Runs the gate on versions 1, 2, ... of the API `fixture`, given as contract texts for each side;
 * each revision compiles with the lock its base version committed. `history` lists the texts
 * version 1 went through before its base, so that its lock carries their reservations.
 */
export async function gate(baseTexts: string[], revisionTexts: string[], options: { changelog?: string; baseChangelog?: string; today?: string; history?: string[]; acceptRenumbering?: boolean } = {}): Promise<GateReport> {
  const base = await Promise.all(baseTexts.map((text, index) => committed(index + 1, text, index === 0 ? options.history : [])));
  const lockOf = (index: number): string | undefined => {
    const entry = base[index];
    return entry && !isBroken(entry) ? writeLock(entry.lock) : undefined;
  };
  const revision = await Promise.all(revisionTexts.map((text, index) => side(index + 1, text, lockOf(index))));
  return runGate(tree('base', base, options.baseChangelog), tree('revision', revision, options.changelog), options.today ?? '2026-06-01', { acceptRenumbering: options.acceptRenumbering === true });
}
