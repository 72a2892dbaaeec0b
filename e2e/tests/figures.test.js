// What every figure must do, checked once for each figure the page lists: it draws with
// no console errors, gives each chart a text alternative with live numbers, is sharp at 2× and after a resize, fits a phone, stays still off
// screen and runs once on screen, keeps its settings in the URL, resets to its defaults,
// and embeds alone. A new figure is checked as soon as the page shows it; what a check
// needs to know of a figure beyond the conventions is in FIGURE_TABLE (lib/figures.js).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PHONE, assertNoProblems, launch, newPage, siteUrl, withPage } from '../lib/browser.js';
import { assertDrawn, canvasColours, sharpness, waitForDrawn, waitForLaidOut } from '../lib/canvas.js';
import { embeddingPage, frameOf, shownInFrame, waitForHeightMessage } from '../lib/embed.js';
import {
  EXPECTED_FIGURES,
  FIGURE_TABLE,
  clickAction,
  controlValue,
  figureIds,
  openDetails,
  overflow,
  scrollAway,
  scrollToFigure,
  setControl,
  urlKey,
  waitForControls,
  waitForUrlKey,
  withFigure,
} from '../lib/figures.js';
import { readouts } from '../lib/readouts.js';
import { screenshot } from '../lib/screenshots.js';
import { serve } from '../lib/static-server.js';
import { idle, waitFor } from '../lib/wait.js';

const browser = await launch();
after(() => browser.close());

// The figures as the page itself lists them.
const listed = await withPage(browser, '', {}, ({ page }) => figureIds(page));

let parent; // a page of another origin to embed figures in
before(async () => {
  const pages = {};
  for (const id of listed) pages[`/${id}.html`] = embeddingPage(`A page that embeds ${id}`, [{ id: 'frame', src: siteUrl(`?embed=${id}`), height: 600 }]);
  parent = await serve({ pages });
});
after(() => parent?.close());

test('the page lists the nine figures, and each has an entry in the table', () => {
  assert.deepEqual(listed, EXPECTED_FIGURES, 'the figures on the page');
  assert.deepEqual(listed.filter((id) => !FIGURE_TABLE[id]), [], 'figures with no entry in FIGURE_TABLE (lib/figures.js)');
});

/** The table's entry for figure `id`; a figure with none fails the checks that need one. */
function entry(id) {
  const e = FIGURE_TABLE[id];
  if (!e) throw new Error(`figure ${id} has no entry in FIGURE_TABLE (lib/figures.js): add its charts and one setting`);
  return { reset: 'reset', known: {}, ...e };
}

/** Options for a check of figure `id`: a timeout, and "todo" if the table says it fails today. */
function check(id, name, timeout = 90_000) {
  const why = FIGURE_TABLE[id]?.known?.[name];
  return why ? { timeout, todo: why } : { timeout };
}

/** Reopens `link` with figure `id` in view and returns what `control` shows there. */
function shownAt(link, id, control) {
  return withFigure(browser, id, async ({ page, log }) => {
    const shown = await controlValue(page, id, control);
    assertNoProblems(log);
    return shown;
  }, { query: link });
}

