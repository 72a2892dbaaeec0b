// Figure `regression` (spec §C): it draws, it measures what §C predicts, its controls work,
// and it fits a phone. Run against a served build: E2E_BASE_URL=http://127.0.0.1:PORT/ node --test e2e/regression.test.mjs
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DESKTOP, PHONE, launch, open, problems, screenshotPath, waitFor } from './lib/browser.js';

const FIG = 'figure#regression';

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
    const v = document.querySelector(`${'figure#regression'} [data-readout="${full}"]`)?.dataset.value;
    return v === undefined || v === '' ? NaN : Number(v);
  }, `regression.${name}`);
}

/** Waits until a readout equals `want`. */
function waitForValue(page, name, want, what) {
  return waitFor(
    page,
    ([full, want]) => document.querySelector(`figure#regression [data-readout="${full}"]`)?.dataset.value === String(want),
    [`regression.${name}`, want],
    what ?? `regression.${name} to read ${want}`,
    60_000,
  );
}

/** Distinct colours (up to 256) on each of the figure's data-chart canvases. */
function colours(page) {
  return page.$$eval(`${FIG} canvas[data-chart]`, (canvases) =>
    canvases.map((canvas) => {
      const { width, height } = canvas;
      if (!width || !height) return { chart: canvas.dataset.chart, colours: 0 };
      // Read through a scratch canvas, so the chart's own context is left as it is.
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

/** Opens the page, scrolls the figure into view and waits for its charts. */
async function openFigure(viewport) {
  const opened = await open(browser, '', { viewport });
  const { page } = opened;
  await page.locator(FIG).scrollIntoViewIfNeeded();
  await waitFor(
    page,
    () => [...document.querySelectorAll('figure#regression canvas[data-layer="axes"]')].every((c) => c.width > 0),
    undefined,
    'the regression charts to be laid out',
  );
  return opened;
}

/** The 99.9 % interval of a correlation readout and its theory value. */
async function interval(page, name, theoryName = `${name}.theory`) {
  return {
    r: await value(page, name),
    lo: await value(page, `${name}.lo`),
    hi: await value(page, `${name}.hi`),
    theory: await value(page, theoryName),
  };
}

function assertContains(what, { r, lo, hi, theory }) {
  assert.ok([r, lo, hi, theory].every(Number.isFinite), `${what}: r = ${r} in [${lo}, ${hi}], theory ${theory}`);
  assert.ok(lo <= r && r <= hi, `${what}: r = ${r} outside its own interval [${lo}, ${hi}]`);
  assert.ok(lo <= theory && theory <= hi, `${what}: the 99.9 % interval [${lo}, ${hi}] misses theory ${theory}`);
}

test('regression: one step at the defaults — SGD noise shaped like H, mutations round', { timeout: 120_000 }, async () => {
  const { page, context, log } = await openFigure(DESKTOP);
  try {
    // The animation fills the single-step clouds to their cap (deterministic: fixed seed).
    await waitForValue(page, 'samples', 5000, 'the single-step clouds to reach 5000 steps');
    const sgd = await interval(page, 'step_r');
    assertContains('SGD per-step r', sgd);
    assert.ok(Math.abs(sgd.theory - 0.9) < 1e-12, `§C's formula at the optimum gives the feature correlation 0.9, got ${sgd.theory}`);
    assert.ok(sgd.hi - sgd.lo < 0.03, `interval [${sgd.lo}, ${sgd.hi}] is too wide for 5000 steps`);
    const mutation = await interval(page, 'sel_step_r');
    assert.equal(mutation.theory, 0);
    assertContains('mutation r', mutation);
    assertContains('accepted-mutation r', await interval(page, 'sel_acc_r'));
    const accept = await value(page, 'sel_accept');
    assert.ok(accept > 0 && accept < 1, `acceptance ${accept}`);

    for (const c of await colours(page)) {
      assert.ok(c.colours > 3, `${c.chart} looks blank (${c.colours} colours)`);
    }
    // The caption's last line says what to notice; the prose's numbers come from theory.
    const notice = await page.locator(`${FIG} figcaption .what-to-notice`).textContent();
    assert.ok(notice.trim().startsWith('What to notice:'), `caption line: ${notice}`);
    const bound = await page.evaluate(() =>
      Object.fromEntries(
        [...document.querySelectorAll('[data-bind^="regression."]')].map((el) => [el.dataset.bind, [el.textContent, el.dataset.value]]),
      ),
    );
    assert.equal(bound['regression.keep_r']?.[0], '−0.9', `prose: ${JSON.stringify(bound)}`);
    assert.ok(Math.abs(Number(bound['regression.keep_r'][1]) + 0.9) < 1e-9, `prose: ${JSON.stringify(bound)}`);
    assert.ok(Math.abs(Number(bound['regression.sgd_r']?.[1]) - (await value(page, 'long_r.sgd.theory'))) < 1e-12, `prose: ${JSON.stringify(bound)}`);
    await page.locator(FIG).screenshot({ path: screenshotPath('regression-desktop') });

    // The long run: run it to the end and look at the other view.
    await page.locator(`${FIG} [data-action="finish"]`).click();
    await waitForValue(page, 'steps', 400000, 'the long run to reach its cap');
    await page.locator(`${FIG} input[name="regression-view"][value="long-run"]`).check();
    const longSgd = await value(page, 'long_r.sgd');
    const longSgdTheory = await value(page, 'long_r.sgd.theory');
    const longSel = await value(page, 'long_r.sel');
    const longSelTheory = await value(page, 'long_r.sel.theory');
    assert.ok(Math.abs(longSelTheory + 0.9) < 1e-9, `H⁻¹/β has correlation −0.9, got ${longSelTheory}`);
    // One correlated run: its r is not iid, so these are loose checks of the twist itself.
    assert.ok(Math.abs(longSgd - longSgdTheory) < 0.1, `SGD long-run r ${longSgd} vs theory ${longSgdTheory}`);
    assert.ok(Math.abs(longSel - longSelTheory) < 0.05, `KEEP long-run r ${longSel} vs theory ${longSelTheory}`);
    assert.ok(Math.abs(longSgd) < 0.3 && longSel < -0.8, `the twist: SGD ${longSgd} nearly round, KEEP ${longSel} along the valley`);
    for (const c of await colours(page)) {
      assert.ok(c.colours > 3, `${c.chart} (long run) looks blank (${c.colours} colours)`);
    }
    await page.locator(FIG).screenshot({ path: screenshotPath('regression-long-desktop') });

    assert.deepEqual(log.pageErrors, [], 'page errors');
    assert.deepEqual(problems(log), [], 'console errors or warnings');
  } finally {
    await context.close();
  }
});

test('regression: moving the point changes §C prediction, and the measurement follows', { timeout: 120_000 }, async () => {
  const { page, context, log } = await openFigure(DESKTOP);
  try {
    // Keyboard: ten steps right on the w₁ offset slider (0.05 each).
    const slider = page.locator(`${FIG} input[name="offset1"]`);
    await slider.focus();
    for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight');
    await waitFor(
      page,
      () => document.querySelector('figure#regression input[name="offset1"]')?.value === '0.5',
      undefined,
      'the w₁ offset to read 0.5',
    );
    // §C: Cov(g) = (Σδ)(Σδ)ᵀ + (δᵀΣδ + σ_n²)Σ; at δ = (0.5, 0) its correlation is 1.35/√(1.5·1.4525).
    const theory = await value(page, 'step_r.theory');
    const expected = 1.35 / Math.sqrt(1.5 * 1.4525);
    assert.ok(Math.abs(theory - expected) < 1e-12, `§C's formula at w* + (0.5, 0): ${theory}, expected ${expected}`);
    await page.locator(`${FIG} [data-action="finish"]`).click();
    await waitForValue(page, 'samples', 5000);
    assertContains('SGD per-step r at w* + (0.5, 0)', await interval(page, 'step_r'));
    assertContains('accepted-mutation r at w* + (0.5, 0)', await interval(page, 'sel_acc_r'));

    // Clicking the chart in the one-step view moves the point too.
    const box = await page.locator(`${FIG} canvas[data-chart="regression-sgd"]`).boundingBox();
    await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.3);
    await waitFor(
      page,
      () => document.querySelector('figure#regression input[name="offset1"]')?.value !== '0.5',
      undefined,
      'a click on the chart to move the point',
    );

    // Reset restores the defaults.
    await page.locator(`${FIG} [data-action="reset"]`).click();
    await waitFor(
      page,
      () =>
        document.querySelector('figure#regression input[name="offset1"]')?.value === '0' &&
        Math.abs(Number(document.querySelector('figure#regression [data-readout="regression.step_r.theory"]')?.dataset.value) - 0.9) < 1e-12,
      undefined,
      'reset to restore the optimum',
    );
    assert.deepEqual(log.pageErrors, [], 'page errors');
    assert.deepEqual(problems(log), [], 'console errors or warnings');
  } finally {
    await context.close();
  }
});

test('regression: does not animate while off screen', { timeout: 60_000 }, async () => {
  const { page, context } = await open(browser, '', { viewport: DESKTOP });
  try {
    // The page opens at the top, far above the figure.
    await page.waitForTimeout(2000);
    const [steps, samples] = [await value(page, 'steps'), await value(page, 'samples')];
    assert.ok(steps <= 1400 && samples <= 60, `the figure ran off screen: ${steps} long-run steps, ${samples} single steps`);
    await page.locator(FIG).scrollIntoViewIfNeeded();
    await waitFor(
      page,
      (n) => Number(document.querySelector('figure#regression [data-readout="regression.steps"]')?.dataset.value) > n,
      steps,
      'the figure to run once on screen',
    );
  } finally {
    await context.close();
  }
});

test('regression: fits a 390-px phone', { timeout: 120_000 }, async () => {
  const { page, context, log } = await openFigure(PHONE);
  try {
    await waitForValue(page, 'samples', 5000);
    // Nothing in the figure reaches past the viewport or overflows the figure's box.
    const overflow = await page.evaluate(() => {
      const fig = document.querySelector('figure#regression');
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
    await page.locator(FIG).screenshot({ path: screenshotPath('regression-phone') });
    assert.deepEqual(log.pageErrors, [], 'page errors');
    assert.deepEqual(problems(log), [], 'console errors or warnings');
  } finally {
    await context.close();
  }
});
