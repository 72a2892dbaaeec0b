// The article as an argument: no text names a file, every "try this" link sets its figure
// and scrolls to it, selection judged by sampled environments measures what its
// prediction says, and the centrepiece's comparison fits one laptop screen.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { BASE_URL, assertNoProblems, launch, newPage, withPage } from '../lib/browser.js';
import { waitForDrawn } from '../lib/canvas.js';
import { showDuel, waitForStep } from '../lib/duel.js';
import { openDetails } from '../lib/figures.js';
import { readout } from '../lib/readouts.js';
import { screenshot } from '../lib/screenshots.js';
import { waitFor } from '../lib/wait.js';

const browser = await launch();
after(() => browser.close());

/** A file name as a reader would see one in text: a name with a source or data extension. */
const FILE_NAME = /\b[\w-]+(?:\/[\w.-]+)*\.(?:rs|md|html?|m?js|json|toml|lock|csv|wasm|txt|py|sh|ya?ml)\b/g;

test('no text on the page names a file, with every figure mounted and every <details> open', { timeout: 120_000 }, () =>
  withPage(browser, '', {}, async ({ page }) => {
    // Mount every figure: their captions, labels and notices are text too.
    const slots = await page.$$eval('[data-figure-slot]', (els) => els.map((el) => el.dataset.figureSlot));
    for (const id of slots) {
      await page.locator(`[data-figure-slot="${id}"]`).scrollIntoViewIfNeeded();
      await waitFor(page, (id) => !!document.querySelector(`figure#${id}`), id, `figure ${id} to mount`);
    }
    await openDetails(page, 'body');
    // Every section drawn, so that innerText holds all of it (sections far from the
    // screen are content-visibility: auto, and innerText skips what is not laid out).
    await page.addStyleTag({ content: 'main.article > section { content-visibility: visible !important; }' });
    const text = await page.evaluate(() => document.body.innerText);
    assert.ok(text.split(/\s+/).length > 8000, `the page's text has ${text.split(/\s+/).length} words`);
    const named = [...new Set(text.match(FILE_NAME) ?? [])];
    assert.deepEqual(named, [], `the page's text names files: ${named.join(', ')}`);
    // The pattern itself can fail: it finds a file name where there is one.
    assert.ok('see models.md or src/sim/duel.rs'.match(FILE_NAME)?.length === 2);
  }),
);

test('every "try this" link sets its figure through the URL and scrolls to it', { timeout: 300_000 }, async () => {
  const { context, page, log } = await newPage(browser, {});
  try {
    await page.goto(BASE_URL, { waitUntil: 'load' });
    const links = await page.$$eval('a.try', (els) => els.map((el) => el.getAttribute('href')));
    assert.ok(links.length >= 4, `only ${links.length} "try this" links`);
    for (const href of links) {
      const started = Date.now();
      const target = new URL(href, BASE_URL);
      const id = target.hash.slice(1);
      assert.ok(id, `${href} names no figure`);
      // Click it where it stands in the article, as a reader would.
      await page.goto(BASE_URL, { waitUntil: 'load' });
      const link = page.locator(`a.try[href="${href}"]`).first();
      await link.scrollIntoViewIfNeeded();
      await Promise.all([page.waitForURL((u) => u.hash === `#${id}`), link.click()]);
      await waitFor(page, (id) => !!document.querySelector(`figure#${id}`), id, `${href}: figure ${id} to mount`).catch(async (err) => {
        const seen = await page.evaluate(() => ({ url: location.href, y: scrollY, mounted: [...document.querySelectorAll('figure[id]')].map((f) => f.id) }));
        throw new Error(`${err.message}; the page: ${JSON.stringify(seen)}`);
      });
      // On screen: the figure's top half is in the viewport.
      const box = await page.locator(`figure#${id}`).boundingBox();
      const height = page.viewportSize().height;
      assert.ok(box.y < height / 2 && box.y + box.height > 0, `${href}: figure ${id} at y = ${box.y}, not scrolled to`);
      // Set: every key of the link (a scene's, through its settings) is in the page's own
      // address once the figure has written it, with the link's value.
      const now = new URL(page.url());
      for (const [key, value] of target.searchParams) {
        if (key === 'preset') {
          const scene = await page.$eval(`figure#${id} select[name="preset"]`, (el) => el.value).catch(() => null);
          assert.equal(scene, value, `${href}: the scene menu shows ${scene}`);
        } else {
          assert.equal(now.searchParams.get(key), value, `${href}: the address has ${key}=${now.searchParams.get(key)}`);
        }
      }
      console.log(`${href}: ${Date.now() - started} ms`);
    }
    assertNoProblems(log, 'following the "try this" links', { warnings: false });
  } finally {
    await context.close();
  }
});

for (const [rule, query] of [
  ['logistic', '?judge=batch&t=20000'],
  ['Kimura', '?judge=batch&acceptance=kimura&t=20000'],
]) {
  test(`judged by sampled environments (${rule}): the measured hidden correlation agrees with its prediction`, { timeout: 120_000 }, () =>
    withPage(browser, query, {}, async ({ page }) => {
      await waitForStep(page, 20000, undefined, 90_000);
      const [r, lo, hi, theory] = await Promise.all(
        ['duel.sel.r', 'duel.sel.r.lo', 'duel.sel.r.hi', 'duel.sel.r.theory'].map((n) => readout(page, n)),
      );
      assert.ok(Number.isFinite(theory), `no prediction (${theory})`);
      assert.ok(lo <= theory && theory <= hi, `r = ${r} [${lo}, ${hi}] against the prediction ${theory}`);
      if (rule === 'logistic') assert.ok(Math.abs(theory) < 1e-9, `logistic: the environments collapse into the acceptance noise, yet ${theory}`);
      else assert.ok(theory > 0.01, `Kimura: a positive imprint, predicted ${theory}`);
      // And never SGD's: its r is 1 on the same run.
      assert.ok((await readout(page, 'duel.sgd.r')) > 0.999 && hi < 0.5);
    }),
  );
}

test('on a 1280 × 800 screen the centrepiece shows its six charts and its numbers at once', { timeout: 60_000 }, () =>
  withPage(browser, '?seed=42&t=300', { viewport: { width: 1280, height: 800 } }, async ({ page }) => {
    await showDuel(page);
    await waitForStep(page, 300);
    await waitForDrawn(page, 'duel');
    // Scroll so the charts start at the top of the screen, as a reader would.
    await page.evaluate(() => {
      const first = document.querySelector('#duel canvas[data-chart]');
      window.scrollBy(0, first.getBoundingClientRect().top - 8);
    });
    const boxes = await page.$$eval('#duel canvas[data-chart], #duel .stats', (els) =>
      els.map((el) => {
        const r = el.getBoundingClientRect();
        return { what: el.dataset.chart ?? el.className, top: r.top, bottom: r.bottom, left: r.left, right: r.right };
      }),
    );
    assert.ok(boxes.filter((b) => b.what !== 'stats').length === 6, `${boxes.length} boxes`);
    const out = boxes.filter((b) => b.top < 0 || b.bottom > 800 || b.left < 0 || b.right > 1280);
    await screenshot(page, 'duel-1280x800');
    assert.deepEqual(out, [], `outside the 1280 × 800 screen: ${JSON.stringify(out)}`);
  }),
);
