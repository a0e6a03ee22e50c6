import { createHash, randomUUID } from 'node:crypto';
import { rolesOf, type Api, type Operation } from '../compiler/ir.ts';
import type { OperationInput } from '../runtime/handler.ts';
import { inputSchema } from '../runtime/validate.ts';
import { gradientPng } from './png.ts';
import { CheckSkipped, fail, skip } from './model.ts';
import { nounOf, requiredBodyProperties } from './seed-plan.ts';
import { apiKey, type Target } from './target.ts';
import { keyOfRoles, rolesOfKey } from './tokens.ts';
import { resolveSchema, validValue } from './generate-inputs.ts';

/** A valid call of one operation: the input, the role that may make it, and what it refers to. */
export interface Prepared {
  input: OperationInput;
  role: string;
  /** The input names a resource of the organisation, so another organisation must get "not found". */
  refersToResource: boolean;
  /**
   * Pointers of values tied to the run's state (another resource's id, the content's digest, a
   * page token the server issued): a value generated from the schema alone names nothing, so the
   * checks that vary the input leave these as prepared.
   */
  tied?: string[];
}

/** The users the checks act as, beside the resources of the seed data. */
export interface World {
  /** The user the QUALITY reviews are assigned to (the technician token's subject). */
  technicianId: string;
  /** The doctor token's subject, for DIAGNOSTIC reviews. */
  doctorId: string;
}

const png = gradientPng(8, 8, [200, 150, 130], [120, 80, 60]);
const pngDigest = createHash('sha256').update(png).digest();

/** `need` gives the id of the run's own resource for a parameter of the recipe's API version. */
type Recipe = (fixtures: Fixtures, need: (parameter: string) => string) => Promise<Omit<Prepared, 'refersToResource'> & { refersToResource?: boolean }>;

/**
 * Valid inputs for the operations of the contracts in this repository, so checks reach the
 * handlers instead of drowning in "not found". Operations it does not know get an input generated
 * from their schema, with the ids of the seed data where the input names a resource.
 */
