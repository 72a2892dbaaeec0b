// Figure `eta` (spec §A.1.3): the gradient-dependent learning rate. It draws, it stays
// still off screen, its Monte Carlo (run in the page, fixed seed) agrees with the theory
// curve of every acceptance rule within 99.9 % error bars, its controls work, and it fits
// a phone. Run against a served build:
//   E2E_BASE_URL=http://127.0.0.1:PORT/ node --test e2e/eta.test.mjs
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DESKTOP, PHONE, launch, open, problems, siteUrl, waitFor } from './lib/browser.js';

const FIG = 'figure#eta';
const RULES = ['logistic', 'metropolis', 'probit', 'kimura'];
/** Two-sided 99.9 % normal quantile (spec §E). */
const Z_999 = 3.29;
/** Grid points per rule and samples per point at the defaults (src/sim/experiments.rs). */
const POINTS = 9;
const TARGET = 40_000;
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
    const v = document.querySelector(`figure#eta [data-readout="${full}"]`)?.dataset.value;
    return v === undefined || v === '' ? NaN : Number(v);
  }, `eta.${name}`);
}

/** Waits until the Monte Carlo reports 100 % done. */
function waitForDone(page, what = 'the Monte Carlo to finish') {
  return waitFor(
    page,
    () => document.querySelector('figure#eta [data-readout="eta.progress"]')?.dataset.value === '100',
    undefined,
    what,
    150_000,
  );
}

/** Whether each data-chart canvas and its axes canvas hold more than one colour. */
function canvasesDrawn(page) {
  return page.$$eval(`${FIG} canvas`, (canvases) =>
    canvases
      .filter((c) => c.dataset.chart || c.dataset.layer === 'axes')
      .map((canvas) => {
        const { width, height } = canvas;
        if (!width || !height) return { name: canvas.dataset.chart ?? 'axes', colours: 0 };
        const scratch = document.createElement('canvas');
        scratch.width = width;
        scratch.height = height;
        const ctx = scratch.getContext('2d', { willReadFrequently: true });
        ctx.drawImage(canvas, 0, 0);
        const pixels = new Uint32Array(ctx.getImageData(0, 0, width, height).data.buffer);
        const seen = new Set();
        for (let i = 0; i < pixels.length && seen.size < 64; i++) seen.add(pixels[i]);
        return { name: canvas.dataset.chart ?? 'axes', colours: seen.size, width, clientWidth: canvas.clientWidth };
      }),
  );
}

/** Opens the page and scrolls the figure into view (off-screen figures do not animate). */
async function openFigure(viewport = DESKTOP) {
  const opened = await open(browser, '', { viewport });
  await opened.page.locator(FIG).scrollIntoViewIfNeeded();
  await waitFor(
    opened.page,
    () => [...document.querySelectorAll('figure#eta canvas')].every((c) => c.width > 0),
    undefined,
    'the eta canvases to be laid out',
  );
  return opened;
}

async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.locator(FIG).screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

test('off screen, the Monte Carlo does not run', { timeout: 60_000 }, async () => {
  const { page, context } = await open(browser, '');
  try {
    await page.waitForTimeout(1500);
    assert.equal(await value(page, 'samples'), 0, 'the Monte Carlo ran while the figure was off screen');
    await page.locator(FIG).scrollIntoViewIfNeeded();
    await waitFor(
      page,
      () => Number(document.querySelector('figure#eta [data-readout="eta.samples"]')?.dataset.value) > 0,
      undefined,
      'the Monte Carlo to start once on screen',
    );
  } finally {
    await context.close();
  }
});

