// The hosted build under the strict Content-Security-Policy the README gives: the page and
// an embed start, draw, and report no violation (the start-up script is a file, not
// inline). Also: with JavaScript off, the article's words are there.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoProblems, launch, newPage } from '../lib/browser.js';
import { waitForDrawn } from '../lib/canvas.js';
import { FIGURE_TABLE } from '../lib/figures.js';
import { distDir, serve } from '../lib/static-server.js';
import { waitFor } from '../lib/wait.js';

/** The policy README.md tells hosts to send. */
export const POLICY =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'";

let browser;
let server;
before(async () => {
  browser = await launch();
  server = await serve({ root: distDir(), headers: { 'Content-Security-Policy': POLICY } });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** Opens `query` with violations recorded in `page.violations`. */
async function openUnderPolicy(query) {
  const opened = await newPage(browser);
  await opened.page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await opened.page.goto(server.url + query, { waitUntil: 'load' });
  return opened;
}

for (const [name, query, figure] of [
  ['the page', '', 'glance'],
  ['an embed', '?embed=claim', 'claim'],
]) {
  test(`${name} works under the strict policy, with no violation`, async () => {
    const { context, page, log } = await openUnderPolicy(query);
    try {
      await waitFor(page, (id) => !!document.querySelector(`figure#${id}`), figure, `figure ${figure} to mount`);
      await waitForDrawn(page, figure, { drawnOn: FIGURE_TABLE[figure]?.drawnOn });
      const violations = await page.evaluate(() => window.__violations);
      assert.deepEqual(violations, [], `violations: ${violations.join('; ')}`);
      const said = log.console.filter((m) => /Content Security Policy|Refused to/i.test(m.text));
      assert.deepEqual(said, [], said.map((m) => m.text).join('\n'));
      assertNoProblems(log, `under the policy (${name})`);
    } finally {
      await context.close();
    }
  });
}

test('with JavaScript off, the article reads: headings, prose and equations, a note where each figure goes', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await page.goto(server.url, { waitUntil: 'load' });
    const seen = await page.evaluate(() => ({
      h1: document.querySelector('h1')?.textContent ?? '',
      sections: document.querySelectorAll('main.article section h2').length,
      // textContent: sections far from the screen are not laid out yet (content-visibility:
      // auto), so innerText leaves them out until the reader scrolls to them (below).
      words: (document.querySelector('main.article')?.textContent ?? '').split(/\s+/).length,
      maths: document.querySelectorAll('main.article math').length,
      slots: [...document.querySelectorAll('[data-figure-slot]')].map((s) => [s.dataset.figureSlot, s.textContent.trim().length > 20]),
    }));
    assert.match(seen.h1, /natural selection/i);
    assert.ok(seen.sections >= 10, `${seen.sections} section headings`);
    assert.ok(seen.words > 3000, `${seen.words} words`);
    assert.ok(seen.maths > 20, `${seen.maths} equations`);
    for (const [id, noted] of seen.slots) assert.ok(noted, `figure ${id} has no note in its place`);
    // The last section, scrolled to, is drawn: its rendered text is all there.
    // (No animation frames to wait for with scripts off: the check waits on its side.)
    await page.evaluate(() => [...document.querySelectorAll('main.article section')].at(-1).scrollIntoView());
    await page.waitForTimeout(500);
    const last = await page.evaluate(() => {
      const s = [...document.querySelectorAll('main.article section')].at(-1);
      return { shown: s.innerText.split(/\s+/).length, all: s.textContent.split(/\s+/).length };
    });
    assert.ok(last.shown > 0.8 * last.all, `the last section shows ${last.shown} of its ${last.all} words once scrolled to`);
  } finally {
    await context.close();
  }
});
