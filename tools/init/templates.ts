/**
 * The files of a new contract-first repository (`trident init`), as pure functions of the
 * project's name and Trident's version. Nothing here touches the disk.
 */
import { sampleContract } from './contract.ts';

export interface ScaffoldOptions {
  /** The npm package name of the new project. */
  name: string;
  /** The version range of trident the project depends on. */
  tridentRange: string;
  /** What the generated code imports (openapi-fetch, @bufbuild/protobuf, @grpc/grpc-js), with trident's own ranges. */
  runtimeDependencies: Record<string, string>;
  /** What `generate` and the other tools need besides trident's runtime, with trident's own ranges. */
  toolDependencies: Record<string, string>;
  /** The proto package prefix: lower-case segments. */
  protoPackage: string;
}

/** The files to write, by path relative to the new project's root. */
export function scaffoldFiles(options: ScaffoldOptions): Map<string, string> {
  const files = new Map<string, string>();
  files.set('package.json', `${JSON.stringify(packageJson(options), null, 2)}\n`);
  files.set('trident.config.json', `${JSON.stringify({ contracts: 'contracts', output: 'generated', protoPackage: options.protoPackage, clients: { name: '{api}-v{major}-client' }, serve: { handlers: 'src/handlers.ts' } }, null, 2)}\n`);
  files.set('contracts/notes/v1/openapi.yaml', sampleContract);
  files.set('contracts/notes/v1/CHANGELOG.yaml', changelog);
  files.set('src/handlers.ts', handlers);
  files.set('tsconfig.json', `${JSON.stringify(tsconfig, null, 2)}\n`);
  files.set('.gitignore', 'node_modules/\n.cache/\n.trident/\ndist/\n');
  files.set('.github/workflows/contracts.yml', workflow);
  files.set('README.md', readme(options));
  return files;
}

function packageJson(options: ScaffoldOptions): object {
  return {
    name: options.name,
    version: '0.1.0',
    private: true,
    type: 'module',
    engines: { node: '>=22.18' },
    scripts: {
      generate: 'trident generate',
      check: 'trident generate --check && tsc -p tsconfig.json',
      breaking: 'trident breaking --base origin/main',
      start: 'trident serve',
      test: 'trident conformance --self',
    },
    // trident serves in production; the generators and the other tools are for development and CI only.
    dependencies: { trident: options.tridentRange, ...options.runtimeDependencies },
    devDependencies: options.toolDependencies,
  };
}

const changelog = `# Breaking changes inside this major version, each acknowledged on purpose with a reason:
#   - fingerprint: 3f9a1c0d2b7e      # as \`trident breaking\` prints it
#     reason: Why clients are not hurt.
acknowledged: []
`;

const tsconfig = {
  compilerOptions: {
    target: 'ES2023',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noUncheckedIndexedAccess: true,
    verbatimModuleSyntax: true,
    erasableSyntaxOnly: true,
    allowImportingTsExtensions: true,
    noEmit: true,
    skipLibCheck: true,
    lib: ['ES2023'],
    types: [],
  },
  include: ['src', 'generated/ts'],
};

const handlers = `/**
 * The implementation of every API version of this project, served by \`trident serve\` over REST,
 * GraphQL and gRPC. Each operation is one function of the contract's JSON; the generated
 * interface (generated/ts/<api>/v<major>/server.ts) makes a handler that drifts from the contract
 * a compile error (\`npm run check\`).
 */
import { randomBytes } from 'node:crypto';
import { ApiError } from 'trident/server';
import type { NotesV1Handlers } from '../generated/ts/notes/v1/server.ts';

interface Note {
  id: string;
  orgId: string;
  title: string;
  body?: string;
  status: 'draft' | 'published';
  createdAt: string;
}

// Kept in memory: replace with your database.
const notes = new Map<string, Note>();

const newId = (): string => \`note_\${randomBytes(12).toString('base64url').replace(/[^0-9A-Za-z]/g, 'x')}\`;

function find(orgId: string, noteId: string): Note {
  const note = notes.get(noteId);
  // Another organisation's note answers "not found", as a missing one does.
  if (!note || note.orgId !== orgId) throw new ApiError('not_found', \`note \${noteId} does not exist\`);
  return note;
}

const view = ({ orgId: _orgId, ...note }: Note) => note;

const notesV1: NotesV1Handlers = {
  async listNotes(input, context) {
    const mine = [...notes.values()].filter((note) => note.orgId === context.principal.orgId);
    return { items: mine.reverse().slice(0, input.query.limit ?? 20).map(view) };
  },
  async createNote(input, context) {
    const note: Note = { id: newId(), orgId: context.principal.orgId, ...input.body, status: input.body.status ?? 'draft', createdAt: new Date().toISOString() };
    notes.set(note.id, note);
    return view(note);
  },
  async getNote(input, context) {
    return view(find(context.principal.orgId, input.path.noteId));
  },
  async deleteNote(input, context) {
    find(context.principal.orgId, input.path.noteId);
    notes.delete(input.path.noteId);
  },
};

export default { 'notes/v1': notesV1 };
`;

const workflow = `name: contracts
on:
  pull_request:
  push:
    branches: [main]
jobs:
  contracts:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: actions/setup-node@v4
        with:
          node-version: 24
      - run: npm ci
      # Generated code must be exactly what the contracts produce.
      - run: npx trident generate --check
      # No breaking change inside a major version unless CHANGELOG.yaml acknowledges it.
      - run: npx trident breaking --base origin/main --format github
      - run: npx tsc -p tsconfig.json
      # The implementation against its contracts, over REST, GraphQL and gRPC.
      - run: npx trident conformance --self
`;

function readme(options: ScaffoldOptions): string {
  return `# ${options.name}

Contract-first APIs with Trident: each API version is one OpenAPI contract under
\`contracts/<api>/v<major>/openapi.yaml\`, compiled into REST, GraphQL and gRPC.

\`\`\`sh
npm install
npx trident generate      # generated/: OpenAPI, GraphQL, proto, TypeScript types, server interfaces, clients
npx trident serve         # the handlers of src/handlers.ts over REST, GraphQL and gRPC, in dev mode
npx trident conformance --self
npx trident breaking --base origin/main
\`\`\`

Settings are in \`trident.config.json\`.
`;
}
