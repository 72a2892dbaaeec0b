// Figure `drift` (spec §D): selection's mean step circulates and gradient ascent's does
// not, the Monte Carlo agrees with the exact circulation, and the controls (rule, circle
// by keyboard and by click) move the science. Drawing, phone, off-screen, URL and reset
// are checked for every figure in figures.test.js.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { assertNoProblems, launch } from '../lib/browser.js';
import { clickChart, pressKeys, waitForControls, withFigure } from '../lib/figures.js';
import { figureReadout, waitForReadout } from '../lib/readouts.js';
import { screenshot } from '../lib/screenshots.js';
import { waitFor } from '../lib/wait.js';

const FIG = 'figure#drift';
const Z_999 = 3.29;
/** Monte Carlo steps at which the figure stops (40 000 sweeps of one step at each of 16 points). */
const MC_STEPS = 40000 * 16;

const value = figureReadout('drift');
const waitForMonteCarlo = (page, what = 'the Monte Carlo to finish') => waitForReadout(page, 'drift.mc.steps', MC_STEPS, what, 60_000);

/** Waits until the exact circulation differs from `before`: the run has restarted with new settings. */
const waitForRestart = (page, before) =>
  waitFor(
    page,
    (before) => {
      const v = document.querySelector('[data-readout="drift.circulation.exact"]')?.dataset.value;
      return v !== undefined && v !== '' && Number(v) !== before;
    },
    before,
    `drift.circulation.exact to change from ${before}`,
  );

const browser = await launch();
after(() => browser.close());

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

test('drift: selection circulates, gradient ascent does not, and the Monte Carlo agrees', { timeout: 120_000 }, () =>
  withFigure(browser, 'drift', async ({ page, log }) => {
    // The animation runs the Monte Carlo to its cap; with the seed fixed, the result is fixed.
    await waitForMonteCarlo(page);
    const r = await checkCirculations(page, 'defaults');
    console.log(`defaults: ${JSON.stringify(r)}`);
    const notice = await page.locator(`${FIG} figcaption .what-to-notice`).textContent();
    assert.ok(notice.trim().startsWith('What to notice:'), `caption line: ${notice}`);
    await screenshot(page.locator(FIG), 'drift-desktop');
    assertNoProblems(log);
  }),
);

test('drift: controls — rule, circle by keyboard and by click, reset', { timeout: 120_000 }, () =>
  withFigure(browser, 'drift', async ({ page, log }) => {
    // Metropolis acceptance. The run finishes by itself (in ~3 s); the exact circulation
    // changing shows the restart, so the cap waited for is the new run's.
    const logistic = await value(page, 'circulation.exact');
    await page.locator(`${FIG} select[name="rule"]`).selectOption('metropolis');
    await waitForRestart(page, logistic);
    await waitForMonteCarlo(page);
    const metropolis = await checkCirculations(page, 'Metropolis');

    // The circle's radius by keyboard: four steps down (0.05 each).
    await pressKeys(page, 'drift', 'input[name="radius"]', 'ArrowLeft', 4);
    await waitForControls(page, 'drift', { 'input[name="radius"]': '0.8' });
    await waitForRestart(page, metropolis.exact);
    await waitForMonteCarlo(page);
    const smaller = await checkCirculations(page, 'Metropolis, radius 0.8');
    assert.ok(Math.abs(smaller.sel) < Math.abs(metropolis.sel), 'a smaller circle encloses less curl');

    // A click on the chart moves the circle's centre there.
    await clickChart(page, 'drift', 'drift-gd', 0.35, 0.3);
    await waitForControls(page, 'drift', { 'input[name="a"]': '1' }, 'a click to move the circle', { not: true });
    // Reset restores every default: the centre, the radius and the rule.
    await page.locator(`${FIG} [data-action="reset"]`).click();
    await waitForControls(
      page,
      'drift',
      { 'input[name="a"]': '1', 'input[name="b"]': '1.5', 'input[name="radius"]': '1', 'select[name="rule"]': 'logistic' },
      'reset to restore the defaults',
    );
    assertNoProblems(log);
  }),
);
