import { existsSync, mkdirSync } from 'node:fs';
import { freePort } from '../../tools/free-port.ts';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveDemo, type Served } from '../clients/harness.ts';
import { buildApp, repoRoot, scaffoldApp, type Built } from './app.ts';

// The page of test/browser/app, built with Vite as a fresh app that installed the client packages,
// served by `vite preview` (which forwards the API paths to the real servers), and driven in
// Debian's Chromium by playwright-core.
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const artifacts = join(repoRoot, 'test-results', 'browser');
const haveChromium = existsSync(chromiumPath);
if (!haveChromium && process.env.CI) throw new Error(`Chromium is required in CI and is not at ${chromiumPath} (set CHROMIUM_PATH)`);

const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000002000000020806000000f478d4fa0000001549444154789c63f8cfc0f09f81e1ff7f06860e00003e1e07f9b4d3ec6f0000000049454e44ae426082', 'hex');

describe('the typed clients in a real browser', () => {
  let app: Awaited<ReturnType<typeof scaffoldApp>>;
  let built: Built;
  let served: Served;
  let server: PreviewServer;
  let browser: Browser | undefined;
  let pageUrl = '';

  beforeAll(async () => {
    app = await scaffoldApp();
    built = await buildApp(app.dir);
    served = await serveDemo();
    const port = await freePort();
    const target = served.servers.httpUrl;
    const proxy = Object.fromEntries(['/study', '/image', '/review'].map((path) => [path, { target, changeOrigin: false }]));
    server = await preview({ root: app.dir, configFile: false, logLevel: 'silent', build: { outDir: built.outDir }, preview: { host: '127.0.0.1', port, strictPort: true, proxy } });
    pageUrl = `http://127.0.0.1:${port}/`;
    if (haveChromium) browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await served?.close();
    app?.dispose();
  });

  it('the production build pulls in no Node-only code', () => {
    expect(built.warnings.filter((warning) => /externalized for browser compatibility|node:/.test(warning))).toEqual([]);
    const bundle = [...built.files].filter(([name]) => name.endsWith('.js')).map(([, text]) => text).join('\n');
    expect(bundle.length).toBeGreaterThan(1000);
    expect(bundle).not.toMatch(/["']node:[a-z_]+["']|__vite-browser-external|@grpc\/grpc-js/);
  });

  it('a browser build refuses the gRPC client: it is exported under the node condition only', async () => {
    const grpcApp = await scaffoldApp({ 'main.ts': "import { createStudyV2GrpcClient } from 'study-v2-client/grpc';\nconsole.log(createStudyV2GrpcClient);\n" });
    try {
      await expect(buildApp(grpcApp.dir)).rejects.toThrow(/\.\/grpc\\?" is not exported under the conditions/);
    } finally {
      grpcApp.dispose();
    }
  }, 60_000);

  it.skipIf(!haveChromium)('lists studies, opens one, uploads an image and submits a review', async () => {
    const page = await browser!.newPage({ viewport: { width: 1100, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    const token = await served.token('doctor');
    // The doctor also registers images here, so the token carries both roles.
    const doctorUploading = await (await import('../../src/runtime/auth.ts')).devAuthenticator().issue!({ userId: served.seed.users.doctor, orgId: served.seed.orgId, roles: ['doctor', 'clinic_uploader'] });
    expect(token).not.toBe(doctorUploading);
    await page.goto(`${pageUrl}?token=${encodeURIComponent(doctorUploading)}&me=${served.seed.users.doctor}`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
    expect(Number(await page.getAttribute('body', 'data-studies'))).toBeGreaterThan(0);

    // Open the demo study: its row holds the seeded study's description.
    const seeded = await (await fetch(`${served.servers.httpUrl}/study/v2/studies/${served.seed.studyId}`, { headers: { authorization: `Bearer ${token}` } })).json() as { description: string; numberOfImages: number };
    await page.locator('tr', { hasText: seeded.description }).getByRole('button', { name: 'Open' }).click();
    await page.waitForSelector(`body[data-open-study="${served.seed.studyId}"]`, { timeout: 20_000 }).catch(async (error: unknown) => { throw new Error(`${String(error)}; page says: ${await page.textContent('#error')}`); });
    expect(await page.textContent('#study-title')).toBe(seeded.description);
    expect(await page.textContent('#study-review-state')).toBe('IN_REVIEW');

    // Upload: REST createImage, then the bytes as they are.
    await page.setInputFiles('#file', { name: 'photo.png', mimeType: 'image/png', buffer: png });
    await page.waitForFunction(() => /available$/.test(document.querySelector('#upload-result')?.textContent ?? ''), undefined, { timeout: 20_000 });
    // The page reads the study again after the upload; the count follows.
    await page.waitForFunction((count) => document.querySelector('#study-images')?.textContent === count, String(seeded.numberOfImages + 1), { timeout: 20_000 });

    // Submit the doctor's diagnostic review over GraphQL; the subscription shows the event.
    await page.getByRole('button', { name: 'Agree and submit' }).first().click();
    await page.waitForFunction(() => [...document.querySelectorAll('.review-status')].some((element) => element.textContent === 'COMPLETED'), undefined, { timeout: 20_000 });
    await page.waitForFunction(() => [...document.querySelectorAll('#events li')].some((element) => element.textContent?.endsWith('review.submitted')), undefined, { timeout: 20_000 });
    expect(await page.textContent('#error')).toBe('');
    expect(problems).toEqual([]);

    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'review-flow.png'), fullPage: true });
    await page.close();
  }, 90_000);

  it.skipIf(!haveChromium)('an error reaches the page as the one error type', async () => {
    const page = await browser!.newPage();
    await page.goto(`${pageUrl}?token=not-a-token`);
    await page.waitForFunction(() => (document.querySelector('#error')?.textContent ?? '') !== '', undefined, { timeout: 20_000 });
    expect(await page.textContent('#error')).toMatch(/^unauthenticated \(rest\): /);
    await page.close();
  }, 60_000);
});
