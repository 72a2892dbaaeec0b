// Accessibility rules, checked by axe-core (from e2e/node_modules, injected from disk: no
// network) with every figure mounted: the whole page in the light and the dark scheme, and
// embeds of the centrepiece and of a figure with groups of settings. No violation of any
// rule axe runs by default (WCAG 2.x A and AA, and its best practices).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, test } from 'node:test';
import { PHONE, assertNoProblems, launch, newPage, siteUrl } from '../lib/browser.js';
import { FIGURE_SELECTOR } from '../lib/figures.js';
import { waitFor } from '../lib/wait.js';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const browser = await launch();
after(() => browser.close());

/** Scrolls through the page until every figure is mounted. */
async function mountAll(page) {
  const ids = await page.$$eval(FIGURE_SELECTOR, (els) => [...new Set(els.map((el) => el.dataset.figureSlot || el.id))]);
  for (const id of ids) {
    await page.evaluate((id) => document.querySelector(`[data-figure-slot="${id}"], figure#${id}`)?.scrollIntoView(), id);
    await waitFor(page, (id) => !!document.querySelector(`figure#${id} [data-readout]`), id, `figure ${id} to mount`);
  }
  // And through the rest, a screen at a time, as a reader would: sections and their
  // equations are laid out (and wide ones made focusable) as they near the viewport.
  await page.evaluate(async () => {
    const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    for (let y = 0; y < document.documentElement.scrollHeight; y += innerHeight) {
      window.scrollTo(0, y);
      await frame();
    }
  });
  await page.evaluate(() => window.scrollTo(0, 0));
  return ids;
}

/** axe-core's violations on the page, one line per rule with the first few elements. */
async function violations(page) {
  await page.addScriptTag({ path: AXE });
  const found = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 4).map((n) => `${n.target.join(' ')} — ${n.failureSummary?.split('\n').slice(1, 2).join(' ').trim()}`),
      count: v.nodes.length,
    }));
  });
  return found.map((v) => `${v.id} (${v.impact}, ${v.count}×): ${v.help}\n    ${v.nodes.join('\n    ')}`);
}

for (const [name, query, options, figures] of [
  ['the whole page, light', '', { colorScheme: 'light' }, null],
  ['the whole page, dark', '', { colorScheme: 'dark' }, null],
  ['the whole page on a phone, dark', '', { colorScheme: 'dark', viewport: PHONE }, null],
  ['an embed of the centrepiece', '?embed=duel', { colorScheme: 'light' }, ['duel']],
  ['an embed of the centrepiece, dark', '?embed=duel', { colorScheme: 'dark' }, ['duel']],
  ['an embed of the regression figure', '?embed=regression', { colorScheme: 'light' }, ['regression']],
]) {
  test(`axe-core finds no violation: ${name}`, { timeout: 180_000 }, async () => {
    const { page, context, log } = await newPage(browser, options);
    try {
      await page.goto(siteUrl(query), { waitUntil: 'load' });
      if (figures) {
        for (const id of figures) {
          await waitFor(page, (id) => !!document.querySelector(`figure#${id} [data-readout]`), id, `figure ${id} to mount`);
        }
      } else {
        const ids = await mountAll(page);
        assert.ok(ids.length >= 10, `figures mounted: ${ids.join(', ')}`);
      }
      const found = await violations(page);
      assert.deepEqual(found, [], `axe-core violations in ${name}:\n${found.join('\n')}`);
      assertNoProblems(log, name, { warnings: false });
    } finally {
      await context.close();
    }
  });
}
