import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveDemo, type Served } from '../clients/harness.ts';
import { useServerProcess } from '../reliability/server-process.ts';

// The API reference pages as a person opens them, in Debian's Chromium: an offline clinic must
// get the whole page from the server, and no control that sends the document elsewhere.
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(chromiumPath);
if (!haveChromium && process.env.CI) throw new Error(`Chromium is required in CI and is not at ${chromiumPath} (set CHROMIUM_PATH)`);

describe('the API reference pages', () => {
  let served: Served;
  let browser: Browser | undefined;

  beforeAll(async () => {
    served = await serveDemo();
    if (haveChromium) browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  it.skipIf(!haveChromium)('render every API version from this server alone, with nothing that reaches Scalar\'s services', async () => {
    const origin = new URL(served.servers.httpUrl).origin;
    for (const path of ['/docs/image/v1', '/docs/review/v1', '/docs/study/v1', '/docs/study/v2']) {
      const page = await browser!.newPage();
      const elsewhere: string[] = [];
      // Every request the page makes, answered or not: one to another host would leave the clinic.
      page.on('request', (request) => {
        const url = request.url();
        if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) elsewhere.push(url);
      });
      await page.route((url) => !url.href.startsWith(origin) && url.protocol !== 'data:' && url.protocol !== 'blob:', (route) => route.abort());
      await page.goto(`${origin}${path}`, { waitUntil: 'load' });
      // Rendered: the operations of the contract are on the page.
      await page.waitForSelector('text=/Register a study|Create an image record|List/i', { timeout: 30_000 });
      await page.waitForLoadState('networkidle');
      const problems = elsewhere.map((url) => `requested ${url}`);
      for (const control of ['Ask AI', 'Deploy', 'Share', 'Generate SDKs']) {
        if ((await page.getByRole('button', { name: control, exact: false }).count()) > 0) problems.push(`offers '${control}'`);
      }
      expect(problems, path).toEqual([]);
      await page.close();
    }
  }, 120_000);
});

describe('GraphiQL in dev mode', () => {
  const server = useServerProcess();
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (haveChromium) browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  it.skipIf(!haveChromium)('opens with a dev token and an example query of its API version, and the first run answers with data', async () => {
    for (const [path, field] of [['/study/v2/graphql', 'listStudies'], ['/review/v1/graphql', 'listAssessments']] as const) {
      // A first visit: GraphiQL keeps its tabs per origin, and every API version shares this one.
      const context = await browser!.newContext();
      const page = await context.newPage();
      await page.goto(`${server().httpUrl}${path}`, { waitUntil: 'load' });
      const editor = page.locator('.graphiql-query-editor');
      await editor.waitFor({ timeout: 30_000 });
      await expect.poll(async () => editor.innerText(), { timeout: 15_000 }).toContain(field);
      expect(await page.locator('.graphiql-editor-tool').innerText(), path).toMatch(/Authorization/);
      await page.locator('.graphiql-execute-button').click();
      const result = page.locator('.graphiql-response');
      await expect.poll(async () => result.innerText(), { timeout: 15_000 }).toContain('"data"');
      const answer = await result.innerText();
      expect(answer, path).toContain(`"${field}"`);
      expect(answer, path).not.toContain('UNAUTHENTICATED');
      await context.close();
    }
  }, 120_000);
});
