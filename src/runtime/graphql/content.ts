/**
 * What a GraphQL field answers for an operation whose REST response is not JSON: the text itself
 * for text, XML and HTML, or a `Download` (the REST URL of the bytes) for anything else.
 */
import type { Operation } from '../../compiler/ir.ts';
import { returnsDownload } from '../../compiler/media-kinds.ts';
import type { BinaryContent, OperationInput } from '../handler.ts';

/** The `Download` object of the generated SDL. */
export interface Download {
  url: string;
  contentType: string;
  size: number | null;
}

/** The field's value for the content a handler returned. */
export async function contentResult(operation: Operation, basePath: string, input: OperationInput, content: BinaryContent): Promise<string | Download> {
  if (!returnsDownload(operation)) return readText(content);
  return { url: restUrl(basePath, operation.path, input), contentType: content.contentType, size: Number.isFinite(content.size) ? content.size : null };
}

/**
 * The REST path of a call: the template's parameters filled in, the query parameters as a query
 * string (an array repeats its name, as OpenAPI's default `form` style with `explode` does).
 */
export function restUrl(basePath: string, template: string, input: OperationInput): string {
  const path = template.replace(/\{([^}]+)\}/g, (_, parameter: string) => encodeURIComponent(scalarText(input.path?.[parameter])));
  const query = new URLSearchParams();
  for (const [parameter, value] of Object.entries(input.query ?? {})) {
    for (const item of Array.isArray(value) ? value : [value]) query.append(parameter, scalarText(item));
  }
  const search = query.toString();
  return `${basePath}${path}${search === '' ? '' : `?${search}`}`;
}

const scalarText = (value: unknown): string => (typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value ?? ''));

/** The whole content as text, decoded by the charset of its media type (UTF-8 when it names none or one unknown). */
async function readText(content: BinaryContent): Promise<string> {
  const charset = /;\s*charset="?([^";]+)"?/i.exec(content.contentType)?.[1]?.trim();
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset ?? 'utf-8');
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  let text = '';
  for await (const chunk of content.read()) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}
