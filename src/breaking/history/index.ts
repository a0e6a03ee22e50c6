/**
 * The changelog of one API version, read from the git history of its contract: every commit that
 * touched `contracts/<api>/v<n>/` (the contract, its proto lock, its CHANGELOG.yaml) or a file
 * the contract references under `contracts/`, oldest first, and the working tree when it differs
 * from HEAD. Each commit is compared with the one before it by the breaking-change gate itself
 * (`readSide`, `runGate`, the rule table and the version policy), judged on the commit's date and
 * with the acknowledgements of the CHANGELOG.yaml it holds; the findings become the entries.
 *
 * Each revision is put on disk with `materialiseBase` (`git archive`, never a checkout) and
 * compiled without the generated layers, as `trident breaking` compiles without cross-checks.
 * Compiled sides are kept by the content of the files they read, so each is compiled once.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { identityOf, type CompileOptions } from '../../compiler/compile.ts';
import { sortDiagnostics } from '../../compiler/diagnostics.ts';
import { ownText } from '../../compiler/source-text.ts';
import { discoverContracts, loadConfig } from '../../config/index.ts';
import { materialiseBase } from '../base.ts';
import { changelogFileName } from '../changelog.ts';
import { runGate, type ContractTree } from '../gate.ts';
import { targets, type Verdict } from '../model.ts';
import type { JudgedFinding } from '../policy.ts';
import { ruleTable } from '../rules.ts';
import { isBroken, readSide, type BrokenSide, type ContractSide } from '../side.ts';
import { commitOf, commitsTouching, filesAt, filesInWorkTree, git, isWorkTree, textAt } from './git.ts';
import { changelogFormat, type ChangelogChange, type ChangelogCommit, type ChangelogDocument, type ChangelogEntry, type ChangelogRelease } from './model.ts';

export { changelogFiles, changelogFormat, isChangelogDocument, type ChangelogChange, type ChangelogCommit, type ChangelogDocument, type ChangelogEntry, type ChangelogRelease } from './model.ts';
export { renderChangelogHtml, renderChangelogMarkdown } from './render.ts';

/** What the changelog is asked for. */
export interface HistoryOptions {
  /** The project root (inside a git work tree). */
  root: string;
  api: string;
  version: number;
  /** A git revision: only the commits after it are listed, compared from its contract on. */
  since?: string;
  /** YYYY-MM-DD the working tree's changes are judged on (sunset dates); today (UTC) by default. */
  today?: string;
}

/** Why no changelog could be made: the API version, the repository or the `--since` revision. */
export interface HistoryError {
  kind: 'unknown-version' | 'not-a-repository' | 'bad-since';
  error: string;
}

/** The changelog and what making it took. */
export interface History {
  document: ChangelogDocument;
  /** How many commits (and the working tree) were read, and how many contracts compiled. */
  stats: { revisions: number; compiled: number };
}

// The compile of one revision: the contract absent, not compiling, or compiled.
type Loaded = { state: 'absent' } | { state: 'broken'; side: BrokenSide } | { state: 'compiled'; side: ContractSide };

interface Snapshot {
  /** Null for the working tree. */
  commit: ChangelogCommit | null;
  label: string;
  loaded: Loaded;
  changelog: { path: string; text: string } | undefined;
  /** YYYY-MM-DD sunset dates are compared with. */
  today: string;
}

// The gate reads the generated layers only for its cross-checks; the changelog runs none.
const compileOptions: CompileOptions = { outputs: [] };

