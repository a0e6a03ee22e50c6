import { Fixtures, type World } from './fixtures.ts';
import { describeError, fail, skip } from './model.ts';
import type { Target } from './target.ts';
import { defaultTimeLimitMs, withinTimeLimit } from './time-limit.ts';

/** The resources of the world, each with the words a skipped check names it by. */
const resources = [
  ['studyId', 'a study'],
  ['imageId', 'an image'],
  ['assessmentId', 'an assessment'],
  ['reviewId', 'a review'],
] as const;

type ResourceField = (typeof resources)[number][0];

/** What seeding did for one resource: its id, or why there is none. */
export interface SeedStep {
  field: ResourceField;
  /** `a study`, as a skipped check names what it needed. */
  noun: string;
  /** The API version and operation that create it, e.g. `study/v2 registerStudy`. */
  via: string;
  id?: string;
  /** Why it was not created; undefined when it was. */
  missing?: string;
  /** The step was not tried because a resource it needs is missing. */
  blocked: boolean;
}

/**
 * The seed data of a run, created resource by resource so that one the implementation refuses does
 * not stop the run: a check that needs a missing resource is skipped with the reason ("needs a
 * study: setup study/v2 registerStudy as clinic_uploader failed: http_404: ..."), and every check
 * that needs none still runs. Each step has its own time limit.
 */
export class SeedingFixtures extends Fixtures {
  private readonly timeoutMs: number;
  private seeded: World | undefined;
  private readonly outcomes = new Map<ResourceField, SeedStep>();

  constructor(target: Target, seed: number, timeoutMs = defaultTimeLimitMs) {
    super(target, seed);
    this.timeoutMs = timeoutMs;
  }

  /** The world; reading a resource that could not be created skips the check that reads it. */
  override get world(): World {
    if (!this.seeded) throw new Error('setup() has not run');
    return this.seeded;
  }

  /** What each seeding step did, in order. */
  get steps(): SeedStep[] {
    return [...this.outcomes.values()];
  }

  /**
   * Creates a study, an image with its content, an assessment and a QUALITY review through REST, as
   * far as the implementation allows; never throws for what the implementation answers.
   */
  override async setup(): Promise<World> {
    const world = { technicianId: await this.subjectOf('technician'), doctorId: await this.subjectOf('doctor') } as World;
    for (const [field, noun] of resources) {
      Object.defineProperty(world, field, {
        enumerable: true,
        get: () => {
          const step = this.outcomes.get(field);
          return step?.id ?? skip(`needs ${noun}: ${step?.missing ?? 'the seed data is not created yet'}`);
        },
      });
    }
    this.seeded = world;
    await this.step('studyId', 'study/v2 registerStudy', [], async () => String((await this.call('study/v2', 'registerStudy', { body: this.studyV2Body() }, 'clinic_uploader')).id));
    await this.step('imageId', 'image/v1 uploadImageContent', ['studyId'], async () => {
      // The upload recipe registers a fresh image of the study and gives the content to upload.
      const upload = await this.prepare(...this.operation('image/v1', 'uploadImageContent'));
      await this.call('image/v1', 'uploadImageContent', upload.input, upload.role);
      return String(upload.input.path?.imageId);
    });
    await this.step('assessmentId', 'review/v1 recordAssessment', ['studyId', 'imageId'], async () => {
      const { studyId, imageId } = world;
      const body = { studyId, algorithm: { name: 'conformance', version: '1' }, status: 'completed', findings: [{ id: 'f1', code: { system: 'http://snomed.info/sct', code: '43116000', display: 'Eczema' }, confidence: 0.5, imageId }], quality: { gradable: true, issues: [] } };
      return String((await this.call('review/v1', 'recordAssessment', { body }, 'ai_service')).id);
    });
    await this.step('reviewId', 'review/v1 createReview', ['studyId', 'imageId'], async () => (await this.freshReview()).id);
    return world;
  }

  private async step(field: ResourceField, via: string, needs: ResourceField[], make: () => Promise<string>): Promise<void> {
    const noun = resources.find(([name]) => name === field)![1];
    const blocker = needs.map((need) => this.outcomes.get(need)).find((step) => step?.missing !== undefined);
    if (blocker) {
      this.outcomes.set(field, { field, noun, via, missing: `it needs ${blocker.noun}: ${blocker.missing}`, blocked: true });
      return;
    }
    try {
      this.outcomes.set(field, { field, noun, via, id: await withinTimeLimit(this.timeoutMs, make), blocked: false });
    } catch (error) {
      const reason = describeError(error);
      this.outcomes.set(field, { field, noun, via, missing: reason.startsWith('setup: ') ? `setup ${reason.slice('setup: '.length)}` : `setup ${via}: ${reason}`, blocked: false });
    }
  }

  private operation(key: string, operationId: string) {
    const api = this.target.apis.find((candidate) => candidate.key === key)?.api;
    const operation = api?.operations.find((candidate) => candidate.id === operationId);
    if (!api || !operation) return fail(`setup needs ${key} ${operationId}, which the contracts do not have`);
    return [api, operation] as const;
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