for (const id of listed) {
  describe(`figure ${id}`, () => {
    test('draws every chart, sharp, with its controls and readouts, and no console errors', check(id, 'draws'), () =>
      withFigure(browser, id, async ({ page, log }) => {
        const { drawnOn = {} } = entry(id);
        await waitForDrawn(page, id, { drawnOn });
        const charts = await canvasColours(page, `figure#${id} canvas[data-chart]`);
        const onData = charts.filter((c) => !drawnOn[c.name]);
        if (onData.length) assertDrawn(onData, `in #${id}`);
        for (const [chart, layer] of Object.entries(drawnOn)) {
          const on = await canvasColours(page, `figure#${id} canvas[data-chart="${chart}"] ~ canvas[data-layer="${layer}"], figure#${id} canvas[data-layer="${layer}"]:has(~ canvas[data-chart="${chart}"])`);
          assert.equal(on.length, 1, `#${id}'s ${chart} has one ${layer} canvas`);
          assertDrawn(on, `(${chart}'s ${layer}, which holds its data) in #${id}`);
        }
        assertDrawn(await canvasColours(page, `figure#${id} canvas[data-layer="axes"]`), `(axes) in #${id}`);
        assert.deepEqual(charts.map((c) => c.name).sort(), [...entry(id).charts].sort(), `the data-chart canvases of #${id}`);
        assert.deepEqual((await sharpness(page, id)).blurry, [], 'canvases whose backing store is not their CSS size');
        const parts = await page.$eval(`figure#${id}`, (fig, reset) => ({
          play: fig.querySelectorAll('[data-action="play"]').length,
          reset: fig.querySelectorAll(`[data-action="${reset}"]`).length,
          readouts: fig.querySelectorAll('[data-readout]').length,
          controls: fig.querySelectorAll('input[name], select[name]').length,
        }), entry(id).reset);
        for (const [part, n] of Object.entries(parts)) assert.ok(n > 0, `#${id} has no ${part} (${JSON.stringify(parts)})`);
        assert.equal(await page.locator('#panic').count(), 0, '#panic is shown');
        assertNoProblems(log);
      }),
    );

    test('gives each chart a text alternative that states what it shows, with numbers', check(id, 'text alternative'), () =>
      withFigure(browser, id, async ({ page, log }) => {
        const names = () => page.$$eval(`figure#${id} canvas[data-chart]`, (els) => els.map((el) => [el.dataset.chart, el.getAttribute('aria-label') ?? '']));
        const first = await names();
        assert.ok(first.length > 0, `#${id} has no chart`);
        // The words follow the run (refreshed every few seconds): "<label>: <what it shows now>".
        await waitFor(
          page,
          (id) => [...document.querySelectorAll(`figure#${id} canvas[data-chart]`)].every((el) => /: .*\d/.test(el.getAttribute('aria-label') ?? '')),
          id,
          `every chart of #${id} to describe itself with a number`,
          30_000,
        );
        const described = await names();
        for (const [chart, name] of described) {
          const label = first.find(([c]) => c === chart)[1];
          assert.ok(name.startsWith(label.split(': ')[0]), `${chart}'s text alternative lost its label: ${name}`);
          assert.doesNotMatch(name, /\bNaN\b|Infinity|\binf\b|\{|undefined/i, `${chart}'s text alternative: ${name}`);
        }
        assertNoProblems(log);
      }),
    );

    test('is sharp at a device pixel ratio of 2, and after a resize', check(id, 'sharp'), () =>
      withPage(browser, `?embed=${id}`, { deviceScaleFactor: 2 }, async ({ page, log }) => {
        await waitForLaidOut(page, id);
        const first = await sharpness(page, id);
        assert.equal(first.dpr, 2);
        assert.ok(first.shown.length > 0, `#${id} shows no canvas`);
        assert.deepEqual(first.blurry, [], 'canvases whose backing store is not twice their CSS size');
        await page.setViewportSize({ width: 600, height: 900 });
        await waitFor(
          page,
          ([id, w]) => [...document.querySelectorAll(`figure#${id} canvas`)].find((c) => c.clientWidth > 0)?.width !== w,
          [id, first.shown[0].backing[0]],
          'the canvases to follow the resize',
        );
        await waitForLaidOut(page, id);
        assert.deepEqual((await sharpness(page, id)).blurry, [], 'after a resize, canvases whose backing store is not twice their CSS size');
        await waitForDrawn(page, id, { drawnOn: entry(id).drawnOn });
        assertDrawn(await canvasColours(page, `figure#${id} canvas[data-layer="axes"]`), `(axes) in #${id} after a resize`);
        assertNoProblems(log);
      }),
    );

    test('fits a 390 × 844 phone', check(id, 'phone'), () =>
      withFigure(browser, id, async ({ page, log }) => {
        await waitForDrawn(page, id, { drawnOn: entry(id).drawnOn });
        await screenshot(page.locator(`figure#${id}`), `${id}-phone`);
        const hidden = await page.$$eval(`figure#${id} canvas[data-chart]`, (els) =>
          els.filter((el) => !el.checkVisibility({ visibilityProperty: true }) || el.getBoundingClientRect().width < 1).map((el) => el.dataset.chart),
        );
        assert.deepEqual(hidden, [], 'charts not shown on a phone');
        assert.deepEqual(await overflow(page, id), [], 'parts of the figure that stick out of a 390-px screen');
        await openDetails(page, `figure#${id}`);
        assert.deepEqual(await overflow(page, id), [], 'with every <details> open, parts of the figure that stick out of a 390-px screen');
        assertNoProblems(log);
      }, { viewport: PHONE }),
    );

    test('stays still while off screen, and runs once scrolled into view', check(id, 'idle off screen'), () =>
      withPage(browser, '', {}, async ({ page }) => {
        const gap = await scrollAway(page, id);
        assert.ok(gap > 200, `#${id} is only ${gap} px from the viewport`);
        await idle(page, 500); // for the visibility observer to report
        const away = await readouts(page, `figure#${id}`);
        await idle(page, 2000);
        assert.deepEqual(await readouts(page, `figure#${id}`), away, `#${id}'s readouts changed while it was off screen`);
        await scrollToFigure(page, id);
        await waitFor(
          page,
          ([id, away]) =>
            [...document.querySelectorAll(`figure#${id} [data-readout]`)].some((el) => (el.dataset.value ?? null) !== away[el.dataset.readout]),
          [id, away],
          `#${id}'s readouts to change once on screen`,
        );
        await waitForDrawn(page, id, { drawnOn: entry(id).drawnOn });
      }),
    );

    test('keeps its setting in the URL: the written link reopens it', check(id, 'url'), async () => {
      const { control, value, key } = entry(id).setting;
      const [link, shown] = await withFigure(browser, id, async ({ page, log }) => {
        const initial = await controlValue(page, id, control);
        const before = await urlKey(page, key);
        await setControl(page, id, control, value);
        await waitForUrlKey(page, key, before, `changing ${control} to write ${key}`);
        const shown = await controlValue(page, id, control);
        assert.notEqual(shown, initial, `${control} did not change`);
        assertNoProblems(log);
        return [page.url(), shown];
      });
      assert.equal(await shownAt(link, id, control), shown, `${link} does not show ${control} = ${shown}`);
    });

    test('resets to its defaults, in the page and in the URL', check(id, 'reset'), async () => {
      const { setting: { control, value }, reset } = entry(id);
      const [link, initial] = await withFigure(browser, id, async ({ page, log }) => {
        const initial = await controlValue(page, id, control);
        await setControl(page, id, control, value);
        await waitForControls(page, id, { [control]: initial }, `${control} to change`, { not: true });
        await clickAction(page, id, reset);
        await waitForControls(page, id, { [control]: initial }, `"${reset}" to restore ${control} = ${initial}`);
        await idle(page, 200);
        assertNoProblems(log);
        return [page.url(), initial];
      });
      assert.equal(await shownAt(link, id, control), initial, `after reset, ${link} does not show ${control} = ${initial}`);
    });

    test('embeds alone in a page of another site and posts its height', check(id, 'embed'), async () => {
      const { page, context, log } = await newPage(browser);
      try {
        await page.goto(`${parent.url}${id}.html`, { waitUntil: 'load' });
        const frame = await frameOf(page, 'frame');
        await waitFor(frame, (id) => !!document.querySelector(`figure#${id}`), id, `#${id} to mount in the frame`);
        const shown = await shownInFrame(frame);
        assert.deepEqual(shown.figures, [id], `?embed=${id} shows figures ${shown.figures}`);
        assert.equal(shown.article, 0, `?embed=${id} also shows the article's masthead, contents or text`);
        await waitForDrawn(frame, id, { layers: true });
        await waitForHeightMessage(page, 'frame', id);
        const origins = await page.evaluate(() => [...new Set(window.heights.map((m) => m.origin))]);
        assert.deepEqual(origins, [new URL(siteUrl()).origin], 'the origins messages came from');
        assertNoProblems(log);
      } finally {
        await context.close();
      }
    });
  });
}