const recipes: Record<string, Recipe> = {
  'image/v1 createImage': async (f, need) => ({ role: 'clinic_uploader', input: { body: f.imageBody(need('studyId')) }, refersToResource: true }),
  'image/v1 listImages': async (_, need) => ({ role: 'doctor', input: { query: { studyId: need('studyId'), limit: 5 } }, refersToResource: false, tied: ['/query/cursor'] }),
  'image/v1 getImage': async (_, need) => ({ role: 'doctor', input: { path: { imageId: need('imageId') } } }),
  'image/v1 uploadImageContent': async (f) => {
    const image = await f.freshImage();
    return { role: 'clinic_uploader', input: { path: { imageId: image.id }, header: { 'Content-Digest': `sha-256=:${pngDigest.toString('base64')}:` }, body: { contentType: 'image/png', bytes: png } }, tied: ['/header/Content-Digest'] };
  },
  'image/v1 downloadImageContent': async (_, need) => ({ role: 'doctor', input: { path: { imageId: need('imageId') } } }),
  'image/v1 rejectImage': async (f) => {
    const image = await f.freshImage();
    return { role: 'technician', input: { path: { imageId: image.id }, header: { 'If-Match': `"${image.version}"` }, body: { reason: 'quality', comment: 'conformance' } } };
  },
  'review/v1 recordAssessment': async (_, need) => ({
    role: 'ai_service',
    input: { body: { studyId: need('studyId'), algorithm: { name: 'conformance', version: '1' }, status: 'completed', findings: [], quality: { gradable: true, issues: [] } } },
    tied: ['/body/findings'],
  }),
  'review/v1 listAssessments': async (_, need) => ({ role: 'doctor', input: { query: { studyId: need('studyId'), limit: 5 } }, refersToResource: false, tied: ['/query/cursor'] }),
  'review/v1 getAssessment': async (_, need) => ({ role: 'doctor', input: { path: { assessmentId: need('assessmentId') } } }),
  'review/v1 createReview': async (_, need) => ({ role: 'org_admin', input: { body: { studyId: need('studyId'), kind: 'QUALITY', imageId: need('imageId'), priority: 'routine' } }, tied: ['/body/imageId', '/body/assessmentId', '/body/assigneeId'] }),
  'review/v1 listReviews': async (_, need) => ({ role: 'doctor', input: { query: { studyId: need('studyId'), limit: 5 } }, refersToResource: false, tied: ['/query/cursor'] }),
  'review/v1 getReview': async (_, need) => ({ role: 'doctor', input: { path: { reviewId: need('reviewId') } } }),
  'review/v1 assignReview': async (f) => {
    const review = await f.freshReview();
    return { role: 'org_admin', input: { path: { reviewId: review.id }, header: { 'If-Match': `"${review.version}"` }, body: { assigneeId: f.world.technicianId } }, tied: ['/body/assigneeId'] };
  },
  'review/v1 startReview': async (f) => {
    const review = await f.freshReview();
    return { role: 'technician', input: { path: { reviewId: review.id }, header: { 'If-Match': `"${review.version}"` } } };
  },
  'review/v1 submitReview': async (f) => {
    const review = await f.freshReview();
    const started = await f.call('review/v1', 'startReview', { path: { reviewId: review.id }, header: { 'If-Match': `"${review.version}"` } }, 'technician');
    return { role: 'technician', input: { path: { reviewId: review.id }, header: { 'If-Match': `"${started.version}"` }, body: { qualityIssues: [], comments: 'conformance' } }, tied: ['/body/findingVerdicts'] };
  },
  'review/v1 cancelReview': async (f) => {
    const review = await f.freshReview();
    return { role: 'org_admin', input: { path: { reviewId: review.id }, header: { 'If-Match': `"${review.version}"` }, body: { reason: 'conformance' } } };
  },
  'study/v1 registerStudy': async (f) => ({ role: 'clinic_uploader', input: { body: f.studyV1Body() }, refersToResource: false }),
  'study/v1 listStudies': async () => ({ role: 'doctor', input: { query: { limit: 5 } }, refersToResource: false, tied: ['/query/cursor'] }),
  'study/v1 getStudy': async (_, need) => ({ role: 'doctor', input: { path: { studyId: need('studyId') } } }),
  'study/v1 updateStudy': async (f) => {
    const study = await f.freshStudy('study/v1');
    return { role: 'clinic_uploader', input: { path: { studyId: study.id }, header: { 'If-Match': `"${study.version}"` }, body: { accessionNumber: 'CONF-1' } } };
  },
  'study/v1 cancelStudy': async (f) => {
    const study = await f.freshStudy('study/v1');
    return { role: 'org_admin', input: { path: { studyId: study.id }, header: { 'If-Match': `"${study.version}"` }, body: { reason: 'conformance' } } };
  },
  'study/v2 registerStudy': async (f) => ({ role: 'clinic_uploader', input: { body: f.studyV2Body() }, refersToResource: false }),
  'study/v2 listStudies': async () => ({ role: 'doctor', input: { query: { pageSize: 5 } }, refersToResource: false, tied: ['/query/pageToken'] }),
  'study/v2 getStudy': async (_, need) => ({ role: 'doctor', input: { path: { studyId: need('studyId') } } }),
  'study/v2 updateStudy': async (f) => {
    const study = await f.freshStudy('study/v2');
    return { role: 'clinic_uploader', input: { path: { studyId: study.id }, header: { 'If-Match': `"${study.version}"` }, body: { startedAt: '2026-01-02T03:04:05.000Z' } } };
  },
  'study/v2 cancelStudy': async (f) => {
    const study = await f.freshStudy('study/v2');
    return { role: 'org_admin', input: { path: { studyId: study.id }, header: { 'If-Match': `"${study.version}"` }, body: { reason: 'conformance' } } };
  },
  'study/v2 getStudySubjectIdentity': async (_, need) => ({ role: 'org_admin', input: { path: { studyId: need('studyId') } } }),
  'review/v1 watchReviewProgress': async (_, need) => ({ role: 'doctor', input: { path: { studyId: need('studyId') } } }),
};

/**
 * Valid calls of the operations under test: written down for the contracts of this repository,
 * generated from the schemas for any other, with the ids of the resources the seed data created
 * (seed-data.ts) wherever an input names one.
 */