/** Reads the history of one API version's contract and judges each change as the gate does. */
export async function changelogHistory(options: HistoryOptions): Promise<History | HistoryError> {
  const root = resolve(options.root);
  const { contracts: folder } = loadConfig(root);
  const key = `${options.api}/v${options.version}`;
  const versionFolder = `${folder}/${key}`;
  const contract = `${versionFolder}/openapi.yaml`;
  const changelogPath = `${versionFolder}/${changelogFileName}`;
  const identity = identityOf(contract, folder);
  if (!isWorkTree(root)) return { kind: 'not-a-repository', error: `${root} is not inside a git work tree; the changelog is read from the git history of ${contract}` };
  const head = commitOf(root, 'HEAD');
  const inWorkTree = existsSync(join(root, contract));
  const inHistory = head !== undefined && git(root, ['log', '-1', '--format=%H', 'HEAD', '--', contract]).trim() !== '';
  if (identity === undefined || (!inWorkTree && !inHistory)) {
    const known = knownVersions(root, folder);
    return { kind: 'unknown-version', error: `no API version '${key}' under ${folder}/, in the working tree or its git history; the known ones are ${known.join(', ') || 'none'}` };
  }
  let since: string | undefined;
  if (options.since !== undefined) {
    since = commitOf(root, options.since);
    if (since === undefined) return { kind: 'bad-since', error: `--since '${options.since}' is not a git revision of ${root}` };
  }
  const workTreeToday = options.today ?? new Date().toISOString().slice(0, 10);

  const cache = new Map<string, Loaded>();
  let compiled = 0;
  const compile = async (readText: (path: string) => string | undefined): Promise<Loaded> => {
    const side = await readSide(contract, readText, identity, 'revision', compileOptions);
    compiled += 1;
    return isBroken(side) ? { state: 'broken', side } : { state: 'compiled', side };
  };
  // A revision's contract, compiled once per content of the files under `paths` (the changelog aside).
  const load = async (files: ReadonlyMap<string, string>, compileFrom: () => Promise<Loaded>): Promise<Loaded> => {
    const cacheKey = contentKey(files, changelogPath);
    let loaded = cache.get(cacheKey);
    if (loaded === undefined) {
      loaded = files.has(contract) ? await compileFrom() : { state: 'absent' };
      cache.set(cacheKey, loaded);
    }
    return loaded;
  };
  const loadCommit = (commit: string, paths: readonly string[]): Promise<Loaded> =>
    load(filesAt(root, commit, paths), async () => {
      const base = materialiseBase(root, commit, folder);
      if ('error' in base) throw new Error(base.error);
      try {
        return await compile(fileReader(base.root));
      } finally {
        base.cleanup();
      }
    });

  // Files the contract references outside its folder are followed too: those the working tree
  // reads from the start, and one found only in an older revision adds that file and the history
  // is read again (rarely more than once).
  const paths = [`${versionFolder}/`];
  if (inWorkTree) {
    const loaded = await compile(fileReader(root));
    if (loaded.state !== 'absent') paths.push(...outside(loaded.side.sources.keys(), paths, folder));
    cache.set(contentKey(filesInWorkTree(root, paths), changelogPath), loaded);
  }
  let base: Snapshot | undefined;
  let snapshots: Snapshot[] = [];
  for (let round = 0; round < 5; round += 1) {
    base = since === undefined ? undefined : { commit: null, label: shortHash(root, since), loaded: await loadCommit(since, paths), changelog: changelogAt(root, since, changelogPath), today: '' };
    snapshots = [];
    for (const commit of commitsTouching(root, paths, since)) {
      snapshots.push({ commit, label: commit.shortHash, loaded: await loadCommit(commit.hash, paths), changelog: changelogAt(root, commit.hash, changelogPath), today: commit.date.slice(0, 10) });
    }
    const workFiles = filesInWorkTree(root, paths);
    const headFiles = head === undefined ? new Map<string, string>() : filesAt(root, head, paths);
    if (contentKey(workFiles, changelogPath) !== contentKey(headFiles, changelogPath)) {
      const text = readText(join(root, changelogPath));
      const loaded = await load(workFiles, () => compile(fileReader(root)));
      snapshots.push({ commit: null, label: 'working tree', loaded, changelog: text === undefined ? undefined : { path: changelogPath, text }, today: workTreeToday });
    }
    const read = [base, ...snapshots].flatMap((snapshot) => (snapshot && snapshot.loaded.state !== 'absent' ? [...snapshot.loaded.side.sources.keys()] : []));
    const more = outside(read, paths, folder);
    if (more.length === 0) break;
    paths.push(...more);
  }
  const document = documentOf({ api: options.api, version: options.version, key, contract, since: since ?? null }, base, snapshots);
  return { document, stats: { revisions: snapshots.length + (base ? 1 : 0), compiled } };
}

