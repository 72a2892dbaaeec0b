// Figure `drift` (spec §D): it draws, selection's mean step circulates and gradient ascent's
// does not, the Monte Carlo agrees with theory, its controls work, and it fits a phone.
// Run against a served build: E2E_BASE_URL=http://127.0.0.1:PORT/ node --test e2e/drift.test.mjs
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DESKTOP, PHONE, launch, open, problems, screenshotPath, waitFor } from './lib/browser.js';

const FIG = 'figure#drift';
const Z_999 = 3.29;
/** Monte Carlo steps at which the figure stops (40 000 sweeps of one step at each of 16 points). */
const MC_STEPS = 40000 * 16;

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** A readout of this figure as a number; NaN while undefined. */
function value(page, name) {
  return page.evaluate((full) => {
    const v = document.querySelector(`figure#drift [data-readout="${full}"]`)?.dataset.value;
    return v === undefined || v === '' ? NaN : Number(v);
  }, `drift.${name}`);
}

function waitForValue(page, name, want, what) {
  return waitFor(
    page,
    ([full, want]) => document.querySelector(`figure#drift [data-readout="${full}"]`)?.dataset.value === String(want),
    [`drift.${name}`, want],
    what ?? `drift.${name} to read ${want}`,
    60_000,
  );
}

/** Distinct colours (up to 256) on each of the figure's data-chart canvases. */
function colours(page) {
  return page.$$eval(`${FIG} canvas[data-chart]`, (canvases) =>
    canvases.map((canvas) => {
      const { width, height } = canvas;
      if (!width || !height) return { chart: canvas.dataset.chart, colours: 0 };
      const scratch = document.createElement('canvas');
      scratch.width = width;
      scratch.height = height;
      const ctx = scratch.getContext('2d', { willReadFrequently: true });
      ctx.drawImage(canvas, 0, 0);
      const pixels = new Uint32Array(ctx.getImageData(0, 0, width, height).data.buffer);
      const seen = new Set();
      for (let i = 0; i < pixels.length && seen.size < 256; i++) seen.add(pixels[i]);
      return { chart: canvas.dataset.chart, colours: seen.size };
    }),
  );
}

async function openFigure(viewport) {
  const opened = await open(browser, '', { viewport });
  await opened.page.locator(FIG).scrollIntoViewIfNeeded();
  await waitFor(
    opened.page,
    () => [...document.querySelectorAll('figure#drift canvas[data-layer="axes"]')].every((c) => c.width > 0),
    undefined,
    'the drift charts to be laid out',
  );
  return opened;
}

/** Checks the theory readouts and the Monte Carlo once it has finished. */
async function checkCirculations(page, where) {
  const sel = await value(page, 'circulation.sel');
  const gd = await value(page, 'circulation.gd');
  const ratio = await value(page, 'ratio');
  const ratioGd = await value(page, 'ratio.gd');
  const exact = await value(page, 'circulation.exact');
  const mc = await value(page, 'circulation.mc');
  const se = await value(page, 'circulation.mc.se');
  assert.ok([sel, gd, ratio, exact, mc, se].every(Number.isFinite), `${where}: readouts ${[sel, gd, ratio, exact, mc, se]}`);
  // Gradient ascent: a gradient field, so zero circulation up to rounding.
  assert.ok(Math.abs(gd) < 1e-9, `${where}: gradient ascent's circulation ${gd} is not ≈ 0`);
  assert.ok(Math.abs(ratioGd) < 1e-9, `${where}: gradient ascent's relative circulation ${ratioGd}`);
  // Selection: the circulation is several per cent of mean|F| × circumference, the largest it
  // could be for a field of that size running round the circle. Rounding errors in the
  // trapezoid sum are ~1e-16 of that scale (gradient ascent's ratio shows it), so 0.02 is
  // eleven orders of magnitude above them; the default circle gives about 0.1.
  assert.ok(Math.abs(ratio) > 0.02, `${where}: selection's relative circulation ${ratio} is not clearly non-zero`);
  // The Monte Carlo estimates the exact circulation (curvature of f over one mutation
  // included); its standard error is from the per-point sample variances.
  const z = (mc - exact) / se;
  assert.ok(Math.abs(z) < Z_999, `${where}: Monte Carlo ${mc} ± ${se} vs exact ${exact}: z = ${z}`);
  assert.ok(Math.abs(exact) > 10 * se, `${where}: the Monte Carlo does not resolve the circulation (${exact} vs SE ${se})`);
  // The exact value and the §A.1.3 formula agree in sign and to within a quarter: the
  // formula leaves out a correction of relative order βs²·h.
  assert.ok(Math.sign(exact) === Math.sign(sel) && Math.abs(exact / sel - 1) < 0.25, `${where}: exact ${exact} vs formula ${sel}`);
  return { sel, gd, ratio, exact, mc, se, z };
}

