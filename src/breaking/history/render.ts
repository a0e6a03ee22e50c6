/**
 * The changelog of an API version as people read it: Markdown (`trident changelog`, CHANGELOG.md)
 * and a simple HTML page (`/docs/<api>/v<n>/changelog` of `trident serve`). Both are rendered from
 * the JSON document alone, so a served page reads exactly what `--write` wrote.
 */
import { targetLabels, targets, type Target, type Verdict } from '../model.ts';
import type { ChangelogChange, ChangelogDocument, ChangelogEntry, ChangelogRelease } from './model.ts';

const headingOf = (document: ChangelogDocument): string => `${document.title ?? `${document.api} API`} v${document.version}`;

const releaseTitle = (release: ChangelogRelease): string => {
  const version = release.version ?? 'unknown version';
  return release.unreleased ? `Unreleased (working tree, info.version ${version})` : version;
};

const entryTitle = (entry: ChangelogEntry): { label: string; rest: string } =>
  entry.commit === null ? { label: 'working tree', rest: 'not committed yet' } : { label: entry.commit.shortHash, rest: `${entry.commit.date.slice(0, 10)}: ${entry.commit.subject}` };

const joinLabels = (names: readonly string[]): string => (names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`);

const labelsOf = (list: readonly Target[]): string[] => list.map((target) => targetLabels[target]);

/** `Breaking for REST/JSON, GraphQL and TypeScript`, `Dangerous for ...`, `Safe`: the headline of a change. */
export function verdictSummary(change: Pick<ChangelogChange, 'verdicts' | 'severity'>): string {
  const worst = (verdict: Verdict): string[] => labelsOf(targets.filter((target) => change.verdicts[target] === verdict));
  if (change.severity === 'safe') return 'Safe for every client';
  const breaking = worst('breaking');
  const dangerous = worst('dangerous');
  if (breaking.length > 0) return `Breaking for ${joinLabels(breaking)}${dangerous.length > 0 ? `; dangerous for ${joinLabels(dangerous)}` : ''}`;
  return `Dangerous for ${joinLabels(dangerous)}`;
}

const verdictLine = (change: ChangelogChange): string => targets.map((target) => `${targetLabels[target]} ${change.verdicts[target]}`).join(' · ');

const affectsOf = (change: ChangelogChange): string[] => [
  ...(change.affects.rest && change.affects.rest.length > 0 ? [change.affects.rest.join(', ')] : []),
  ...(change.affects.graphql !== undefined ? [`GraphQL ${change.affects.graphql}`] : []),
  ...(change.affects.proto !== undefined ? [`proto ${change.affects.proto}`] : []),
];

// Whether the older entry listed after this one does not compile: the entry is then compared with
// an earlier commit than the one before it.
function comparedAcross(entry: ChangelogEntry, all: readonly ChangelogEntry[]): boolean {
  return entry.base !== null && all[all.indexOf(entry) + 1]?.compiles === false;
}

// Inline code in Markdown: a backtick inside is fenced by two.
const code = (text: string): string => (text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``);

// Text from a contract, a commit message or a changelog, kept from being read as markup: no HTML,
// links or emphasis (an underscore inside a word, as in `org_admin`, is not emphasis and stays as
// it is). Backticks are kept, so code the text quotes (`undefined`) reads as code.
const plain = (text: string): string =>
  text
    .replace(/[\\*[\]<>]/g, '\\$&')
    .replace(/(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, '\\_')
    .replace(/\s*\n\s*/g, ' ');

/** The changelog as Markdown: releases newest first, each commit's changes with their verdicts. */
export function renderChangelogMarkdown(document: ChangelogDocument): string {
  const lines: string[] = [`# Changelog: ${plain(headingOf(document))}`, ''];
  lines.push(
    `Changes a client can see in ${code(document.contract)}, newest first, read from its git history${document.since !== null ? ` after ${code(document.since.slice(0, 12))}` : ''} and judged by the breaking-change gate for each kind of client: ${targets.map((target) => targetLabels[target]).join(', ')}.`,
    '',
  );
  if (document.releases.length === 0) lines.push('No change a client can see.', '');
  const all = document.releases.flatMap((release) => release.entries);
  for (const release of document.releases) {
    lines.push(`## ${plain(releaseTitle(release))}`, '');
    for (const entry of release.entries) {
      const title = entryTitle(entry);
      lines.push(`### ${code(title.label)} ${plain(title.rest)}`, '');
      if (!entry.compiles) {
        lines.push(`The contract does not compile here: ${code(entry.diagnostic ?? 'no diagnostic')}`, '');
        continue;
      }
      if (comparedAcross(entry, all) && entry.base !== null) lines.push(`Compared with ${code(entry.base)}, the last commit whose contract compiles.`, '');
      for (const change of entry.changes) {
        const head = change.severity === 'safe' ? verdictSummary(change) : `**${verdictSummary(change)}**`;
        lines.push(`- ${head}: ${plain(change.message)}`);
        lines.push(`  - ${code(change.rule)} ${code(change.fingerprint)}: ${verdictLine(change)}`);
        const affects = affectsOf(change);
        if (affects.length > 0) lines.push(`  - Affects: ${plain(affects.join('; '))}`);
        if (change.acknowledged !== null) lines.push(`  - Acknowledged in CHANGELOG.yaml: ${plain(change.acknowledged.reason)}`);
        if (change.retired !== null) lines.push(`  - Removed after its sunset date, ${plain(change.retired.sunset)}.`);
        lines.push(`  - Why: ${plain(change.explanation)}`);
      }
      lines.push('');
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Text for HTML: `&`, `<`, `>`, `"` and `'` escaped. */
export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}

const verdictClass: Record<Verdict, string> = { breaking: 'breaking', dangerous: 'dangerous', safe: 'safe' };

/**
 * The changelog as a self-contained HTML page (no script, no external resource): the same
 * content as the Markdown, with a table of verdicts per change. Every value is escaped.
 * `reference` is the URL of the version's API reference page, linked from the top.
 */
export function renderChangelogHtml(document: ChangelogDocument, reference?: string): string {
  const e = escapeHtml;
  const all = document.releases.flatMap((release) => release.entries);
  const parts: string[] = [];
  parts.push(`<h1>Changelog: ${e(headingOf(document))}</h1>`);
  parts.push(
    `<p>Changes a client can see in <code>${e(document.contract)}</code>, newest first, read from its git history${document.since !== null ? ` after <code>${e(document.since.slice(0, 12))}</code>` : ''} and judged by the breaking-change gate for each kind of client.${reference !== undefined ? ` <a href="${e(reference)}">API reference</a>` : ''}</p>`,
  );
  if (document.releases.length === 0) parts.push('<p>No change a client can see.</p>');
  for (const release of document.releases) {
    parts.push(`<section><h2>${e(releaseTitle(release))}</h2>`);
    for (const entry of release.entries) {
      const title = entryTitle(entry);
      parts.push(`<article><h3><code>${e(title.label)}</code> ${e(title.rest)}</h3>`);
      if (!entry.compiles) {
        parts.push(`<p>The contract does not compile here: <code>${e(entry.diagnostic ?? 'no diagnostic')}</code></p></article>`);
        continue;
      }
      if (comparedAcross(entry, all) && entry.base !== null) parts.push(`<p>Compared with <code>${e(entry.base)}</code>, the last commit whose contract compiles.</p>`);
      parts.push('<ul>');
      for (const change of entry.changes) {
        const affects = affectsOf(change);
        parts.push(
          `<li class="${verdictClass[change.severity]}"><p><strong>${e(verdictSummary(change))}</strong>: ${e(change.message)}</p>` +
            `<table><tr>${targets.map((target) => `<th>${e(targetLabels[target])}</th>`).join('')}</tr><tr>${targets.map((target) => `<td class="${verdictClass[change.verdicts[target]]}">${e(change.verdicts[target])}</td>`).join('')}</tr></table>` +
            `<p><code>${e(change.rule)}</code> <code>${e(change.fingerprint)}</code></p>` +
            (affects.length > 0 ? `<p>Affects: ${e(affects.join('; '))}</p>` : '') +
            (change.acknowledged !== null ? `<p class="acknowledged">Acknowledged in CHANGELOG.yaml: ${e(change.acknowledged.reason)}</p>` : '') +
            (change.retired !== null ? `<p>Removed after its sunset date, ${e(change.retired.sunset)}.</p>` : '') +
            `<p class="why">Why: ${e(change.explanation)}</p></li>`,
        );
      }
      parts.push('</ul></article>');
    }
    parts.push('</section>');
  }
  const style =
    'body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.4}table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.2rem .5rem;font-size:.9em}' +
    'td.breaking{background:#fdd}td.dangerous{background:#ffd}td.safe{background:#dfd}li.breaking{border-left:4px solid #c00;padding-left:.5rem}li.dangerous{border-left:4px solid #c90;padding-left:.5rem}li.safe{border-left:4px solid #090;padding-left:.5rem}li{list-style:none;margin-bottom:1rem}.why{color:#555}';
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${e(`Changelog: ${headingOf(document)}`)}</title><meta name="viewport" content="width=device-width, initial-scale=1"><style>${style}</style></head>
<body>
${parts.join('\n')}
</body>
</html>
`;
}
