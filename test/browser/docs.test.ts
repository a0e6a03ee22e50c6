import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveDemo, type Served } from '../clients/harness.ts';

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
      const text = await page.locator('body').innerText();
      const problems = elsewhere.map((url) => `requested ${url}`);
      for (const control of ['Ask AI', 'Deploy', 'Share', 'Generate SDKs']) {
        if ((await page.getByRole('button', { name: control, exact: false }).count()) > 0) problems.push(`offers '${control}'`);
      }
      expect(problems, path).toEqual([]);
      expect(text.length, path).toBeGreaterThan(500);
      await page.close();
    }
  }, 120_000);
});
