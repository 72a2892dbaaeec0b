// The page as a whole: a replayed link loads cleanly, the whole page fits a phone, and
// every asset is named by a relative path. What each figure must do on its own is in
// figures.test.js.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { BASE_URL, PHONE, assertNoProblems, launch, withPage } from '../lib/browser.js';
import { waitForDrawn } from '../lib/canvas.js';
import { waitForStep } from '../lib/duel.js';
import { openDetails } from '../lib/figures.js';
import { screenshot } from '../lib/screenshots.js';

const browser = await launch();
after(() => browser.close());

test('a replayed link (?seed=42&t=300) loads with no console errors or warnings and no page errors', { timeout: 60_000 }, () =>
  withPage(browser, '?seed=42&t=300', {}, async ({ page, log }) => {
    await waitForStep(page, 300);
    await waitForDrawn(page, 'duel');
    await screenshot(page, 'desktop');
    assert.equal(await page.locator('#panic').count(), 0, '#panic is shown');
    assertNoProblems(log);
  }),
);

test('on a phone (390 px wide) the page is no wider than the screen, with every <details> open too', { timeout: 60_000 }, () =>
  withPage(browser, '?seed=42&t=300', { viewport: PHONE }, async ({ page }) => {
    await waitForStep(page, 300);
    await waitForDrawn(page, 'duel');
    await screenshot(page, 'phone');
    for (const state of ['as loaded', 'with every <details> open']) {
      if (state !== 'as loaded') await openDetails(page, 'body');
      const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth }));
      assert.ok(scrollWidth <= innerWidth, `${state}: page is ${scrollWidth} px wide in a ${innerWidth} px viewport`);
    }
    await screenshot(page.locator('#duel'), 'phone-duel-open');
  }),
);

test('every asset is referenced by a relative path, so the site works under any sub-path', async () => {
  const html = await (await fetch(BASE_URL)).text();
  // The build minifies the page, so attribute values may be unquoted. The article's words
  // are in the page, so its links (<a href>) to other sites are not assets: only the
  // addresses of tags that load something are.
  const tags = [...html.matchAll(/<(?:script|link|img|source|iframe|video|audio)\b[^>]*>/gi)].map((m) => m[0]);
  const refs = tags.flatMap((tag) => [...tag.matchAll(/\b(?:src|href)\s*=\s*(?:["']([^"']+)["']|([^"'\s>]+))/g)].map((m) => m[1] ?? m[2]));
  const loaded = [...html.matchAll(/(?:["'=]|\bfrom\s*|\bimport\s*\(\s*)([^"'\s>=()]+\.(?:js|wasm|css))\b/g)].map((m) => m[1]);
  assert.ok(loaded.some((u) => u.endsWith('.wasm')), 'index.html names no .wasm file');
  const absolute = [...refs, ...loaded].filter((u) => /^(\/|[a-z][a-z0-9+.-]*:)/i.test(u) && !u.startsWith('data:'));
  assert.deepEqual(absolute, [], 'absolute asset paths in index.html');
});