/** Whether a value is a `HistoryError`. */
export function isHistoryError(value: History | HistoryError): value is HistoryError {
  return 'error' in value;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Reads the files of one side by their path relative to its root. */
function fileReader(root: string): (path: string) => string | undefined {
  return (path) => readText(join(root, path));
}

function knownVersions(root: string, folder: string): string[] {
  return discoverContracts(root, folder).flatMap((path) => {
    const identity = identityOf(path, folder);
    return identity ? [`${identity.name}/v${identity.version}`] : [];
  });
}

// The files read under the contracts folder that `paths` does not cover yet.
function outside(read: Iterable<string>, paths: readonly string[], folder: string): string[] {
  const more = new Set<string>();
  for (const path of read) {
    if (!path.startsWith(`${folder}/`)) continue;
    if (paths.some((covered) => (covered.endsWith('/') ? path.startsWith(covered) : path === covered))) continue;
    more.add(path);
  }
  return [...more].sort();
}

// The content of a revision's files, the changelog aside: it acknowledges, it does not compile.
function contentKey(files: ReadonlyMap<string, string>, changelogPath: string): string {
  return [...files].filter(([path]) => path !== changelogPath).map(([path, id]) => `${path} ${id}`).join('\n');
}

function changelogAt(root: string, commit: string, path: string): { path: string; text: string } | undefined {
  const text = textAt(root, commit, path);
  return text === undefined ? undefined : { path, text };
}

function shortHash(root: string, commit: string): string {
  return git(root, ['rev-parse', '--short', commit]).trim();
}

const severityRank: Record<Verdict, number> = { breaking: 0, dangerous: 1, safe: 2 };

/**
 * The entries of the walk: each revision compared with the last one before it whose contract
 * compiles (or that had none), grouped by `info.version`, newest first. A revision whose contract
 * does not compile is listed with its first error; revisions without a change a client can see
 * are left out.
 */
function documentOf(meta: { api: string; version: number; key: string; contract: string; since: string | null }, base: Snapshot | undefined, snapshots: readonly Snapshot[]): ChangelogDocument {
  const walked: Array<{ entry: ChangelogEntry; infoVersion: string | null; unreleased: boolean }> = [];
  let previous = base?.loaded.state === 'broken' ? undefined : base;
  let infoVersion: string | null = base?.loaded.state === 'compiled' ? base.loaded.side.api.infoVersion : null;
  for (const snapshot of snapshots) {
    const unreleased = snapshot.commit === null;
    const before = previous?.loaded.state === 'compiled' ? previous : undefined;
    const { loaded } = snapshot;
    if (loaded.state === 'broken') {
      infoVersion = rawInfoVersion(loaded.side, meta.contract) ?? infoVersion;
      walked.push({ entry: { commit: snapshot.commit, label: snapshot.label, base: before?.label ?? null, compiles: false, diagnostic: firstError(loaded.side), changes: [] }, infoVersion, unreleased });
      continue;
    }
    if (loaded.state === 'compiled') infoVersion = loaded.side.api.infoVersion;
    if (loaded.state === 'absent' && before === undefined) {
      previous = snapshot;
      continue;
    }
    const changes = judged(meta.key, before, snapshot)
      .map(changeOf)
      .map((change, index) => ({ change, index }))
      .sort((a, b) => severityRank[a.change.severity] - severityRank[b.change.severity] || a.index - b.index)
      .map(({ change }) => change);
    walked.push({ entry: { commit: snapshot.commit, label: snapshot.label, base: before?.label ?? null, compiles: true, diagnostic: null, changes }, infoVersion, unreleased });
    previous = snapshot;
  }
  const releases: ChangelogRelease[] = [];
  for (const { entry, infoVersion: version, unreleased } of walked.reverse()) {
    if (entry.compiles && entry.changes.length === 0) continue;
    const last = releases.at(-1);
    if (last && !unreleased && !last.unreleased && last.version === version) last.entries.push(entry);
    else releases.push({ version, unreleased, entries: [entry] });
  }
  const newest = [...snapshots].reverse().find((snapshot) => snapshot.loaded.state === 'compiled') ?? base;
  const title = newest?.loaded.state === 'compiled' ? newest.loaded.side.api.title : null;
  return { format: changelogFormat, api: meta.api, version: meta.version, title, contract: meta.contract, since: meta.since, releases };
}

// The gate's findings from one revision to the next, judged on the later one's date with the
// acknowledgements of its own CHANGELOG.yaml. Renumbering is judged as acknowledged when the
// changelog says so: the gate let it in with --accept-renumbering.
function judged(key: string, before: Snapshot | undefined, after: Snapshot): JudgedFinding[] {
  const tree = (snapshot: Snapshot | undefined, side: 'base' | 'revision'): ContractTree => ({
    label: snapshot?.label ?? 'nothing',
    contracts: snapshot?.loaded.state === 'compiled' ? new Map([[key, { ...snapshot.loaded.side, side }]]) : new Map(),
    changelogs: snapshot?.changelog ? new Map([[key, snapshot.changelog]]) : new Map(),
  });
  const report = runGate(tree(before, 'base'), tree(after, 'revision'), after.today, { acceptRenumbering: true });
  return report.versions.find((version) => `${version.api}/v${version.version}` === key)?.findings ?? [];
}

function changeOf(finding: JudgedFinding): ChangelogChange {
  const verdicts = Object.fromEntries(targets.map((target) => [target, finding.verdicts[target]])) as ChangelogChange['verdicts'];
  const affects = {
    ...(finding.subjects.rest !== undefined ? { rest: [...finding.subjects.rest] } : {}),
    ...(finding.subjects.graphql !== undefined ? { graphql: finding.subjects.graphql } : {}),
    ...(finding.subjects.proto !== undefined ? { proto: finding.subjects.proto } : {}),
  };
  return {
    rule: finding.rule,
    subject: finding.subject,
    message: finding.message,
    fingerprint: finding.fingerprint,
    severity: finding.severity,
    verdicts,
    breakingFor: targets.filter((target) => finding.verdicts[target] === 'breaking'),
    explanation: ruleTable[finding.rule].explanation,
    affects,
    acknowledged: finding.status === 'acknowledged' && finding.acknowledgement ? { reason: finding.acknowledgement.reason } : null,
    retired: finding.status === 'retired' && finding.baseSunset !== undefined ? { sunset: finding.baseSunset } : null,
  };
}

function firstError(side: BrokenSide): string {
  const sorted = sortDiagnostics(side.diagnostics);
  const first = sorted.find((entry) => entry.severity === 'error') ?? sorted[0];
  if (!first) return `${side.path} does not compile`;
  return `${first.file}:${first.line}:${first.col} ${first.code}: ${first.message.split('\n')[0] ?? ''}`;
}

// info.version of a contract that does not compile, when its YAML still parses.
function rawInfoVersion(side: BrokenSide, contract: string): string | null {
  const text = side.sources.get(contract);
  if (text === undefined) return null;
  try {
    const version = (parseYaml(ownText(text)) as { info?: { version?: unknown } } | null)?.info?.version;
    return typeof version === 'string' || typeof version === 'number' ? String(version) : null;
  } catch {
    return null;
  }
}