export abstract class Fixtures {
  readonly target: Target;
  private readonly seed: number;
  private counter = 0;

  constructor(target: Target, seed: number) {
    this.target = target;
    this.seed = seed;
  }

  /** The users the checks act as. */
  abstract get world(): World;

  /** Creates the seed data through the API. */
  abstract setup(): Promise<World>;

  /** Whether `operation` of `api` creates a resource of the seed data's kinds. */
  abstract creates(api: string, operation: Operation): boolean;

  /**
   * The id of the run's own resource that fills `parameter` for an operation of `api` (a path
   * parameter of `operation` when given); undefined when no operation of the contracts creates
   * one; skips the check, with the reason, when its creation failed.
   */
  abstract seededId(api: string | undefined, parameter: string, operation?: Operation): string | undefined;

  /**
   * A new resource of the kind `parameter` names, created as the seed data's was, for an operation
   * that may use it up (a delete, a cancellation); undefined when no operation creates one.
   */
  abstract freshId(api: string, parameter: string, operation: Operation): Promise<string | undefined>;

  /** As `seededId`, and a check that needs a resource nothing creates is skipped too. */
  need(api: string, parameter: string): string {
    return this.seededId(api, parameter) ?? skip(`needs ${nounOf(parameter)}: no operation of the contracts creates one`);
  }

  /** Whether the fixtures know the contracts (else only generated inputs are available). */
  knows(api: Api): boolean {
    return api.operations.some((operation) => recipes[`${apiKey(api)} ${operation.id}`] !== undefined);
  }

  /** A valid call of `operation`; recipes that need a resource of their own create it first. */
  async prepare(api: Api, operation: Operation): Promise<Prepared> {
    const key = apiKey(api);
    const recipe = recipes[`${key} ${operation.id}`];
    if (recipe) {
      const prepared = await recipe(this, (parameter) => this.need(key, parameter));
      return { ...prepared, refersToResource: prepared.refersToResource ?? true };
    }
    return this.generated(api, operation);
  }

