import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { repoRoot } from './server-process.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

interface Contract {
  basePath: string;
  document: { paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>; components: { schemas: Record<string, unknown> } };
}

/** The bundled OpenAPI documents of the served API versions, as `generate` wrote them. */
function contracts(): Contract[] {
  return ['image/v1', 'review/v1', 'study/v1', 'study/v2'].map((key) => {
    const document = JSON.parse(readFileSync(join(repoRoot, 'generated', 'openapi', key, 'openapi.json'), 'utf8')) as Contract['document'] & { servers: Array<{ url: string }> };
    return { basePath: document.servers[0]!.url, document };
  });
}

const served = contracts();

/** The operation a request reaches: its contract, path template and method; undefined outside every contract. */
export function operationOf(method: string, url: string): { contract: Contract; template: string; responses: Record<string, unknown> | undefined } | undefined {
  const path = new URL(url, 'http://x').pathname;
  for (const contract of served) {
    if (!path.startsWith(`${contract.basePath}/`)) continue;
    const rest = path.slice(contract.basePath.length);
    for (const [template, item] of Object.entries(contract.document.paths)) {
      const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
      if (!pattern.test(rest)) continue;
      const lower = method.toLowerCase();
      const operation = item[lower] ?? (lower === 'head' ? item.get : undefined);
      // A method the path does not declare is answered for the path: any of its operations declares 405.
      const anyOperation = Object.values(item).find((candidate) => typeof candidate === 'object' && candidate !== null && 'responses' in candidate);
      return { contract, template, responses: (operation ?? anyOperation)?.responses };
    }
  }
  return undefined;
}

/** Validates a problem+json body against the `Problem` schema of the contract that answered it. */
export function problemValidator(): (url: string, body: unknown) => string | undefined {
  const validators = new Map<Contract, ValidateFunction>();
  return (url, body) => {
    const path = new URL(url, 'http://x').pathname;
    const contract = served.find((candidate) => path.startsWith(`${candidate.basePath}/`)) ?? served[0]!;
    let validate = validators.get(contract);
    if (!validate) {
      const ajv = new Ajv2020({ allErrors: true, strict: false });
      addFormats(ajv);
      ajv.addSchema({ $id: 'contract', components: contract.document.components });
      validate = ajv.compile({ $ref: 'contract#/components/schemas/Problem' });
      validators.set(contract, validate);
    }
    return validate(body) ? undefined : ajvText(validate);
  };
}

function ajvText(validate: ValidateFunction): string {
  return (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`).join('; ');
}

/** Every answer a test saw, so that the statuses can be checked against the contract afterwards. */
export class AnswerLog {
  readonly answers: Array<{ method: string; url: string; status: number }> = [];

  record(method: string, url: string, status: number): void {
    this.answers.push({ method, url, status });
  }

  /** The answers whose status the contract does not declare for the operation (or path) they reached. */
  undeclared(): string[] {
    return this.answers.flatMap(({ method, url, status }) => {
      const operation = operationOf(method, url);
      if (!operation) return [`${method} ${url.slice(0, 80)}: outside every contract (${status})`];
      const declared = Object.keys(operation.responses ?? {});
      return declared.includes(String(status)) ? [] : [`${method} ${operation.contract.basePath}${operation.template} answered ${status}, declared ${declared.join(' ')}`];
    });
  }
}
