import type { OutputKind } from '../../src/compiler/compile.ts';

/** What `generate` can write: the compiler's outputs plus the gRPC TypeScript that ts-proto writes. */
export type GenerateTarget = OutputKind | 'grpc';

export const generateTargets: readonly GenerateTarget[] = ['openapi', 'graphql', 'proto', 'types', 'server', 'clients', 'grpc'];

/** Whether a run limited to `only` (everything when absent) writes `target`. */
export function wants(only: readonly GenerateTarget[] | undefined, target: GenerateTarget): boolean {
  return only === undefined || only.includes(target);
}
