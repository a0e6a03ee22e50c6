import type { Operation } from '../compiler/ir.ts';
import { Fixtures, type World } from './fixtures.ts';
import { describeError, fail, skip } from './model.ts';
import { planSeed, type Creator, type PlannedStep, type Providers } from './seed-plan.ts';
import type { Target } from './target.ts';
import { defaultTimeLimitMs, withinTimeLimit } from './time-limit.ts';

/** What seeding did for one resource: its id, or why there is none. */
export interface SeedStep {
  /** The API version of the operation that creates it. */
  api: string;
  /** The path parameter its id fills, e.g. `noteId`. */
  parameter: string;
  /** `a note`, as a skipped check names what it needed. */
  noun: string;
  /** The API version and operation that create it, e.g. `notes/v1 createNote`. */
  via: string;
  id?: string;
  /** Why it was not created; undefined when it was. */
  missing?: string;
  /** The step was not tried because a resource it needs is missing. */
  blocked: boolean;
}

interface WrittenSeed {
  /** The parameters whose resources it needs first. */
  needs: string[];
  make(fixtures: SeedingFixtures): Promise<string>;
}

/**
 * Seeds written down for creators of this repository's contracts, where a generated create would
 * not do: an image with its content (downloads read it), an assessment with a finding on that
 * image, a QUALITY review assigned to the technician. Every other creator, the studies' included
 * (their recipes give the bodies), is called with the input the fixtures prepare for it.
 */
const writtenSeeds: Record<string, WrittenSeed> = {
  'image/v1 createImage': {
    needs: ['studyId'],
    async make(f) {
      // The upload recipe registers a fresh image of the study and gives the content to upload.
      const api = f.target.apis.find((candidate) => candidate.key === 'image/v1')?.api;
      const operation = api?.operations.find((candidate) => candidate.id === 'uploadImageContent');
      if (!api || !operation) return fail('setup needs image/v1 uploadImageContent, which the contracts do not have');
      const upload = await f.prepare(api, operation);
      await f.call('image/v1', 'uploadImageContent', upload.input, upload.role);
      return String(upload.input.path?.imageId);
    },
  },
  'review/v1 recordAssessment': {
    needs: ['studyId', 'imageId'],
    async make(f) {
      const [studyId, imageId] = [f.need('review/v1', 'studyId'), f.need('review/v1', 'imageId')];
      const body = { studyId, algorithm: { name: 'conformance', version: '1' }, status: 'completed', findings: [{ id: 'f1', code: { system: 'http://snomed.info/sct', code: '43116000', display: 'Eczema' }, confidence: 0.5, imageId }], quality: { gradable: true, issues: [] } };
      return String((await f.call('review/v1', 'recordAssessment', { body }, 'ai_service')).id);
    },
  },
  'review/v1 createReview': { needs: ['studyId', 'imageId'], make: async (f) => (await f.freshReview()).id },
};

const keyOf = (creator: Creator): string => `${creator.api} ${creator.operation.id}`;

export interface SeedingOptions {
  /** The API versions under test: the seed data is what they need. */
  underTest: readonly string[];
  /** Parameters a flow written down names (`${studyId}`), seeded as well. */
  wanted?: readonly string[];
  /** How long one step may take. */
  timeoutMs?: number;
}

/**
 * The seed data of a run, derived from the contracts (seed-plan.ts): for each API version under
 * test, one resource of every kind its operations name, created through REST by the operation the
 * contract gives for it, as a role its security allows. Each step runs on its own, under its own
 * time limit, so one the implementation refuses does not stop the run: a check that needs a
 * missing resource is skipped with the reason ("needs a note: setup notes/v1 createNote as writer
 * failed: http_404: ..."), and every check that needs none still runs.
 */
export class SeedingFixtures extends Fixtures {
  private readonly options: SeedingOptions;
  private users: World | undefined;
  private providers: Providers | undefined;
  private readonly outcomes = new Map<Creator, SeedStep>();

