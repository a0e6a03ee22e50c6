import { createHash, randomUUID } from 'node:crypto';
import type { Api, Operation } from '../compiler/ir.ts';
import type { OperationInput } from '../runtime/handler.ts';
import { inputSchema } from '../runtime/validate.ts';
import { gradientPng } from './png.ts';
import { fail } from './model.ts';
import { apiKey, type Target } from './target.ts';
import { validValue } from './generate-inputs.ts';

/** A valid call of one operation: the input, the role that may make it, and what it refers to. */
export interface Prepared {
  input: OperationInput;
  role: string;
  /** The input names a resource of the organisation, so another organisation must get "not found". */
  refersToResource: boolean;
}

/** The resources the checks work on, created through the API at the start of a run. */
export interface World {
  studyId: string;
  imageId: string;
  assessmentId: string;
  reviewId: string;
  /** The user the QUALITY reviews are assigned to (the technician token's subject). */
  technicianId: string;
  /** The doctor token's subject, for DIAGNOSTIC reviews. */
  doctorId: string;
}

const png = gradientPng(8, 8, [200, 150, 130], [120, 80, 60]);
const pngDigest = createHash('sha256').update(png).digest();

type Recipe = (fixtures: Fixtures) => Promise<Omit<Prepared, 'refersToResource'> & { refersToResource?: boolean }>;

/**
 * Valid inputs for the operations of the contracts in this repository, so checks reach the
 * handlers instead of drowning in "not found". Operations it does not know get an input generated
 * from their schema, with path parameters filled from the world by name.
 */
