import { posix } from 'node:path';
import { diagnostic, type Diagnostic, type Location } from './diagnostics.ts';
import { appendPointer, fragmentToPointer, getAtPointer, parsePointer } from './pointer.ts';
import { scannedText, type SourceText } from './source-text.ts';
import { parseSource, positionOf, type SourceFile } from './source.ts';

/** Reads a file's text (see SourceText), or returns undefined when it does not exist. */
export type ReadText = (path: string) => SourceText | undefined;

/**
 * A contract with every external reference brought into its own `components`, plus what is needed
 * to point back from any pointer of the bundled document to the file, line and column it came from.
 */
export interface LoadedContract {
  path: string;
  document: Record<string, unknown>;
  files: ReadonlyMap<string, SourceFile>;
  locate: (pointer: string) => Location;
  /** `locate` for many pointers at once: a large JSON document is scanned once for all of them. */
  locateAll: (pointers: Iterable<string>) => Map<string, Location>;
  /**
   * Every `$ref` of the bundled document, each once (all local, `#/...`, once bundled): the
   * places a schema may be reached from other than where it is. A JSON document's list may also
   * hold a `$ref` written in an example, which is data.
   */
  refs: ReadonlySet<string>;
}

interface Origin {
  prefix: string;
  file: SourceFile;
  pointer: string;
}

const componentPointer = /^\/components\/([A-Za-z]+)\/([^/]+)$/;

// Keywords whose values are data, not OpenAPI or schema objects.
const literalKeywords = new Set(['example', 'default', 'const', 'enum']);
// Objects whose keys are names chosen by the author (a property may be called `example`).
const namedMaps = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas', 'schemas', 'responses', 'parameters', 'examples', 'requestBodies', 'headers', 'securitySchemes', 'links', 'callbacks', 'pathItems', 'paths', 'content', 'encoding', 'variables', 'mapping', 'webhooks']);

/**
 * Loads a contract and bundles it: a `$ref` into another file must name a component
 * (`../../common/errors.yaml#/components/responses/NotFound`); that component is copied under the
 * same name into the contract's own components, so the result has local references only.
 */
