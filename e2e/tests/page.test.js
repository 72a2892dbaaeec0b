// The page as a whole: it loads cleanly, draws every chart, fits a phone, and stays on
// this machine.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  BASE_URL,
  CHARTS,
  PHONE,
  canvasColours,
  control,
  isPlaying,
  launch,
  open,
  problems,
  screenshot,
  screenshotPath,
  waitFor,
  waitForStep,
  waitForStepBetween,
} from '../lib/browser.js';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Waits until every chart canvas exists and holds more than one colour. */
async function waitForCharts(page) {
  await waitFor(
    page,
    (charts) => {
      for (const name of charts) {
        const canvas = document.querySelector(`#duel canvas[data-chart="${name}"]`);
        if (!canvas || !canvas.width || !canvas.height) return false;
        const scratch = document.createElement('canvas');
        scratch.width = canvas.width;
        scratch.height = canvas.height;
        const ctx = scratch.getContext('2d');
        ctx.drawImage(canvas, 0, 0);
        const pixels = new Uint32Array(ctx.getImageData(0, 0, canvas.width, canvas.height).data.buffer);
        if (pixels.every((p) => p === pixels[0])) return false;
      }
      return true;
    },
    CHARTS,
    `every chart (${CHARTS.join(', ')}) to draw`,
  ).catch(async (err) => {
    err.message += `\ncanvases: ${JSON.stringify(await canvasColours(page))}`;
    throw err;
  });
}

test('the page loads with no console errors or warnings and no page errors', { timeout: 60_000 }, async () => {
  for (const query of ['', '?seed=42&t=300']) {
    const { page, context, log } = await open(browser, query);
    try {
      // Without t the duel autoplays; with t it replays t steps and waits.
      if (query === '') await waitForStepBetween(page, 5, Infinity, 'the autoplaying duel to take 5 steps');
      else await waitForStep(page, 300);
      await waitForCharts(page);
      assert.equal(await page.locator('#panic').count(), 0, `#panic is shown at ${query || '/'}`);
      assert.deepEqual(log.pageErrors, [], `page errors at ${query || '/'}`);
      assert.deepEqual(problems(log), [], `console errors or warnings at ${query || '/'}`);
    } finally {
      await context.close();
    }
  }
});

test('both panels draw: no chart canvas is a single colour', { timeout: 60_000 }, async () => {
  const { page, context } = await open(browser, '?seed=42&t=300');
  try {
    await waitForStep(page, 300);
    await waitForCharts(page);
    await screenshot(page, 'desktop');
    const found = await canvasColours(page);
    for (const name of CHARTS) {
      const canvases = found.filter((c) => c.chart === name);
      assert.ok(canvases.length >= 1, `no canvas with data-chart="${name}"`);
      for (const c of canvases) assert.ok(c.colours > 1, `${name} (${c.width}×${c.height}) is all one colour`);
    }
  } finally {
    await context.close();
  }
});

/**
 * The page's width against the viewport's, and every visible chart, button and form field
 * of the duel that sticks out of the viewport horizontally.
 */
function measureWidth(page) {
  return page.evaluate(() => {
    const offenders = [...document.querySelectorAll('#duel canvas[data-chart], #duel [data-action], #duel [name]')]
      .filter((el) => el.checkVisibility({ visibilityProperty: true }))
      .map((el) => {
        const r = el.getBoundingClientRect();
        const name = el.dataset.chart ?? el.dataset.action ?? el.getAttribute('name');
        return { name, left: Math.round(r.left), right: Math.round(r.right) };
      })
      .filter((r) => r.left < -1 || r.right > window.innerWidth + 1);
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth, offenders };
  });
}

test('on a phone (390 px wide) everything shows without horizontal scrolling', { timeout: 60_000 }, async () => {
  const { page, context } = await open(browser, '?seed=42&t=300', { viewport: PHONE });
  try {
    await waitForStep(page, 300);
    await waitForCharts(page);
    await screenshot(page, 'phone');

    // Every chart is shown, with a size.
    const hidden = await page.$$eval('#duel canvas[data-chart]', (els) =>
      els.filter((el) => !el.checkVisibility({ visibilityProperty: true }) || el.getBoundingClientRect().width < 1).map((el) => el.dataset.chart),
    );
    assert.deepEqual(hidden, [], 'charts not shown at phone width');

    // As loaded, and again with every collapsible part of the figure opened.
    for (const state of ['as loaded', 'with every <details> in #duel open']) {
      if (state !== 'as loaded') {
        await page.$$eval('#duel details', (els) => els.forEach((el) => (el.open = true)));
        await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
        await page.locator('#duel').screenshot({ path: screenshotPath('phone-duel-open') });
      }
      const { scrollWidth, innerWidth, offenders } = await measureWidth(page);
      assert.ok(scrollWidth <= innerWidth, `${state}: page is ${scrollWidth} px wide in a ${innerWidth} px viewport`);
      assert.deepEqual(offenders, [], `${state}: charts, buttons or fields stick out of the ${innerWidth} px viewport`);
    }
  } finally {
    await context.close();
  }
});

test('no request leaves 127.0.0.1', { timeout: 60_000 }, async () => {
  const { page, context, log } = await open(browser, '');
  try {
    // Let it play and draw, then use the controls: nothing may reach beyond this machine.
    await waitForStepBetween(page, 20, Infinity, 'the autoplaying duel to take 20 steps');
    await waitForCharts(page);
    if (await isPlaying(page)) await control(page, '[data-action="play"]').click();
    await control(page, '[data-action="step"]').click();
    await control(page, '[data-action="new-seed"]').click();
    await control(page, '[data-action="reset"]').click();
    await waitForStep(page, 0, 'reset to bring the step back to 0');
    const base = new URL(BASE_URL);
    assert.ok(log.requests.some((u) => u.endsWith('.wasm')), `the wasm was never requested: ${log.requests}`);
    const away = log.requests.filter((u) => {
      const url = new URL(u);
      if (url.protocol === 'data:' || url.protocol === 'blob:') return false;
      return url.hostname !== '127.0.0.1' || url.port !== base.port;
    });
    assert.deepEqual(away, [], 'requests to anywhere but the site on 127.0.0.1');
  } finally {
    await context.close();
  }
});

test('every asset is referenced by a relative path, so the site works under any sub-path', async () => {
  const html = await (await fetch(BASE_URL)).text();
  const refs = [...html.matchAll(/\b(?:src|href)\s*=\s*["']([^"']+)["']/g)].map((m) => m[1]);
  const loaded = [...html.matchAll(/["']([^"'\s]+\.(?:js|wasm|css))["']/g)].map((m) => m[1]);
  assert.ok(loaded.some((u) => u.endsWith('.wasm')), 'index.html names no .wasm file');
  const absolute = [...refs, ...loaded].filter((u) => /^(\/|[a-z][a-z0-9+.-]*:)/i.test(u) && !u.startsWith('data:'));
  assert.deepEqual(absolute, [], 'absolute asset paths in index.html');
});
