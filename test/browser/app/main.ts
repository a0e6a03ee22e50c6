// A small page for a doctor: the study list over REST, a study and its reviews over GraphQL,
// an image upload over REST, a review submitted over GraphQL, and live events over a GraphQL
// subscription. The server is the page's own origin (the dev server forwards the API paths).
import { TridentError } from 'study-v2-client';
import { createImageV1RestClient } from 'image-v1-client/rest';
import { createReviewV1GraphqlClient } from 'review-v1-client/graphql';
import { createStudyV2GraphqlClient } from 'study-v2-client/graphql';
import { createStudyV2RestClient } from 'study-v2-client/rest';

const params = new URLSearchParams(location.search);
const token = params.get('token') ?? '';
const me = params.get('me') ?? '';
const options = { baseUrl: location.origin, token };
const studies = createStudyV2RestClient(options);
const studiesGraphql = createStudyV2GraphqlClient(options);
const images = createImageV1RestClient(options);
const reviews = createReviewV1GraphqlClient(options);

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
function row(cells: Array<string | Node>): HTMLTableRowElement {
  const tr = document.createElement('tr');
  for (const cell of cells) {
    const td = document.createElement('td');
    td.append(cell);
    tr.append(td);
  }
  return tr;
}
function button(label: string, onClick: () => Promise<void>): HTMLButtonElement {
  const element = Object.assign(document.createElement('button'), { textContent: label });
  element.addEventListener('click', () => void onClick().catch(show));
  return element;
}
function show(error: unknown): void {
  // One error type, whichever protocol failed.
  byId('error').textContent = error instanceof TridentError ? `${error.code} (${error.protocol}): ${error.message}` : String(error);
}

let stopEvents: AbortController | undefined;

async function listStudies(): Promise<void> {
  const page = await studies.listStudies({ params: { query: { pageSize: 20 } } });
  const body = byId('studies').querySelector('tbody')!;
  body.replaceChildren(...page.items.map((study) => row([study.description ?? study.id, study.status, study.reviewState, String(study.numberOfImages), button('Open', () => openStudy(study.id))])));
  document.body.dataset.studies = String(page.items.length);
}

async function openStudy(studyId: string): Promise<void> {
  const study = await studiesGraphql.getStudy({ studyId });
  byId('study').hidden = false;
  byId('study-title').textContent = study.description ?? study.id;
  byId('study-status').textContent = study.status;
  byId('study-review-state').textContent = study.reviewState;
  byId('study-images').textContent = String(study.numberOfImages);
  byId<HTMLInputElement>('file').onchange = (event) => void upload(studyId, (event.target as HTMLInputElement).files?.[0]).catch(show);
  await listReviews(studyId);
  watch(studyId);
  document.body.dataset.openStudy = studyId;
}

async function upload(studyId: string, file: File | undefined): Promise<void> {
  if (!file) return;
  const bytes = new Uint8Array(await file.arrayBuffer());
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  const hex = [...digest].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  const contentType = file.type === 'image/jpeg' ? 'image/jpeg' : 'image/png';
  const image = await images.createImage({
    body: { studyId, contentType, sizeBytes: bytes.length, checksum: { algorithm: 'sha256', value: hex }, capture: { capturedAt: new Date().toISOString(), modality: 'XC' } },
  });
  const stored = await images.uploadImageContent({
    params: { path: { imageId: image.id }, header: { 'Content-Digest': `sha-256=:${btoa(String.fromCharCode(...digest))}:` } },
    body: { content: bytes, contentType },
  });
  byId('upload-result').textContent = `${stored.id} ${stored.status}`;
  const study = await studies.getStudy({ params: { path: { studyId } } });
  byId('study-images').textContent = String(study.numberOfImages);
}

async function listReviews(studyId: string): Promise<void> {
  const page = await reviews.listReviews({ studyId, assigneeId: me });
  byId('reviews').replaceChildren(...page.items.map((review) => {
    const item = document.createElement('li');
    item.append(`${review.kind} review ${review.id}: `, Object.assign(document.createElement('b'), { className: 'review-status', textContent: review.status }), ' ');
    if (review.status === 'ASSIGNED' || review.status === 'IN_PROGRESS') {
      item.append(button('Agree and submit', async () => {
        const started = review.status === 'ASSIGNED' ? await reviews.startReview({ reviewId: review.id, ifMatch: `"${review.version}"` }) : review;
        await reviews.submitReview({ reviewId: review.id, ifMatch: `"${started.version}"`, input: { verdict: 'AGREE', comments: 'Submitted from the browser.' } });
        await listReviews(studyId);
        const study = await studies.getStudy({ params: { path: { studyId } } });
        byId('study-review-state').textContent = study.reviewState;
      }));
    }
    return item;
  }));
}

function watch(studyId: string): void {
  stopEvents?.abort();
  stopEvents = new AbortController();
  const signal = stopEvents.signal;
  void (async () => {
    for await (const event of reviews.reviewProgress({ studyId }, { signal })) {
      byId('events').append(Object.assign(document.createElement('li'), { textContent: `${event.sequence} ${event.type}` }));
    }
  })().catch((error: unknown) => {
    if (!signal.aborted) show(error);
  });
}

listStudies().then(() => { document.body.dataset.ready = 'true'; }, show);