export function loadContract(path: string, readText: ReadText): { contract?: LoadedContract; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const files = new Map<string, SourceFile>();

  const readFile = (filePath: string, from: Location | undefined, ref?: string): SourceFile | undefined => {
    const cached = files.get(filePath);
    if (cached) return cached;
    const text = readText(filePath);
    if (text === undefined) {
      const where = from ?? { file: filePath, line: 1, col: 1, pointer: '' };
      const via = ref === undefined ? '' : ` (the target of $ref '${ref}')`;
      diagnostics.push(diagnostic('file-unreadable', `cannot read '${filePath}'${via}`, where));
      return undefined;
    }
    const { file, problems } = parseSource(filePath, text);
    for (const problem of problems) {
      diagnostics.push(diagnostic(problem.tooDeep ? 'schema-too-deep' : 'yaml-invalid', problem.message, { file: filePath, ...problem.position, pointer: '' }, problem.hint));
    }
    if (file) files.set(filePath, file);
    return file;
  };

  const root = readFile(path, undefined);
  if (!root) return { diagnostics };
  if (root.value === null || typeof root.value !== 'object' || Array.isArray(root.value)) {
    diagnostics.push(diagnostic('openapi-invalid', 'the document is not a mapping', { file: path, line: 1, col: 1, pointer: '' }));
    return { diagnostics };
  }
  // Bundling rewrites references in place, so the document is a copy when it has external ones;
  // a self-contained document (most large public ones) is used as parsed.
  let document = root.value as Record<string, unknown>;
  // Set while the walk may not change anything: the document is still the parsed value itself.
  let readOnly = true;
  const origins: Origin[] = [];
  const imported = new Map<string, SourceFile>();
  const importedPointers = new Set<string>();
  const isAliasOf = (value: unknown, filePath: string, pointer: string): boolean => {
    if (value === null || typeof value !== 'object' || Object.keys(value).length !== 1) return false;
    const ref = (value as { $ref?: unknown }).$ref;
    if (typeof ref !== 'string' || !ref.includes('#')) return false;
    const [target = '', fragment = ''] = ref.split('#');
    return posix.normalize(posix.join(posix.dirname(path), target)) === filePath && fragmentToPointer(fragment) === pointer;
  };
  const where = (file: SourceFile, pointer: string): Location => ({ file: file.path, ...positionOf(file, pointer), pointer });

  // The mapping of the contract's components an imported one goes into, made when missing. When the
  // contract's own `components` (or its section) is something else, the import has nowhere to go:
  // that is reported once, where it is, instead of being overwritten or crashing the walk.
  const misshapen = new Set<string>();
  const componentSection = (section: string): Record<string, unknown> | undefined => {
    if (document.components === undefined) document.components = {};
    const components = document.components;
    if (!isMapping(components)) return notMapping('/components', components);
    if (components[section] === undefined) components[section] = {};
    const map = components[section];
    return isMapping(map) ? map : notMapping(appendPointer('/components', section), map);
  };
  const notMapping = (pointer: string, value: unknown): undefined => {
    if (misshapen.has(pointer)) return undefined;
    misshapen.add(pointer);
    const found = value === null ? 'an empty value' : Array.isArray(value) ? 'a list' : `the ${typeof value} ${JSON.stringify(value)}`;
    const name = `\`${parsePointer(pointer).join('.')}\``;
    diagnostics.push(diagnostic('openapi-invalid', `${name} must be a mapping, not ${found}`, where(root, pointer)));
    return undefined;
  };

  const importComponent = (file: SourceFile, section: string, name: string, from: Location): boolean => {
    const key = `${section}/${name}`;
    const previous = imported.get(key);
    if (previous) {
      if (previous === file) return true;
      diagnostics.push(
        diagnostic('ref-name-collision', `component '${key}' comes from both '${previous.path}' and '${file.path}'`, from),
      );
      return false;
    }
    const sectionMap = componentSection(section);
    if (!sectionMap) return false;
    const sourcePointer = appendPointer('/components', section, name);
    // `Name: {$ref: '<file>#/components/<section>/Name'}` in the contract is an alias of the very
    // component being imported: the import takes its place.
    if (Object.hasOwn(sectionMap, name) && !isAliasOf(sectionMap[name], file.path, sourcePointer)) {
      diagnostics.push(
        diagnostic('ref-name-collision', `component '${key}' of '${file.path}' has the name of a local component`, from),
      );
      return false;
    }
    imported.set(key, file);
    importedPointers.add(sourcePointer);
    const copy = structuredClone(getAtPointer(file.value, sourcePointer));
    sectionMap[name] = copy;
    origins.push({ prefix: sourcePointer, file, pointer: sourcePointer });
    walk(copy, file, sourcePointer);
    return true;
  };

  // Rewrites every reference of `node` (which lies in `file` at `filePointer`) to a local one.
  // The pointer of a node is only spelled out when it is needed, which keeps this walk cheap on
  // documents with millions of nodes.
  const walk = (node: unknown, file: SourceFile, filePointer: string): void => {
    const tokens: Array<string | number> = [];
    // Depth first and in document order, with a stack of its own (three arrays side by side): a
    // document may nest deeper than the call stack goes. A depth is the length of a node's token path.
    const values: unknown[] = [node];
    const depths: number[] = [0];
    const keys: Array<string | number | undefined> = [undefined];
    // A YAML alias makes one value appear at many places, or inside itself: it is walked once.
    // Parsed JSON is a tree, where no value is met twice.
    const seen = file.aliases ? new Set<object>() : undefined;
    while (values.length > 0) {
      const value = values.pop();
      const depth = depths.pop() as number;
      const key = keys.pop();
      tokens.length = Math.max(depth - 1, 0);
      if (key !== undefined) tokens.push(key);
      if (value === null || typeof value !== 'object') continue;
      if (seen) {
        if (seen.has(value)) continue;
        seen.add(value);
      }
      if (Array.isArray(value)) {
        for (let index = value.length - 1; index >= 0; index -= 1) {
          values.push(value[index]);
          depths.push(depth + 1);
          keys.push(index);
        }
        continue;
      }
      // Imported components are walked once, in their own file, when they are imported.
      if (file === root && tokens.length <= 3 && importedPointers.size > 0 && importedPointers.has(appendPointer(filePointer, ...tokens))) continue;
      const record = value as Record<string, unknown>;
      const ref = record.$ref;
      if (typeof ref === 'string') {
        const refPointer = (): string => appendPointer(filePointer, ...tokens, '$ref');
        const hash = ref.indexOf('#');
        if (hash === 0 && file === root) {
          if (!localTargets.has(ref)) localTargets.set(ref, getAtPointer(root.value, fragmentToPointer(ref)) !== undefined);
          if (localTargets.get(ref) === false) resolveRef(record, ref, root, fragmentToPointer(ref), where(file, refPointer()));
        } else {
          if (readOnly) throw externalRefFound;
          const from = where(file, refPointer());
          const target = hash === -1 ? ref : ref.slice(0, hash);
          const fragment = hash === -1 ? '' : ref.slice(hash);
          const targetFile = target === '' ? file : readFile(posix.normalize(posix.join(posix.dirname(file.path), target)), from, ref);
          if (targetFile) resolveRef(record, ref, targetFile, fragmentToPointer(fragment), from);
        }
      }
      const last = tokens[tokens.length - 1];
      const literals = typeof last !== 'string' || !namedMaps.has(last);
      const exampleObject = tokens[tokens.length - 2] === 'examples';
      const children = Object.keys(record);
      for (let index = children.length - 1; index >= 0; index -= 1) {
        const child = children[index] as string;
        if (child === '$ref') continue;
        // Examples, defaults and enum values are data: a `$ref` in them is no reference.
        if (literals && (literalKeywords.has(child) || (child === 'examples' && Array.isArray(record[child])) || (child === 'value' && exampleObject))) continue;
        values.push(record[child]);
        depths.push(depth + 1);
        keys.push(child);
      }
    }
  };
  // Whether each local `$ref` of the root file resolves, so a reference used a thousand times is looked up once.
  const localTargets = new Map<string, boolean>();
  // The references bundling wrote, in place of references into other files.
  const bundledRefs = new Set<string>();

  const resolveRef = (
    record: Record<string, unknown>,
    ref: string,
    targetFile: SourceFile,
    targetPointer: string,
    from: Location,
  ): void => {
    if (getAtPointer(targetFile.value, targetPointer) === undefined) {
      const inFile = targetFile === root ? '' : ` in '${targetFile.path}'`;
      const hint = suggestTarget(targetFile.value, targetPointer);
      diagnostics.push(diagnostic('ref-unresolved', `$ref '${ref}' points to nothing${inFile}`, from, hint));
      return;
    }
    if (targetFile === root) return;
    const match = componentPointer.exec(targetPointer);
    if (!match) {
      diagnostics.push(diagnostic('ref-unsupported', `$ref '${ref}' does not name a component of '${targetFile.path}'`, from));
      return;
    }
    const [, section = '', name = ''] = match;
    const [decodedName = name] = parsePointer(`/${name}`);
    if (importComponent(targetFile, section, decodedName, from)) {
      const local = `#${appendPointer('/components', section, decodedName)}`;
      record.$ref = local;
      bundledRefs.add(local);
    }
  };

  // A JSON document whose references are all local and all resolve has nothing to bundle or
  // report: its text says so without a walk. Otherwise a self-contained document (most large
  // public ones) is walked as parsed; at the first external reference the walk starts again on a
  // copy, which bundling may change.
  const before = diagnostics.length;
  const found = root.json ? resolvedLocalRefs(root) : undefined;
  try {
    if (found) for (const ref of found) localTargets.set(ref, true);
    else walk(document, root, '');
  } catch (error) {
    if (error !== externalRefFound) throw error;
    diagnostics.length = before;
    localTargets.clear();
    bundledRefs.clear();
    readOnly = false;
    document = structuredClone(root.value) as Record<string, unknown>;
    walk(document, root, '');
  }

  // The file a pointer of the bundled document comes from, and its pointer there.
  const origin = (pointer: string): { file: SourceFile; pointer: string } => {
    let best: Origin | undefined;
    for (const candidate of origins) {
      const inside = pointer === candidate.prefix || pointer.startsWith(`${candidate.prefix}/`);
      if (inside && (!best || candidate.prefix.length > best.prefix.length)) best = candidate;
    }
    if (!best) return { file: root, pointer };
    return { file: best.file, pointer: best.pointer + pointer.slice(best.prefix.length) };
  };
  const locate = (pointer: string): Location => {
    const found = origin(pointer);
    return where(found.file, found.pointer);
  };
  const locateAll = (pointers: Iterable<string>): Map<string, Location> => {
    const byFile = new Map<SourceFile, Map<string, string>>();
    for (const pointer of pointers) {
      const found = origin(pointer);
      const entries = byFile.get(found.file) ?? new Map<string, string>();
      entries.set(pointer, found.pointer);
      byFile.set(found.file, entries);
    }
    const located = new Map<string, Location>();
    for (const [file, entries] of byFile) {
      const positions = file.positionsOf(entries.values());
      for (const [pointer, filePointer] of entries) located.set(pointer, { file: file.path, ...positionOf(file, filePointer, positions), pointer: filePointer });
    }
    return located;
  };

  const refs = new Set([...localTargets.keys(), ...bundledRefs]);
  return { contract: { path, document, files, locate, locateAll, refs }, diagnostics };
}

