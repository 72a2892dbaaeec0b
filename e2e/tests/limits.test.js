// Figure `limits` (spec §A.1.2, §D): what the analogy gets right. It draws, it stays still
// off screen, its KEEP chain (run in the page, fixed seed) settles into the Gibbs law
// ∝ e^{βf} within a stated statistical bound for the rules whose odds are e^{βΔ} and
// visibly not for probit, its controls work, and it fits a phone. Run against a served build:
//   E2E_BASE_URL=http://127.0.0.1:PORT/ node --test e2e/limits.test.mjs
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DESKTOP, PHONE, launch, open, problems, siteUrl, waitFor } from './lib/browser.js';

const FIG = 'figure#limits';
/** Two-sided 99.9 % normal quantile (spec §E). */
const Z_999 = 3.29;
/** Generations the chain runs before pausing (src/app/figures/limits.rs). */
const MILESTONE = 2_000_000;
const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), 'screenshots');

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
    const v = document.querySelector(`figure#limits [data-readout="${full}"]`)?.dataset.value;
    return v === undefined || v === '' ? NaN : Number(v);
  }, `limits.${name}`);
}

/** Waits until the chain has run exactly `steps` generations. */
function waitForSteps(page, steps, what = `the chain to reach ${steps} generations`) {
  return waitFor(
    page,
    (want) => document.querySelector('figure#limits [data-readout="limits.steps"]')?.dataset.value === String(want),
    steps,
    what,
    120_000,
  );
}

/** Whether each data-chart canvas and each axes canvas holds more than one colour. */
function canvasesDrawn(page) {
  return page.$$eval(`${FIG} canvas`, (canvases) =>
    canvases
      .filter((c) => c.dataset.chart || c.dataset.layer === 'axes')
      .map((canvas) => {
        const { width, height } = canvas;
        const name = canvas.dataset.chart ?? `axes of ${canvas.nextElementSibling?.dataset.chart}`;
        if (!width || !height) return { name, colours: 0 };
        const scratch = document.createElement('canvas');
        scratch.width = width;
        scratch.height = height;
        const ctx = scratch.getContext('2d', { willReadFrequently: true });
        ctx.drawImage(canvas, 0, 0);
        const pixels = new Uint32Array(ctx.getImageData(0, 0, width, height).data.buffer);
        const seen = new Set();
        for (let i = 0; i < pixels.length && seen.size < 64; i++) seen.add(pixels[i]);
        return { name, colours: seen.size, width, clientWidth: canvas.clientWidth };
      }),
  );
}

/** Opens the page and scrolls the figure into view (off-screen figures do not animate). */
async function openFigure(viewport = DESKTOP) {
  const opened = await open(browser, '', { viewport });
  await opened.page.locator(FIG).scrollIntoViewIfNeeded();
  await waitFor(
    opened.page,
    () => [...document.querySelectorAll('figure#limits canvas')].every((c) => c.width > 0),
    undefined,
    'the limits canvases to be laid out',
  );
  return opened;
}

async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.locator(FIG).screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/** Reads the variance test: ratio, its batch-means SE and z. */
async function varianceTest(page) {
  const [ratio, se, z] = [await value(page, 'var_ratio'), await value(page, 'var_ratio_se'), await value(page, 'var_z')];
  assert.ok([ratio, se, z].every(Number.isFinite), `var_ratio ${ratio} ± ${se}, z ${z}`);
  assert.ok(Math.abs((ratio - 1) / se - z) < 1e-9, `var_z ${z} is not (ratio − 1)/SE`);
  return { ratio, se, z };
}

test('off screen, the chain does not run', { timeout: 60_000 }, async () => {
  const { page, context } = await open(browser, '');
  try {
    await page.waitForTimeout(1500);
    assert.equal(await value(page, 'steps'), 0, 'the chain ran while the figure was off screen');
    await page.locator(FIG).scrollIntoViewIfNeeded();
    await waitFor(
      page,
      () => Number(document.querySelector('figure#limits [data-readout="limits.steps"]')?.dataset.value) > 0,
      undefined,
      'the chain to start once on screen',
    );
  } finally {
    await context.close();
  }
});

