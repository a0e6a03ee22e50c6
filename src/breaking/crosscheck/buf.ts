import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { ReferenceFinding } from './model.ts';

const run = promisify(execFile);

interface BufFailure {
  type?: string;
  message?: string;
}

/**
 * Runs `buf breaking <revision> --against <base>` on the generated proto files of two contracts,
 * with the given breaking rules (the repository's buf.yaml). Every failure is breaking for buf.
 */
export async function runBufBreaking(binary: string, baseFiles: ReadonlyMap<string, string>, revisionFiles: ReadonlyMap<string, string>, rules: readonly string[]): Promise<ReferenceFinding[]> {
  const scratch = mkdtempSync(join(tmpdir(), 'trident-buf-'));
  try {
    for (const [side, files] of [['base', baseFiles], ['revision', revisionFiles]] as const) {
      const config = `version: v2\nbreaking:\n  use: [${rules.join(', ')}]\n`;
      writeTree(join(scratch, side), new Map([...files, ['buf.yaml', config]]));
    }
    let stdout = '';
    try {
      await run(binary, ['breaking', join(scratch, 'revision'), '--against', join(scratch, 'base'), '--error-format', 'json'], { maxBuffer: 1 << 30 });
    } catch (error) {
      // buf exits 100 when it finds breaking changes; anything else is a failure to run.
      const failure = error as { code?: number; stdout?: string; stderr?: string };
      if (failure.code !== 100) throw new Error(`buf breaking failed: ${(failure.stderr ?? '').split('\n')[0] ?? ''}`);
      stdout = failure.stdout ?? '';
    }
    return stdout.split('\n').filter((line) => line.trim() !== '').map((line) => {
      const failure = JSON.parse(line) as BufFailure;
      const message = failure.message ?? '';
      // `changed type from "trident.x.v1.A" to "trident.x.v1.B"` is also about A and B.
      const aliases = [...message.matchAll(/"(?:[a-z0-9_]+\.)+([A-Z]\w*)"/g)].map((match) => match[1] ?? '');
      return { tool: 'buf', id: failure.type ?? 'unknown', level: 'breaking', message, subject: bufOwner(message), ...(aliases.length > 0 ? { aliases } : {}) };
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The message, enum or service a buf failure is about: `Field "2" on message "Study" ...` is `Study`. */
export function bufOwner(message: string): string {
  return /\bon (?:message|enum|service) "([^"]+)"/.exec(message)?.[1] ?? /\b(?:message|enum|service) "([^"]+)"/.exec(message)?.[1] ?? '';
}

function writeTree(root: string, files: ReadonlyMap<string, string>): void {
  for (const [path, text] of files) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}