test('at the defaults every rule agrees with its theory curve within 99.9 % error bars', { timeout: 180_000 }, async () => {
  const { page, context, log } = await openFigure();
  try {
    await waitForDone(page);
    const drawn = await canvasesDrawn(page);
    assert.ok(drawn.length >= 2, `expected the axes and data canvases, found ${JSON.stringify(drawn)}`);
    for (const c of drawn) {
      assert.ok(c.colours > 1, `canvas ${c.name} is blank: ${JSON.stringify(c)}`);
      // Sharp on high-DPI: the backing store is at least the CSS size.
      assert.ok(c.width >= c.clientWidth, `canvas ${c.name} is blurry: ${c.width} px for ${c.clientWidth} CSS px`);
    }

    assert.equal(await value(page, 'samples'), RULES.length * POINTS * TARGET, 'every point collects its samples');
    const worst = await value(page, 'worst_z');
    const agree = await value(page, 'agree');
    console.log(`eta: agree = ${agree}, worst |z| = ${worst.toFixed(3)}`);
    assert.equal(agree, 1, `eta.agree is ${agree}: some point's 99.9 % bar misses the theory (worst |z| ${worst})`);
    assert.ok(worst < Z_999, `eta.worst_z = ${worst} ≥ ${Z_999}`);
    for (const rule of RULES) {
      const [a, w] = [await value(page, `${rule}.agree`), await value(page, `${rule}.worst_z`)];
      console.log(`eta: ${rule}: agree = ${a}, worst |z| = ${w.toFixed(3)}`);
      assert.equal(a, 1, `${rule}: only ${a} of its points agree with theory`);
      assert.ok(w < Z_999, `${rule}: worst |z| = ${w}`);
    }

    // The numbers the prose uses: the toy problem starts at a ≈ 8.1, R ≈ 0.19 (spec §B).
    const [a0, ratio, slowdown, saturation] = [
      await value(page, 'start_a'),
      await value(page, 'start_ratio'),
      await value(page, 'start_slowdown'),
      await value(page, 'saturation'),
    ];
    assert.ok(Math.abs(a0 - 8.14) < 0.01, `eta.start_a = ${a0}`);
    assert.ok(ratio > 0.18 && ratio < 0.2, `eta.start_ratio = ${ratio}, spec R(8.1) ≈ 0.19`);
    assert.ok(Math.abs(slowdown * ratio - 1) < 1e-9, `η = k_loop at the defaults, so slowdown = 1/ratio: ${slowdown}`);
    assert.ok(saturation > 0 && saturation < 0.05, `eta.saturation = ${saturation}`);

    // The prose binds its numbers to the same theory: filled in, and equal to the readouts.
    const bound = await page.$$eval('output[data-bind^="eta."]', (els) =>
      els.map((e) => ({ name: e.dataset.bind, text: e.textContent, value: Number(e.dataset.value) })),
    );
    assert.ok(bound.length >= 3, `the prose has ${bound.length} bound numbers`);
    for (const b of bound) {
      const shown = await value(page, b.name.slice('eta.'.length));
      assert.ok(b.text.trim() !== '' && Math.abs(b.value - shown) < 1e-12, `prose ${b.name} = ${b.text} (${b.value}), readout ${shown}`);
    }

    assert.equal(await page.locator('#panic').count(), 0, '#panic is shown');
    assert.deepEqual(log.pageErrors, [], 'page errors');
    assert.deepEqual(problems(log), [], 'console errors or warnings');
    await screenshot(page, 'eta-desktop');
  } finally {
    await context.close();
  }
});

test('KEEP: the per-generation rate agrees with theory too', { timeout: 180_000 }, async () => {
  const { page, context, log } = await openFigure();
  try {
    await page.locator(`${FIG} select[name="rule"]`).selectOption('keep');
    await waitFor(page, () => document.querySelector('figure#eta [data-readout="eta.samples"]')?.dataset.value !== '', undefined, 'the KEEP run to start');
    await waitForDone(page, 'the KEEP Monte Carlo to finish');
    const [agree, worst] = [await value(page, 'agree'), await value(page, 'worst_z')];
    console.log(`eta (KEEP): agree = ${agree}, worst |z| = ${worst.toFixed(3)}`);
    assert.equal(agree, 1, `KEEP: eta.agree = ${agree}, worst |z| ${worst}`);
    assert.deepEqual(problems(log), [], 'console errors or warnings');
  } finally {
    await context.close();
  }
});