test('at the defaults the KEEP histogram has the Gibbs variance, and small steps give R → 1', { timeout: 180_000 }, async () => {
  const { page, context, log } = await openFigure();
  try {
    await waitForSteps(page, MILESTONE);
    for (const c of await canvasesDrawn(page)) {
      assert.ok(c.colours > 1, `canvas ${c.name} is blank: ${JSON.stringify(c)}`);
      assert.ok(c.width >= c.clientWidth, `canvas ${c.name} is blurry: ${c.width} px for ${c.clientWidth} CSS px`);
    }
    // The stated bound: |Var ratio − 1| < 3.29 standard errors (99.9 %), the standard
    // error by batch means over 32–64 batches, and tight enough (< 2 %) to mean something.
    const { ratio, se, z } = await varianceTest(page);
    console.log(`limits (logistic): Var ratio = ${ratio.toFixed(4)} ± ${se.toFixed(4)}, z = ${z.toFixed(2)}`);
    assert.ok(Math.abs(z) < Z_999, `Var ratio ${ratio} ± ${se}: z = ${z}`);
    assert.ok(se < 0.02, `the standard error ${se} is too large for the bound to mean anything`);
    const theory = await value(page, 'theory_var');
    assert.ok(Math.abs(theory * 80 - 1) < 1e-9, `Gibbs variance of −x²/2 at β = 80 is 1/80, read ${theory}`);
    const ks = await value(page, 'ks');
    assert.ok(ks < 0.01, `Kolmogorov–Smirnov distance ${ks}`);

    // (a): every rule within 5 % of the small-step limit at a = 0.1; the toy problem's start.
    const rSmall = await value(page, 'r_small');
    assert.ok(rSmall > 0.95 && rSmall <= 1, `limits.r_small = ${rSmall}`);
    const rStart = await value(page, 'r_start');
    assert.ok(rStart > 0.18 && rStart < 0.2, `limits.r_start = ${rStart}, spec R(8.1) ≈ 0.19`);

    assert.equal(await page.locator('#panic').count(), 0, '#panic is shown');
    assert.deepEqual(log.pageErrors, [], 'page errors');
    assert.deepEqual(problems(log), [], 'console errors or warnings');
    await screenshot(page, 'limits-desktop');
  } finally {
    await context.close();
  }
});

test('Metropolis and Kimura settle into the Gibbs law; probit, whose odds are not e^{βΔ}, does not', { timeout: 240_000 }, async () => {
  const { page, context, log } = await openFigure();
  try {
    const select = page.locator(`${FIG} select[name="rule"]`);
    for (const rule of ['metropolis', 'kimura', 'probit']) {
      await select.selectOption(rule);
      if (rule === 'probit') {
        // Larger steps make probit's departure from e^{βΔ} odds, and so from Gibbs, plain.
        const sigma = page.locator(`${FIG} input[name="sigma"]`);
        await sigma.fill('0.2');
        await sigma.press('Enter');
        await waitFor(page, () => document.querySelector('figure#limits input[name="sigma"]')?.value === '0.2', undefined, 's = 0.2');
      }
      await waitForSteps(page, MILESTONE, `the ${rule} chain to reach ${MILESTONE} generations`);
      const { ratio, se, z } = await varianceTest(page);
      console.log(`limits (${rule}): Var ratio = ${ratio.toFixed(4)} ± ${se.toFixed(4)}, z = ${z.toFixed(2)}`);
      if (rule === 'probit') {
        assert.ok(z < -Z_999, `probit's variance should settle clearly below Gibbs: ${ratio} ± ${se}, z = ${z}`);
      } else {
        assert.ok(Math.abs(z) < Z_999, `${rule}: Var ratio ${ratio} ± ${se}, z = ${z}`);
        assert.ok(se < 0.05, `${rule}: standard error ${se}`);
      }
    }
    assert.deepEqual(problems(log), [], 'console errors or warnings');
  } finally {
    await context.close();
  }
});

