import type { Api, Operation } from '../compiler/ir.ts';
import type { LoadedApi } from '../runtime/load.ts';
import { ContractSchemas } from './contract-schemas.ts';
import type { Fixtures, Prepared } from './fixtures.ts';
import type { Checks } from './model.ts';
import type { Target } from './target.ts';
import { withinTimeLimit } from './time-limit.ts';

/** What every group of checks works with during one run. */
export interface RunContext {
  target: Target;
  fixtures: Fixtures;
  checks: Checks;
  /** The API versions under test. */
  apis: LoadedApi[];
  /** The run's seed; each property derives its own from it and its name. */
  seed: number;
  /** fast-check runs per operation and property. */
  runs: number;
  schemas(api: Api): ContractSchemas;
  /** A valid call of the operation, prepared once per run (recipes that consume resources are prepared again with `fresh`). */
  prepared(api: Api, operation: Operation, fresh?: boolean): Promise<Prepared>;
}

export function createContext(base: Omit<RunContext, 'schemas' | 'prepared'>): RunContext {
  const schemas = new Map<Api, ContractSchemas>();
  const prepared = new Map<string, Promise<Prepared>>();
  return {
    ...base,
    schemas(api) {
      let found = schemas.get(api);
      if (!found) schemas.set(api, (found = new ContractSchemas(api)));
      return found;
    },
    prepared(api, operation, fresh = false) {
      const key = `${api.name}/v${api.version} ${operation.id}`;
      // Under its own time limit: a preparation shared by several checks must not be cut short
      // (and then remembered as aborted) because the check that started it ran out of time.
      const prepare = () => withinTimeLimit(base.checks.timeoutMs, () => base.fixtures.prepare(api, operation));
      if (fresh) return prepare();
      let found = prepared.get(key);
      if (!found) prepared.set(key, (found = prepare()));
      return found;
    },
  };
}

/** A seed per property, derived from the run's seed and the property's name, so one seed replays all. */
export function propertySeed(seed: number, name: string): number {
  let hash = seed | 0;
  for (let index = 0; index < name.length; index += 1) hash = (Math.imul(hash, 31) + name.charCodeAt(index)) | 0;
  return hash;
}

/** Operations that the generic callers can call and whose result is JSON or empty (no streams). */
export const isPlainCall = (operation: Operation): boolean => operation.result.kind !== 'stream';
