import type { Api } from '../ir.ts';

/** The bundled OpenAPI document as JSON: every external reference brought in, nothing else changed. */
export function writeOpenapiDocument(api: Api): string {
  return `${JSON.stringify(api.document, null, 2)}\n`;
}
