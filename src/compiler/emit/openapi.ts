import { isStackOverflow } from '../depth.ts';
import type { Api } from '../ir.ts';

/** The bundled OpenAPI document as JSON: every external reference brought in, nothing else changed. */
export function writeOpenapiDocument(api: Api): string {
  try {
    return `${JSON.stringify(api.document, null, 2)}\n`;
  } catch (error) {
    // JSON.stringify recurses: a document nested thousands of levels is printed without recursion,
    // and on one line, since its indentation would grow with the square of the depth.
    if (!isStackOverflow(error)) throw error;
    return `${printJson(api.document, '')}\n`;
  }
}

interface Open {
  node: Record<string, unknown>;
  keys: string[];
  next: number;
  depth: number;
  array: boolean;
}

/** `JSON.stringify(value, null, indent)` for a parsed document, with a stack of its own. */
export function printJson(value: unknown, indent = '  '): string {
  const newline = indent === '' ? '' : '\n';
  const colon = indent === '' ? ':' : ': ';
  const out: string[] = [];
  const open: Open[] = [];
  const write = (node: unknown, depth: number): void => {
    if (node === null || typeof node !== 'object') {
      // As JSON.stringify writes them: undefined in a list (and NaN) is null.
      out.push(node === undefined ? 'null' : JSON.stringify(node));
      return;
    }
    const array = Array.isArray(node);
    const record = node as Record<string, unknown>;
    const keys = array ? Array.from({ length: (node as unknown[]).length }, (_, index) => String(index)) : Object.keys(record).filter((key) => record[key] !== undefined);
    if (keys.length === 0) {
      out.push(array ? '[]' : '{}');
      return;
    }
    out.push(array ? '[' : '{');
    open.push({ node: record, keys, next: 0, depth, array });
  };
  write(value, 0);
  for (let top = open.at(-1); top !== undefined; top = open.at(-1)) {
    if (top.next === top.keys.length) {
      out.push(`${newline}${indent.repeat(top.depth)}${top.array ? ']' : '}'}`);
      open.pop();
      continue;
    }
    const key = top.keys[top.next] as string;
    top.next += 1;
    out.push(`${top.next > 1 ? ',' : ''}${newline}${indent.repeat(top.depth + 1)}${top.array ? '' : `${JSON.stringify(key)}${colon}`}`);
    write(top.node[key], top.depth + 1);
  }
  return out.join('');
}
