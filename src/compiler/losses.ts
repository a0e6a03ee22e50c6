/**
 * The lossiness report: every construct of a document that one target cannot carry exactly, where
 * it is, and what was done instead. The compiler records losses as it maps; the report adds the
 * file, line and column of each and groups them per target for people and for tools.
 */
import type { Location } from './diagnostics.ts';

export type Target = 'graphql' | 'proto';

/** How a construct was carried: by a looser type, under another name, left out, or made optional. */
export type LossKind = 'fallback' | 'renamed' | 'omitted' | 'relaxed';

export interface Loss {
  target: Target;
  kind: LossKind;
  /** What could not be mapped, e.g. `anyOf without a discriminator`. */
  construct: string;
  /** What the target has instead, e.g. `JSON scalar`. */
  fallback: string;
  pointer: string;
}

/** What a construct becomes in each target; a target left out maps it exactly. */
export type Fallbacks = Partial<Record<Target, string>>;

/** Collects losses in the order they are found. */
export class LossLog {
  readonly entries: Loss[] = [];

  add(pointer: string, kind: LossKind, construct: string, fallbacks: Fallbacks): void {
    for (const target of ['graphql', 'proto'] as const) {
      const fallback = fallbacks[target];
      if (fallback !== undefined) this.entries.push({ target, kind, construct, fallback, pointer });
    }
  }
}

/** The fallbacks of a value typed as JSON in both targets. */
export const jsonFallback: Fallbacks = { graphql: 'JSON scalar', proto: 'google.protobuf.Value' };

export interface LocatedLoss extends Loss {
  file: string;
  line: number;
  col: number;
}

/** The machine-readable report of one document (`--report json`). */
export interface LossReport {
  document: string;
  api: { name: string; version: number };
  targets: Record<Target, { count: number; losses: LocatedLoss[] }>;
}

const targetOrder: Target[] = ['graphql', 'proto'];

/** Places every loss (`locateAll` finds many pointers in one pass) and groups them per target. */
export function buildLossReport(
  document: string,
  api: { name: string; version: number },
  losses: readonly Loss[],
  locateAll: (pointers: Iterable<string>) => ReadonlyMap<string, Location>,
): LossReport {
  const places = locateAll(new Set(losses.map((loss) => loss.pointer)));
  const targets = {} as LossReport['targets'];
  for (const target of targetOrder) {
    const located = losses
      .filter((loss) => loss.target === target)
      .map((loss) => {
        const { file, line, col } = places.get(loss.pointer) ?? { file: document, line: 1, col: 1 };
        return { ...loss, file, line, col };
      })
      .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col || a.construct.localeCompare(b.construct));
    targets[target] = { count: located.length, losses: located };
  }
  return { document, api, targets };
}

const targetTitles: Record<Target, string> = { graphql: 'GraphQL', proto: 'proto' };

/**
 * What a rename renamed: the construct without the name (`parameter 'api-version' (query)` is a
 * `parameter`, `operation GET /pets` an `operation`), so renames group by what they rename.
 */
export function renamedSubject(construct: string): string {
  return (construct.split(/ '| (?:GET|PUT|POST|DELETE|OPTIONS|HEAD|PATCH|TRACE) /)[0] ?? construct).replace(/^the /, '');
}

/**
 * The report for a terminal: per target, each kind of construct once with how often it occurs
 * and its first place, most frequent first; renames one line per what they rename, with an example.
 */
export function formatLossReport(report: LossReport, groupsPerTarget = 8): string[] {
  const lines: string[] = [];
  const counts = targetOrder.map((target) => `${targetTitles[target]} ${report.targets[target].count}`).join(', ');
  lines.push(`lossiness of ${report.document}: ${counts}`);
  for (const target of targetOrder) {
    const groups = new Map<string, { count: number; first: LocatedLoss; label: string }>();
    for (const loss of report.targets[target].losses) {
      const renamed = loss.kind === 'renamed';
      const key = renamed ? `renamed\u0000${renamedSubject(loss.construct)}` : `${loss.kind}\u0000${loss.construct}\u0000${loss.fallback}`;
      const group = groups.get(key);
      if (group) group.count += 1;
      else groups.set(key, { count: 1, first: loss, label: renamed ? `${renamedSubject(loss.construct)} renamed` : loss.construct });
    }
    const sorted = [...groups.values()].sort((a, b) => b.count - a.count || a.label.localeCompare(b.label));
    for (const { count, first, label } of sorted.slice(0, groupsPerTarget)) {
      const times = count === 1 ? '' : ` (x${count})`;
      const what = first.kind === 'renamed' ? `${label}${times}, e.g. ${first.construct} -> ${first.fallback}` : `${label} -> ${first.fallback}${times}`;
      lines.push(`  ${targetTitles[target].padEnd(7)} ${what}, first at ${first.file}:${first.line}:${first.col}`);
    }
    if (sorted.length > groupsPerTarget) lines.push(`  ${targetTitles[target].padEnd(7)} ... and ${sorted.length - groupsPerTarget} more kinds; --report json lists every one`);
  }
  return lines;
}