test('controls: pause, parameters by keyboard, and reset', { timeout: 90_000 }, async () => {
  const { page, context, log } = await openFigure();
  try {
    const play = page.locator(`${FIG} [data-action="play"]`);
    await waitFor(page, () => Number(document.querySelector('figure#limits [data-readout="limits.steps"]')?.dataset.value) > 0, undefined, 'steps');
    if ((await play.getAttribute('aria-pressed')) === 'true') await play.click();
    await waitFor(page, () => document.querySelector('figure#limits [data-action="play"]')?.getAttribute('aria-pressed') === 'false', undefined, 'pause');
    const paused = await value(page, 'steps');
    await page.waitForTimeout(700);
    assert.equal(await value(page, 'steps'), paused, 'the chain ran on after pause');

    // β typed and committed with Enter restarts the chain at the new temperature.
    const beta = page.locator(`${FIG} input[name="beta"]`);
    await beta.focus();
    await beta.fill('20');
    await beta.press('Enter');
    await waitFor(page, () => Math.abs(Number(document.querySelector('figure#limits [data-readout="limits.theory_var"]')?.dataset.value) - 0.05) < 1e-9, undefined, 'the Gibbs variance to become 1/20');

    // The landscape, chosen by keyboard.
    const landscape = page.locator(`${FIG} select[name="landscape"]`);
    await landscape.selectOption('double-well');
    await waitFor(page, () => Number(document.querySelector('figure#limits [data-readout="limits.theory_var"]')?.dataset.value) > 0.5, undefined, 'the double peak to widen the Gibbs law');

    await page.locator(`${FIG} [data-action="reset"]`).click();
    assert.equal(await beta.inputValue(), '80');
    assert.equal(await landscape.inputValue(), 'quadratic');
    assert.ok(Math.abs((await value(page, 'theory_var')) * 80 - 1) < 1e-9, 'reset did not restore β = 80');
    assert.deepEqual(problems(log), [], 'console errors or warnings');
  } finally {
    await context.close();
  }
});

test('on a phone the figure fits and draws', { timeout: 90_000 }, async () => {
  const { page, context, log } = await openFigure(PHONE);
  try {
    const overflow = await page.$eval(FIG, (f) => f.scrollWidth - f.clientWidth);
    assert.ok(overflow <= 1, `the figure overflows a phone by ${overflow} px`);
    await waitForSteps(page, MILESTONE);
    for (const c of await canvasesDrawn(page)) assert.ok(c.colours > 1, `canvas ${c.name} is blank on a phone`);
    await screenshot(page, 'limits-phone');
    assert.deepEqual(problems(log), [], 'console errors or warnings');
  } finally {
    await context.close();
  }
});

test('sharp on a high-DPI screen, and redrawn at the new size after a resize', { timeout: 60_000 }, async () => {
  const context = await browser.newContext({ viewport: DESKTOP, deviceScaleFactor: 2 });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && errors.push(m.text()));
  try {
    await page.goto(siteUrl('?embed=limits'));
    const sharp = () =>
      page.$$eval('figure#limits canvas', (cs) =>
        cs.every((c) => c.clientWidth > 0 && c.width === Math.round(2 * c.clientWidth) && c.height === Math.round(2 * c.clientHeight)),
      );
    await waitFor(page, () => [...document.querySelectorAll('figure#limits canvas')].every((c) => c.width > 0), undefined, 'the canvases');
    assert.ok(await sharp(), 'canvases are not at twice their CSS size on a 2× screen');
    const before = await page.$eval('figure#limits canvas', (c) => c.width);
    await page.setViewportSize({ width: 700, height: 900 });
    await waitFor(page, (w) => document.querySelector('figure#limits canvas')?.width !== w, before, 'the canvases to follow the resize');
    assert.ok(await sharp(), 'after a resize the canvases are not at twice their CSS size');
    for (const c of await canvasesDrawn(page)) assert.ok(c.colours > 1, `canvas ${c.name} is blank after a resize`);
    assert.deepEqual(errors, [], 'console errors or warnings');
  } finally {
    await context.close();
  }
});
