// Figure `limits` (spec §A.1.2, §D): what the analogy gets right. Its KEEP chain (run in
// the page, fixed seed) settles into the Gibbs law ∝ e^{βf} within a stated statistical
// bound for the rules whose odds are e^{βΔ} and visibly not for probit, small steps give
// R → 1, and its controls (pause, β, landscape, reset) move the theory. Drawing,
// sharpness, phone, off-screen, URL and embedding are checked for every figure in
// figures.test.js.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { assertNoProblems, launch } from '../lib/browser.js';
import { assertPauseHolds, setControl, urlKey, waitForControls, waitForUrlKey, withFigure } from '../lib/figures.js';
import { waitFor } from '../lib/wait.js';
import { figureReadout, waitForReadout } from '../lib/readouts.js';
import { screenshot } from '../lib/screenshots.js';

const FIG = 'figure#limits';
/** Two-sided 99.9 % normal quantile (spec §E). */
const Z_999 = 3.29;
/** Generations the chain runs before pausing (src/figures/limits.rs, setting `generations`). */
const MILESTONE = 2_000_000;

const value = figureReadout('limits');
/** Waits until the chain has run exactly `steps` generations. */
const waitForSteps = (page, steps, what = `the chain to reach ${steps} generations`) => waitForReadout(page, 'limits.steps', steps, what, 120_000);

const browser = await launch();
after(() => browser.close());

/** Reads the variance test: ratio, its batch-means SE and z. */
async function varianceTest(page) {
  const [ratio, se, z] = [await value(page, 'var_ratio'), await value(page, 'var_ratio_se'), await value(page, 'var_z')];
  assert.ok([ratio, se, z].every(Number.isFinite), `var_ratio ${ratio} ± ${se}, z ${z}`);
  assert.ok(Math.abs((ratio - 1) / se - z) < 1e-9, `var_z ${z} is not (ratio − 1)/SE`);
  return { ratio, se, z };
}

test('at the defaults the KEEP histogram has the Gibbs variance, and small steps give R → 1', { timeout: 180_000 }, () =>
  withFigure(browser, 'limits', async ({ page, log }) => {
    await waitForSteps(page, MILESTONE);
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
    assertNoProblems(log);
    await screenshot(page.locator(FIG), 'limits-desktop');
  }),
);

test('Metropolis and Kimura settle into the Gibbs law; probit, whose odds are not e^{βΔ}, does not', { timeout: 240_000 }, () =>
  withFigure(browser, 'limits', async ({ page, log }) => {
    const select = page.locator(`${FIG} select[name="rule"]`);
    for (const rule of ['metropolis', 'kimura', 'probit']) {
      await select.selectOption(rule);
      if (rule === 'probit') {
        // Larger steps make probit's departure from e^{βΔ} odds, and so from Gibbs, plain.
        // A log-scale slider: its position is log10 s.
        await setControl(page, 'limits', 'input[name="sigma"]', String(Math.log10(0.2)));
        await waitForUrlKey(page, 'limits.sigma', null, 'the address to carry limits.sigma = 0.2');
        assert.equal(await urlKey(page, 'limits.sigma'), '0.2');
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
    assertNoProblems(log);
  }),
);

test('controls: pause, parameters, and reset', { timeout: 90_000 }, () =>
  withFigure(browser, 'limits', async ({ page, log }) => {
    await assertPauseHolds(page, 'limits', 'limits.steps', 'the chain ran on after pause');

    // β set on its log-scale slider (position log10 β) restarts the chain at the new temperature.
    const beta = page.locator(`${FIG} input[name="beta"]`);
    await setControl(page, 'limits', 'input[name="beta"]', String(Math.log10(20)));
    await waitForReadout(page, 'limits.theory_var', { min: 0.05 - 1e-9, max: 0.05 + 1e-9 }, 'the Gibbs variance to become 1/20');

    // The landscape menu.
    const landscape = page.locator(`${FIG} select[name="landscape"]`);
    await landscape.selectOption('double-well');
    await waitForReadout(page, 'limits.theory_var', { above: 0.5 }, 'the double peak to widen the Gibbs law');

    await page.locator(`${FIG} [data-action="reset"]`).click();
    await waitForControls(page, 'limits', { 'select[name="landscape"]': 'quadratic' });
    assert.equal(await beta.getAttribute('aria-valuetext'), '80');
    assert.ok(Math.abs(Number(await beta.inputValue()) - Math.log10(80)) < 0.006, `the β slider at ${await beta.inputValue()} after reset`);
    await waitFor(page, () => !/limits\./.test(location.search), undefined, 'reset to clear the limits keys from the URL');
    assert.ok(Math.abs((await value(page, 'theory_var')) * 80 - 1) < 1e-9, 'reset did not restore β = 80');
    assertNoProblems(log);
  }),
);