  constructor(target: Target, seed: number, options: SeedingOptions) {
    super(target, seed);
    this.options = options;
  }

  override get world(): World {
    if (!this.users) throw new Error('setup() has not run');
    return this.users;
  }

  /** What each seeding step did, in order. */
  get steps(): SeedStep[] {
    return [...this.outcomes.values()];
  }

  /** Creates the resources of the plan, as far as the implementation allows; never throws for what it answers. */
  override async setup(): Promise<World> {
    this.users = { technicianId: await this.subjectOf('technician'), doctorId: await this.subjectOf('doctor') };
    const plan = planSeed(
      this.target.apis.map((loaded) => loaded.api),
      new Set(this.options.underTest),
      (creator) => writtenSeeds[keyOf(creator)]?.needs,
      this.options.wanted,
    );
    this.providers = plan.providers;
    for (const step of plan.steps) await this.run(step);
    return this.users;
  }

  override seededId(api: string | undefined, parameter: string, operation?: Operation): string | undefined {
    if (!this.providers) throw new Error('setup() has not run');
    const creator = this.providers.of(api, parameter, operation);
    if (!creator) return undefined;
    const step = this.outcomes.get(creator);
    return step?.id ?? skip(`needs ${creator.noun}: ${step?.missing ?? `${keyOf(creator)} is not part of the seed data of the API versions under test`}`);
  }

  override creates(api: string, operation: Operation): boolean {
    if (!this.providers) throw new Error('setup() has not run');
    return this.providers.creators.some((creator) => creator.api === api && creator.operation === operation);
  }

  override async freshId(api: string, parameter: string, operation: Operation): Promise<string | undefined> {
    if (!this.providers) throw new Error('setup() has not run');
    const creator = this.providers.of(api, parameter, operation);
    if (!creator) return undefined;
    // What the seed data could not create, a check cannot either: it is skipped with the same reason.
    this.seededId(api, parameter, operation);
    return this.create(creator);
  }

  private async run({ creator, needs }: PlannedStep): Promise<void> {
    const via = keyOf(creator);
    const step = { api: creator.api, parameter: creator.parameter, noun: creator.noun, via };
    const blocker = needs.find((need) => this.outcomes.get(need)?.id === undefined);
    if (blocker) {
      const missing = this.outcomes.get(blocker)?.missing ?? `${keyOf(blocker)} needs it in turn`;
      this.outcomes.set(creator, { ...step, missing: `it needs ${blocker.noun}: ${missing}`, blocked: true });
      return;
    }
    try {
      this.outcomes.set(creator, { ...step, id: await withinTimeLimit(this.options.timeoutMs ?? defaultTimeLimitMs, () => this.create(creator)), blocked: false });
    } catch (error) {
      const reason = describeError(error);
      this.outcomes.set(creator, { ...step, missing: reason.startsWith('setup: ') ? `setup ${reason.slice('setup: '.length)}` : `setup ${via}: ${reason}`, blocked: false });
    }
  }

  // The written seed, else the operation called with the input prepared for it; the id is read from the result.
  private async create(creator: Creator): Promise<string> {
    const written = writtenSeeds[keyOf(creator)];
    if (written) return written.make(this);
    const api = this.target.apis.find((loaded) => loaded.key === creator.api)!.api;
    const prepared = await this.prepare(api, creator.operation);
    const result = await this.call(creator.api, creator.operation.id, prepared.input, prepared.role);
    const id = result[creator.property];
    if (typeof id !== 'string' && typeof id !== 'number') return fail(`setup: ${keyOf(creator)} as ${prepared.role} answered no ${creator.property}`);
    return String(id);
  }

  // The user a role's token acts as (reviews are assigned to the technician's), or '' without one.
  private async subjectOf(role: string): Promise<string> {
    const token = await this.target.tokens.token('valid', role);
    if (typeof token !== 'string') return '';
    try {
      const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { sub?: unknown };
      return typeof claims.sub === 'string' ? claims.sub : '';
    } catch {
      return '';
    }
  }
}