const recipes: Record<string, Recipe> = {
  'image/v1 createImage': async (f) => ({ role: 'clinic_uploader', input: { body: f.imageBody(f.world.studyId) }, refersToResource: true }),
  'image/v1 listImages': async (f) => ({ role: 'doctor', input: { query: { studyId: f.world.studyId, limit: 5 } }, refersToResource: false }),
  'image/v1 getImage': async (f) => ({ role: 'doctor', input: { path: { imageId: f.world.imageId } } }),
  'image/v1 uploadImageContent': async (f) => {
    const image = await f.freshImage();
    return { role: 'clinic_uploader', input: { path: { imageId: image.id }, header: { 'Content-Digest': `sha-256=:${pngDigest.toString('base64')}:` }, body: { contentType: 'image/png', bytes: png } } };
  },
  'image/v1 downloadImageContent': async (f) => ({ role: 'doctor', input: { path: { imageId: f.world.imageId } } }),
  'image/v1 rejectImage': async (f) => {
    const image = await f.freshImage();
    return { role: 'technician', input: { path: { imageId: image.id }, header: { 'If-Match': `"${image.version}"` }, body: { reason: 'quality', comment: 'conformance' } } };
  },
  'review/v1 recordAssessment': async (f) => ({
    role: 'ai_service',
    input: { body: { studyId: f.world.studyId, algorithm: { name: 'conformance', version: '1' }, status: 'completed', findings: [], quality: { gradable: true, issues: [] } } },
  }),
  'review/v1 listAssessments': async (f) => ({ role: 'doctor', input: { query: { studyId: f.world.studyId, limit: 5 } }, refersToResource: false }),
  'review/v1 getAssessment': async (f) => ({ role: 'doctor', input: { path: { assessmentId: f.world.assessmentId } } }),
  'review/v1 createReview': async (f) => ({ role: 'org_admin', input: { body: { studyId: f.world.studyId, kind: 'QUALITY', imageId: f.world.imageId, priority: 'routine' } } }),
  'review/v1 listReviews': async (f) => ({ role: 'doctor', input: { query: { studyId: f.world.studyId, limit: 5 } }, refersToResource: false }),
  'review/v1 getReview': async (f) => ({ role: 'doctor', input: { path: { reviewId: f.world.reviewId } } }),
  'review/v1 assignReview': async (f) => {
    const review = await f.freshReview();
    return { role: 'org_admin', input: { path: { reviewId: review.id }, header: { 'If-Match': `"${review.version}"` }, body: { assigneeId: f.world.technicianId } } };
  },
  'review/v1 startReview': async (f) => {
    const review = await f.freshReview();
    return { role: 'technician', input: { path: { reviewId: review.id }, header: { 'If-Match': `"${review.version}"` } } };
  },
  'review/v1 submitReview': async (f) => {
    const review = await f.freshReview();
    const started = await f.call('review/v1', 'startReview', { path: { reviewId: review.id }, header: { 'If-Match': `"${review.version}"` } }, 'technician');
    return { role: 'technician', input: { path: { reviewId: review.id }, header: { 'If-Match': `"${started.version}"` }, body: { qualityIssues: [], comments: 'conformance' } } };
  },
  'review/v1 cancelReview': async (f) => {
    const review = await f.freshReview();
    return { role: 'org_admin', input: { path: { reviewId: review.id }, header: { 'If-Match': `"${review.version}"` }, body: { reason: 'conformance' } } };
  },
  'study/v1 registerStudy': async (f) => ({ role: 'clinic_uploader', input: { body: f.studyV1Body() }, refersToResource: false }),
  'study/v1 listStudies': async () => ({ role: 'doctor', input: { query: { limit: 5 } }, refersToResource: false }),
  'study/v1 getStudy': async (f) => ({ role: 'doctor', input: { path: { studyId: f.world.studyId } } }),
  'study/v1 updateStudy': async (f) => {
    const study = await f.freshStudy('study/v1');
    return { role: 'clinic_uploader', input: { path: { studyId: study.id }, header: { 'If-Match': `"${study.version}"` }, body: { accessionNumber: 'CONF-1' } } };
  },
  'study/v1 cancelStudy': async (f) => {
    const study = await f.freshStudy('study/v1');
    return { role: 'org_admin', input: { path: { studyId: study.id }, header: { 'If-Match': `"${study.version}"` }, body: { reason: 'conformance' } } };
  },
  'study/v2 registerStudy': async (f) => ({ role: 'clinic_uploader', input: { body: f.studyV2Body() }, refersToResource: false }),
  'study/v2 listStudies': async () => ({ role: 'doctor', input: { query: { pageSize: 5 } }, refersToResource: false }),
  'study/v2 getStudy': async (f) => ({ role: 'doctor', input: { path: { studyId: f.world.studyId } } }),
  'study/v2 updateStudy': async (f) => {
    const study = await f.freshStudy('study/v2');
    return { role: 'clinic_uploader', input: { path: { studyId: study.id }, header: { 'If-Match': `"${study.version}"` }, body: { startedAt: '2026-01-02T03:04:05.000Z' } } };
  },
  'study/v2 cancelStudy': async (f) => {
    const study = await f.freshStudy('study/v2');
    return { role: 'org_admin', input: { path: { studyId: study.id }, header: { 'If-Match': `"${study.version}"` }, body: { reason: 'conformance' } } };
  },
  'study/v2 getStudySubjectIdentity': async (f) => ({ role: 'org_admin', input: { path: { studyId: f.world.studyId } } }),
  'review/v1 watchReviewProgress': async (f) => ({ role: 'doctor', input: { path: { studyId: f.world.studyId } } }),
};

export class Fixtures {
  readonly target: Target;
  private readonly seed: number;
  private counter = 0;
  private created: World | undefined;

  constructor(target: Target, seed: number) {
    this.target = target;
    this.seed = seed;
  }

  get world(): World {
    if (!this.created) throw new Error('Fixtures.setup() has not run');
    return this.created;
  }

  /** Whether the fixtures know the contracts (else only generated inputs are available). */
  knows(api: Api): boolean {
    return api.operations.some((operation) => recipes[`${apiKey(api)} ${operation.id}`] !== undefined);
  }

