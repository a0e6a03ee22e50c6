/**
 * The version of a client package, derived from the breaking-change gate between a git revision
 * (or folder) and the working tree: the base's `info.version`, bumped by what changed. A breaking
 * change inside the major version is refused unless CHANGELOG.yaml acknowledges it; additions and
 * acknowledged breaking changes bump the minor; anything else the patch.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { JudgedFinding } from '../../src/breaking/policy.ts';
import { breaking } from '../breaking.ts';
import { materialiseBase } from '../../src/breaking/base.ts';

export interface DerivedVersion {
  /** Undefined when the change is refused or could not be judged. */
  version?: string;
  /** Why, line by line. */
  explanation: string[];
}

/** `major.minor.patch` bumped at one place; pre-release and build parts are dropped. */
export function bumpVersion(version: string, part: 'minor' | 'patch'): string | undefined {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!match) return undefined;
  const [major, minor, patch] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return part === 'minor' ? `${major}.${minor + 1}.0` : `${major}.${minor}.${patch + 1}`;
}

/** Which bump the gate's findings call for, and the findings that decided it; `refused` lists what blocks. */
export function bumpFor(findings: readonly JudgedFinding[]): { part: 'minor' | 'patch'; deciding: JudgedFinding[]; refused: JudgedFinding[] } {
  const refused = findings.filter((finding) => finding.status === 'fail');
  const acknowledged = findings.filter((finding) => finding.status === 'acknowledged');
  const additions = findings.filter((finding) => /-added$/.test(finding.rule) && finding.severity !== 'breaking');
  const deciding = [...acknowledged, ...additions];
  return { part: deciding.length > 0 ? 'minor' : 'patch', deciding: deciding.length > 0 ? deciding : [...findings], refused };
}

export async function deriveVersion(options: { root: string; key: string; since: string; contracts: string; current: string }): Promise<DerivedVersion> {
  const { root, key, since, contracts } = options;
  const base = materialiseBase(root, since, contracts);
  if ('error' in base) return { explanation: [`cannot derive the version: ${base.error}`] };
  const isNew = { version: options.current, explanation: [`${key} is new since ${since}: its version is the contract's info.version, ${options.current}.`] };
  let baseVersion: string;
  let report: Awaited<ReturnType<typeof breaking>>['report'];
  try {
    const path = join(base.root, contracts, key, 'openapi.yaml');
    if (!existsSync(path)) return isNew;
    baseVersion = String((parseYaml(readFileSync(path, 'utf8')) as { info?: { version?: unknown } } | null)?.info?.version ?? '');
    // The gate reads the base already on disk rather than extracting the revision again.
    ({ report } = await breaking({ root, base: base.root, log: () => {} }));
  } finally {
    base.cleanup();
  }
  const judged = report?.versions.find((version) => `${version.api}/v${version.version}` === key);
  if (!report || report.problems.length > 0) return { explanation: [`cannot derive the version: the breaking-change gate could not judge ${key} against ${since} (run \`trident breaking --base ${since}\`)`] };
  if (judged === undefined || judged.change === 'added') return isNew;
  const { part, deciding, refused } = bumpFor(judged.findings);
  if (refused.length > 0 || judged.violations.length > 0) {
    return {
      explanation: [
        `refused: ${key} has breaking changes since ${since} that CHANGELOG.yaml does not acknowledge:`,
        ...refused.map((finding) => `  ${finding.rule}: ${finding.message}`),
        ...judged.violations.map((violation) => `  ${violation.file}:${violation.line}: ${violation.message}`),
        'Acknowledge each in the CHANGELOG.yaml beside the contract (see `trident breaking`), or make the change in a new major version.',
      ],
    };
  }
  const version = bumpVersion(baseVersion, part);
  if (version === undefined) return { explanation: [`cannot derive the version: info.version '${baseVersion}' at ${since} is not major.minor.patch`] };
  const why = deciding.length === 0 ? ['  no change to the contract'] : deciding.map((finding) => `  ${finding.status === 'acknowledged' ? 'acknowledged breaking change' : finding.rule}: ${finding.message}`);
  return { version, explanation: [`${key} ${baseVersion} at ${since} -> ${version} (${part}), because:`, ...why] };
}
