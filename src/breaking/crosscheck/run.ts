import type { JudgedFinding } from '../policy.ts';
import type { ContractSide } from '../side.ts';
import { runBufBreaking } from './buf.ts';
import { compareWithReference } from './compare.ts';
import { runGraphqlInspector } from './graphql-inspector.ts';
import type { CrosscheckReport, ReferenceFinding, ReferenceTool } from './model.ts';
import { runOasdiff } from './oasdiff.ts';

/** Where the reference tools are and how buf is configured. */
export interface CrosscheckOptions {
  /** The buf executable (from `@bufbuild/buf`). */
  bufBinary: string;
  /** buf's breaking rule categories, as in the repository's buf.yaml. */
  bufRules: readonly string[];
  /** Which tools to run; all three by default. */
  tools?: readonly ReferenceTool[];
}

/**
 * Runs the reference tool of each protocol on what the two contracts generate (the bundled
 * OpenAPI, the proto files, the SDL) and lists where each disagrees with Trident's findings.
 * A tool that cannot run is reported as such; the gate's outcome never depends on it.
 */
export async function crosscheckVersion(base: ContractSide, revision: ContractSide, findings: readonly JudgedFinding[], options: CrosscheckOptions): Promise<CrosscheckReport> {
  const pick = (side: ContractSide, prefix: string, suffix: string): Map<string, string> =>
    new Map([...side.files].filter(([path]) => path.startsWith(prefix) && path.endsWith(suffix)).map(([path, text]) => [path.slice(prefix.length), text]));
  const only = (side: ContractSide, prefix: string, suffix: string): string => [...pick(side, prefix, suffix).values()][0] ?? '';
  const tools: Record<ReferenceTool, () => Promise<ReferenceFinding[]>> = {
    oasdiff: () => runOasdiff(only(base, 'openapi/', '.json'), only(revision, 'openapi/', '.json')),
    buf: () => runBufBreaking(options.bufBinary, pick(base, 'proto/', '.proto'), pick(revision, 'proto/', '.proto'), options.bufRules),
    'graphql-inspector': () => runGraphqlInspector(only(base, 'graphql/', '.graphql'), only(revision, 'graphql/', '.graphql')),
  };
  const report: CrosscheckReport = { runs: [], disagreements: [] };
  for (const tool of options.tools ?? (['oasdiff', 'buf', 'graphql-inspector'] as const)) {
    try {
      const { run, disagreements } = compareWithReference(tool, await tools[tool](), findings);
      report.runs.push(run);
      report.disagreements.push(...disagreements);
    } catch (error) {
      report.runs.push({ tool, breaking: 0, agreed: 0, error: (error as Error).message.split('\n')[0] ?? 'failed' });
    }
  }
  return report;
}
