/**
 * `trident changelog <api>/v<n> [--since REF] [--format markdown|json] [--output FILE] [--write]`:
 * the consumer-facing changelog of one API version, read from the git history of its contract and
 * judged by the breaking-change gate (see src/breaking/history/). Markdown by default, or the JSON
 * document `trident serve` renders at `/docs/<api>/v<n>/changelog`; `--write` puts both in
 * `<output>/changelog/<api>/v<n>/`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { changelogFiles, changelogHistory, isHistoryError, renderChangelogMarkdown, type ChangelogDocument } from '../src/breaking/history/index.ts';
import { UsageError } from './usage-error.ts';

/** The formats `--format` takes. */
export const changelogFormats = ['markdown', 'json'] as const;
type ChangelogFormat = (typeof changelogFormats)[number];

/** What `trident changelog` is asked to do. */
export interface ChangelogOptions {
  root: string;
  /** `study/v1` */
  key: string;
  since?: string;
  format?: ChangelogFormat;
  /** A file (relative to the root) to write the changelog to, instead of standard output. */
  output?: string;
  /** Write both formats to `<output>/changelog/<api>/v<n>/`. */
  write?: boolean;
  verbose?: boolean;
  /** YYYY-MM-DD the working tree's changes are judged on; today (UTC) by default. */
  today?: string;
  out?: (text: string) => void;
  err?: (text: string) => void;
}

/** The changelog's JSON text: the document, two-space indented, ending in a newline. */
export function changelogJson(document: ChangelogDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/**
 * Makes the changelog and writes it where asked. An unknown API version, a root outside git and a
 * `--since` that is no revision throw a `UsageError` (exit code 2); otherwise resolves to 0.
 */
export async function changelog(options: ChangelogOptions): Promise<{ exitCode: number; document: ChangelogDocument }> {
  const out = options.out ?? ((text: string) => process.stdout.write(text));
  const err = options.err ?? ((text: string) => process.stderr.write(text));
  const root = resolve(options.root);
  const started = performance.now();
  const match = /^([^/\s]+)\/v(\d+)$/.exec(options.key);
  if (!match?.[1] || !match[2]) throw new UsageError(`name one API version as <api>/v<major>, e.g. study/v1, not '${options.key}'`);
  const history = await changelogHistory({
    root,
    api: match[1],
    version: Number(match[2]),
    ...(options.since !== undefined ? { since: options.since } : {}),
    ...(options.today !== undefined ? { today: options.today } : {}),
  });
  if (isHistoryError(history)) throw new UsageError(history.error);
  const { document } = history;
  const format = options.format ?? 'markdown';
  if (options.write) {
    const files = changelogFiles(document.api, document.version);
    writeText(resolve(root, files.markdown), renderChangelogMarkdown(document));
    writeText(resolve(root, files.json), changelogJson(document));
    out(`wrote ${files.markdown} and ${files.json}\n`);
  } else {
    const text = format === 'json' ? changelogJson(document) : renderChangelogMarkdown(document);
    if (options.output !== undefined) writeText(resolve(root, options.output), text);
    else out(text);
  }
  if (options.verbose) {
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    err(`trident changelog: ${options.key}: ${history.stats.revisions} revision${history.stats.revisions === 1 ? '' : 's'} read, ${history.stats.compiled} contract${history.stats.compiled === 1 ? '' : 's'} compiled in ${seconds} s\n`);
  }
  return { exitCode: 0, document };
}

function writeText(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** `trident changelog ...`; a wrong argument throws (a `UsageError`, or `parseArgs`' own error). */
export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      since: { type: 'string' },
      format: { type: 'string' },
      output: { type: 'string' },
      write: { type: 'boolean' },
      verbose: { type: 'boolean' },
    },
  });
  const [key] = positionals;
  if (key === undefined || positionals.length > 1) throw new UsageError(`name one API version, e.g. study/v1${positionals.length > 1 ? `; got ${positionals.join(' ')}` : ''}`);
  const format = values.format ?? 'markdown';
  if (!(changelogFormats as readonly string[]).includes(format)) throw new UsageError(`--format takes ${changelogFormats.join(' or ')}, not '${format}'`);
  if (values.write && (values.output !== undefined || values.format !== undefined)) throw new UsageError('--write writes both formats to their place; --format and --output choose one format and one place instead');
  const { exitCode } = await changelog({
    root: process.cwd(),
    key,
    format: format as ChangelogFormat,
    write: values.write === true,
    verbose: values.verbose === true,
    ...(values.since !== undefined ? { since: values.since } : {}),
    ...(values.output !== undefined ? { output: values.output } : {}),
  });
  return exitCode;
}