const isMapping = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Every `$ref` of a JSON file, read from its text, when all of them are local and resolve;
 * otherwise (or when an escaped character could spell a `$ref` the text search misses) undefined,
 * and the document is walked. A `$ref` in an example is found too: it is not a reference, but
 * resolving it does no harm, and one that does not resolve sends the document to the walk, which
 * knows examples.
 */
function resolvedLocalRefs(file: SourceFile): Set<string> | undefined {
  const text = scannedText(file.source);
  if (/\\u00[0-7]/.test(text)) return undefined;
  const refs = new Set<string>();
  const pattern = /"\$ref"\s*:\s*"((?:[^"\\]|\\.)*)"/g;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const raw = match[1] ?? '';
    refs.add(raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw);
  }
  for (const ref of refs) {
    if (!ref.startsWith('#') || getAtPointer(file.value, fragmentToPointer(ref)) === undefined) return undefined;
  }
  return refs;
}

// Thrown to leave a read-only walk that met a reference into another file.
const externalRefFound = new Error('external reference');

// When a component name is close to an existing one, the hint names it.
function suggestTarget(root: unknown, pointer: string): string | undefined {
  const tokens = parsePointer(pointer);
  const name = tokens.at(-1);
  const parent = getAtPointer(root, pointer.slice(0, pointer.lastIndexOf('/')));
  if (name === undefined || parent === null || typeof parent !== 'object') return undefined;
  const candidates = Object.keys(parent);
  const close = candidates.find((candidate) => candidate.toLowerCase() === name.toLowerCase()) ??
    candidates.find((candidate) => editDistance(candidate, name) <= 2);
  if (close === undefined) return `no '${name}' is defined there; define it or correct the reference`;
  return `did you mean '${close}'?`;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = row[j] ?? 0;
      row[j] = Math.min(above + 1, (row[j - 1] ?? 0) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] ?? 0;
}