  /** Creates a study with an uploaded image, an assessment and a QUALITY review, through REST. */
  async setup(): Promise<World> {
    const technicianId = String((await this.claims('technician')).sub ?? '');
    const doctorId = String((await this.claims('doctor')).sub ?? '');
    const study = await this.call('study/v2', 'registerStudy', { body: this.studyV2Body() }, 'clinic_uploader');
    const studyId = String(study.id);
    const image = await this.call('image/v1', 'createImage', { body: this.imageBody(studyId) }, 'clinic_uploader');
    await this.call('image/v1', 'uploadImageContent', { path: { imageId: image.id }, header: { 'Content-Digest': `sha-256=:${pngDigest.toString('base64')}:` }, body: { contentType: 'image/png', bytes: png } }, 'clinic_uploader');
    const assessment = await this.call('review/v1', 'recordAssessment', {
      body: { studyId, algorithm: { name: 'conformance', version: '1' }, status: 'completed', findings: [{ id: 'f1', code: { system: 'http://snomed.info/sct', code: '43116000', display: 'Eczema' }, confidence: 0.5, imageId: image.id }], quality: { gradable: true, issues: [] } },
    }, 'ai_service');
    this.created = { studyId, imageId: String(image.id), assessmentId: String(assessment.id), reviewId: '', technicianId, doctorId };
    this.created.reviewId = (await this.freshReview()).id;
    return this.created;
  }

  /** A valid call of `operation`; recipes that need a resource of their own create it first. */
  async prepare(api: Api, operation: Operation): Promise<Prepared> {
    const recipe = recipes[`${apiKey(api)} ${operation.id}`];
    if (recipe) {
      const prepared = await recipe(this);
      return { ...prepared, refersToResource: prepared.refersToResource ?? true };
    }
    return this.generated(api, operation);
  }

  private generated(api: Api, operation: Operation): Prepared {
    const schema = inputSchema(api, operation) as { properties: Record<string, unknown> };
    const input = (validValue(api, schema, this.seed) ?? {}) as OperationInput;
    const ids: Record<string, string> = { studyId: this.world.studyId, imageId: this.world.imageId, assessmentId: this.world.assessmentId, reviewId: this.world.reviewId };
    for (const parameter of operation.parameters) {
      if (parameter.in === 'path' && ids[parameter.name] !== undefined) (input.path ??= {})[parameter.name] = ids[parameter.name];
    }
    return { input, role: operation.security[0]?.roles[0] ?? '', refersToResource: operation.parameters.some((parameter) => parameter.in === 'path') };
  }

  /** Calls an operation through REST as `role` and returns its JSON result, failing the check on an error. */
  async call(key: string, operationId: string, input: OperationInput, role: string): Promise<Record<string, unknown>> {
    const loaded = this.target.apis.find((candidate) => candidate.key === key);
    if (!loaded) fail(`setup needs ${key}, which the contracts do not have`);
    const token = await this.target.tokens.token('valid', role);
    if (typeof token !== 'string') fail(`setup: ${token.skipped}`);
    const outcome = await this.target.callers.rest.call(loaded!.api, operationId, input, token as string);
    if (!outcome.ok) fail(`setup: ${key} ${operationId} as ${role} failed: ${outcome.code}: ${outcome.message}`);
    return (outcome as { value: Record<string, unknown> }).value;
  }

  async freshStudy(key: 'study/v1' | 'study/v2'): Promise<{ id: string; version: unknown }> {
    const study = await this.call(key, 'registerStudy', { body: key === 'study/v1' ? this.studyV1Body() : this.studyV2Body() }, 'clinic_uploader');
    return { id: String(study.id), version: study.version };
  }

  async freshImage(): Promise<{ id: string; version: unknown }> {
    const image = await this.call('image/v1', 'createImage', { body: this.imageBody(this.world.studyId) }, 'clinic_uploader');
    return { id: String(image.id), version: image.version };
  }

  async freshReview(): Promise<{ id: string; version: unknown }> {
    const review = await this.call('review/v1', 'createReview', { body: { studyId: this.world.studyId, kind: 'QUALITY', imageId: this.world.imageId, assigneeId: this.world.technicianId, priority: 'routine' } }, 'org_admin');
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

  private async claims(role: string): Promise<Record<string, unknown>> {
    const token = await this.target.tokens.token('valid', role);
    if (typeof token !== 'string') return {};
    try {
      return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      return {};
    }
  }
}