test('drift: selection circulates, gradient ascent does not, and the Monte Carlo agrees', { timeout: 120_000 }, async () => {
  const { page, context, log } = await openFigure(DESKTOP);
  try {
    // The animation runs the Monte Carlo to its cap; with the seed fixed, the result is fixed.
    await waitForValue(page, 'mc.steps', MC_STEPS, 'the Monte Carlo to finish');
    const r = await checkCirculations(page, 'defaults');
    console.log(`defaults: ${JSON.stringify(r)}`);
    for (const c of await colours(page)) {
      assert.ok(c.colours > 3, `${c.chart} looks blank (${c.colours} colours)`);
    }
    const notice = await page.locator(`${FIG} figcaption .what-to-notice`).textContent();
    assert.ok(notice.trim().startsWith('What to notice:'), `caption line: ${notice}`);
    await page.locator(FIG).screenshot({ path: screenshotPath('drift-desktop') });
    assert.deepEqual(log.pageErrors, [], 'page errors');
    assert.deepEqual(problems(log), [], 'console errors or warnings');
  } finally {
    await context.close();
  }
});

test('drift: controls — rule, circle by keyboard and by click, reset', { timeout: 120_000 }, async () => {
  const { page, context, log } = await openFigure(DESKTOP);
  try {
    // Metropolis acceptance.
    await page.locator(`${FIG} select[name="rule"]`).selectOption('metropolis');
    await page.locator(`${FIG} [data-action="finish"]`).click();
    await waitForValue(page, 'mc.steps', MC_STEPS);
    const metropolis = await checkCirculations(page, 'Metropolis');

    // The circle's radius by keyboard: four steps down (0.05 each).
    const radius = page.locator(`${FIG} input[name="radius"]`);
    await radius.focus();
    for (let i = 0; i < 4; i++) await page.keyboard.press('ArrowLeft');
    await waitFor(page, () => document.querySelector('figure#drift input[name="radius"]')?.value === '0.8', undefined, 'the radius to read 0.8');
    await page.locator(`${FIG} [data-action="finish"]`).click();
    await waitForValue(page, 'mc.steps', MC_STEPS);
    const smaller = await checkCirculations(page, 'Metropolis, radius 0.8');
    assert.ok(Math.abs(smaller.sel) < Math.abs(metropolis.sel), 'a smaller circle encloses less curl');

    // A click on the chart moves the circle's centre there.
    const box = await page.locator(`${FIG} canvas[data-chart="drift-gd"]`).boundingBox();
    await page.mouse.click(box.x + box.width * 0.35, box.y + box.height * 0.3);
    await waitFor(
      page,
      () => document.querySelector('figure#drift input[name="center_a"]')?.value !== '1',
      undefined,
      'a click to move the circle',
    );
    // Reset restores the defaults.
    await page.locator(`${FIG} [data-action="reset"]`).click();
    await waitFor(
      page,
      () =>
        document.querySelector('figure#drift input[name="center_a"]')?.value === '1' &&
        document.querySelector('figure#drift input[name="radius"]')?.value === '1' &&
        document.querySelector('figure#drift select[name="rule"]')?.value === 'logistic',
      undefined,
      'reset to restore the defaults',
    );
    assert.deepEqual(log.pageErrors, [], 'page errors');
    assert.deepEqual(problems(log), [], 'console errors or warnings');
  } finally {
    await context.close();
  }
});

test('drift: does not animate while off screen', { timeout: 60_000 }, async () => {
  const { page, context } = await open(browser, '', { viewport: DESKTOP });
  try {
    await page.waitForTimeout(2000);
    const steps = await value(page, 'mc.steps');
    assert.ok(steps <= 2 * 200 * 16, `the Monte Carlo ran off screen: ${steps} steps`);
    await page.locator(FIG).scrollIntoViewIfNeeded();
    await waitFor(
      page,
      (n) => Number(document.querySelector('figure#drift [data-readout="drift.mc.steps"]')?.dataset.value) > n,
      steps,
      'the Monte Carlo to run once on screen',
    );
  } finally {
    await context.close();
  }
});

test('drift: fits a 390-px phone', { timeout: 120_000 }, async () => {
  const { page, context, log } = await openFigure(PHONE);
  try {
    await waitForValue(page, 'mc.steps', MC_STEPS);
    const overflow = await page.evaluate(() => {
      const fig = document.querySelector('figure#drift');
      const out = [...fig.querySelectorAll('*')]
        .map((el) => ({ el, r: el.getBoundingClientRect() }))
        .filter(({ r }) => r.width > 0 && (r.right > window.innerWidth + 0.5 || r.left < -0.5))
        .map(({ el, r }) => `${el.tagName.toLowerCase()}.${el.className} [${r.left.toFixed(1)}, ${r.right.toFixed(1)}]`);
      if (fig.scrollWidth > fig.clientWidth) out.push(`figure scrollWidth ${fig.scrollWidth} > ${fig.clientWidth}`);
      return out;
    });
    assert.deepEqual(overflow, [], 'parts of the figure overflow a 390-px screen');
    for (const c of await colours(page)) {
      assert.ok(c.colours > 3, `${c.chart} looks blank on a phone (${c.colours} colours)`);
    }
    await page.locator(FIG).screenshot({ path: screenshotPath('drift-phone') });
    assert.deepEqual(log.pageErrors, [], 'page errors');
    assert.deepEqual(problems(log), [], 'console errors or warnings');
  } finally {
    await context.close();
  }
});