  /**
   * An input generated from the operation's schema, its path parameters and the required ids of
   * its body (a property named as a created parameter) those of the seed data; only the ids the
   * operation uses are read, so a resource that could not be created skips only the checks that
   * need it. A write acts on a resource of its own (the item its path ends with), so a delete
   * or a cancellation does not take the seed data's away from the checks after it.
   */
  private async generated(api: Api, operation: Operation): Promise<Prepared> {
    const key = apiKey(api);
    const schema = inputSchema(api, operation) as { properties: Record<string, unknown> };
    const input = (validValue(api, schema, this.seed) ?? {}) as OperationInput;
    this.withOptionalQuery(api, operation, input);
    const actedOn = operation.kind === 'mutation' && !this.creates(key, operation) ? [...operation.path.matchAll(/\{([^}/]+)\}/g)].at(-1)?.[1] : undefined;
    for (const parameter of operation.parameters) {
      if (parameter.in !== 'path') continue;
      const id = parameter.name === actedOn ? await this.freshId(key, parameter.name, operation) : this.seededId(key, parameter.name, operation);
      if (id !== undefined) (input.path ??= {})[parameter.name] = id;
    }
    const body = input.body as Record<string, unknown> | undefined;
    if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
      for (const name of requiredBodyProperties(api, operation)) {
        const id = name === 'id' || !(name in body) ? undefined : this.seededId(key, name);
        if (id !== undefined) body[name] = id;
      }
    }
    return { input, role: await this.roleFor(operation), refersToResource: operation.parameters.some((parameter) => parameter.in === 'path') };
  }

  /**
   * Gives the optional query parameters that are numbers, booleans or enums a valid value too
   * (`limit`), so the checks of invalid inputs and of variables have them to work on. Free text
   * stays out: a page token or cursor is valid only as the server handed it out.
   */
  private withOptionalQuery(api: Api, operation: Operation, input: OperationInput): void {
    const query = (inputSchema(api, operation) as { properties: { query?: { properties: Record<string, unknown> } } }).properties.query?.properties ?? {};
    for (const [name, schema] of Object.entries(query)) {
      const resolved = resolveSchema(api, schema);
      const type = Array.isArray(resolved.type) ? resolved.type.find((item) => item !== 'null') : resolved.type;
      if (input.query?.[name] !== undefined || !(Array.isArray(resolved.enum) || type === 'integer' || type === 'number' || type === 'boolean')) continue;
      try {
        const value = validValue(api, schema, this.seed);
        if (value !== undefined) (input.query ??= {})[name] = value;
      } catch (error) {
        if (!(error instanceof CheckSkipped)) throw error;
      }
    }
  }

  /**
   * A role key (see `rolesOfKey`) that satisfies one of the operation's security requirements and
   * the token source has a token for: a single role where one suffices, else every role of the
   * requirement. The first such key when there is none (the check then says why), '' for a public
   * operation.
   */
  async roleFor(operation: Operation): Promise<string> {
    const keys = [...new Set(operation.security.map((requirement) => keyOfRoles(rolesOf(requirement)) || (this.target.roles[0] ?? '')))].sort(
      (a, b) => rolesOfKey(a).length - rolesOfKey(b).length,
    );
    for (const key of keys) if (typeof (await this.target.tokens.token('valid', key)) === 'string') return key;
    return keys[0] ?? '';
  }

  /** Calls an operation through REST as `role` and returns its JSON result, failing the check on an error. */
  async call(key: string, operationId: string, input: OperationInput, role: string): Promise<Record<string, unknown>> {
    const loaded = this.target.apis.find((candidate) => candidate.key === key);
    if (!loaded) fail(`setup needs ${key}, which the contracts do not have`);
    const token = await this.target.tokens.token('valid', role);
    if (typeof token !== 'string') fail(`setup: ${token.skipped}`);
    const outcome = await this.target.callers.rest.call(loaded!.api, operationId, input, token as string);
    if (!outcome.ok) fail(`setup: ${key} ${operationId} as ${role} failed: ${outcome.code}: ${outcome.message}`);
    return ((outcome as { value: unknown }).value ?? {}) as Record<string, unknown>;
  }

  async freshStudy(key: 'study/v1' | 'study/v2'): Promise<{ id: string; version: unknown }> {
    const study = await this.call(key, 'registerStudy', { body: key === 'study/v1' ? this.studyV1Body() : this.studyV2Body() }, 'clinic_uploader');
    return { id: String(study.id), version: study.version };
  }

  async freshImage(): Promise<{ id: string; version: unknown }> {
    const image = await this.call('image/v1', 'createImage', { body: this.imageBody(this.need('image/v1', 'studyId')) }, 'clinic_uploader');
    return { id: String(image.id), version: image.version };
  }

  async freshReview(): Promise<{ id: string; version: unknown }> {
    const body = { studyId: this.need('review/v1', 'studyId'), kind: 'QUALITY', imageId: this.need('review/v1', 'imageId'), assigneeId: this.world.technicianId, priority: 'routine' };
    const review = await this.call('review/v1', 'createReview', { body }, 'org_admin');
    return { id: String(review.id), version: review.version };
  }

  /** A unique marker, so what one check writes can be told from everything else. */
  marker(): string {
    this.counter += 1;
    return `CONF-${this.seed.toString(36)}-${this.counter}-${randomUUID().slice(0, 8)}`;
  }

  studyV1Body(): Record<string, unknown> {
    return { subject: { patientId: this.marker(), patientName: 'Conformance^Patient', sex: 'other', birthDate: '1990-01-01' }, modalities: ['XC'] };
  }

  studyV2Body(): Record<string, unknown> {
    return {
      subjectIdentity: { issuer: 'urn:oid:2.999.42', patientId: this.marker(), patientName: 'Conformance^Patient', birthDate: '1990-01-01', sex: 'other' },
      description: `Conformance ${this.marker()}`,
      modalities: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: 'XC' }],
    };
  }

  imageBody(studyId: string): Record<string, unknown> {
    return { studyId, contentType: 'image/png', sizeBytes: png.length, checksum: { algorithm: 'sha256', value: pngDigest.toString('hex') }, capture: { capturedAt: '2026-01-02T03:04:05Z', modality: 'XC', deviceId: 'conformance-cam' } };
  }
}