test('controls: rule boxes by keyboard, parameters, pause and reset', { timeout: 90_000 }, async () => {
  const { page, context, log } = await openFigure();
  try {
    // Pause stops the count.
    const play = page.locator(`${FIG} [data-action="play"]`);
    await waitFor(page, () => Number(document.querySelector('figure#eta [data-readout="eta.samples"]')?.dataset.value) > 0, undefined, 'samples');
    if ((await play.getAttribute('aria-pressed')) === 'true') await play.click();
    await waitFor(page, () => document.querySelector('figure#eta [data-action="play"]')?.getAttribute('aria-pressed') === 'false', undefined, 'pause');
    const paused = await value(page, 'samples');
    await page.waitForTimeout(700);
    assert.equal(await value(page, 'samples'), paused, 'the Monte Carlo ran on after pause');

    // A rule unticked by keyboard disappears from the summary.
    const box = page.locator(`${FIG} input[name="rule-kimura"]`);
    await box.focus();
    await page.keyboard.press('Space');
    assert.equal(await box.isChecked(), false, 'Space did not untick Kimura');
    assert.ok(await page.locator(`${FIG} [data-readout="eta.kimura.agree"]`).isHidden(), "Kimura's row still shows");

    // A parameter change restarts the experiment with new theory.
    const sigma = page.locator(`${FIG} input[name="sigma"]`);
    await sigma.fill('0.1');
    await sigma.press('Enter');
    await sigma.blur();
    await waitFor(page, () => Number(document.querySelector('figure#eta [data-readout="eta.start_a"]')?.dataset.value) > 16, undefined, 'start_a to double with s');

    // An invalid entry is refused with a message and put back.
    const beta = page.locator(`${FIG} input[name="beta"]`);
    await beta.fill('-3');
    await beta.press('Enter');
    await beta.blur();
    await waitFor(page, () => /Not changed/.test(document.querySelector('figure#eta .status')?.textContent ?? ''), undefined, 'a refusal message');
    assert.equal(await beta.inputValue(), '80');

    // Reset brings back every default.
    await page.locator(`${FIG} [data-action="reset"]`).click();
    assert.equal(await sigma.inputValue(), '0.05');
    assert.equal(await box.isChecked(), true, 'reset did not re-tick Kimura');
    const a0 = await value(page, 'start_a');
    assert.ok(Math.abs(a0 - 8.14) < 0.01, `after reset eta.start_a = ${a0}`);
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
    await waitFor(page, () => Number(document.querySelector('figure#eta [data-readout="eta.progress"]')?.dataset.value) >= 30, undefined, 'the Monte Carlo to get going', 60_000);
    for (const c of await canvasesDrawn(page)) assert.ok(c.colours > 1, `canvas ${c.name} is blank on a phone`);
    await screenshot(page, 'eta-phone');
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
    await page.goto(siteUrl('?embed=eta'));
    const sharp = () =>
      page.$$eval('figure#eta canvas', (cs) =>
        cs.every((c) => c.clientWidth > 0 && c.width === Math.round(2 * c.clientWidth) && c.height === Math.round(2 * c.clientHeight)),
      );
    await waitFor(page, () => [...document.querySelectorAll('figure#eta canvas')].every((c) => c.width > 0), undefined, 'the canvases');
    assert.ok(await sharp(), 'canvases are not at twice their CSS size on a 2× screen');
    const before = await page.$eval('figure#eta canvas', (c) => c.width);
    await page.setViewportSize({ width: 700, height: 900 });
    await waitFor(page, (w) => document.querySelector('figure#eta canvas')?.width !== w, before, 'the canvases to follow the resize');
    assert.ok(await sharp(), 'after a resize the canvases are not at twice their CSS size');
    for (const c of await canvasesDrawn(page)) assert.ok(c.colours > 1, `canvas ${c.name} is blank after a resize`);
    assert.deepEqual(errors, [], 'console errors or warnings');
  } finally {
    await context.close();
  }
});
