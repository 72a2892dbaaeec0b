// Figure `regression` (spec §C): one step of SGD has noise shaped like H and mutations
// are round, the long run twists (SGD nearly round, KEEP along the valley), the prose's
// numbers are the theory's, and moving the point moves §C's prediction and the
// measurement with it. Drawing, phone, off-screen, URL, reset and embedding are checked
// for every figure in figures.test.js.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { assertNoProblems, launch } from '../lib/browser.js';
import { assertDrawn, canvasColours } from '../lib/canvas.js';
import { clickChart, pressKeys, setControl, urlKey, waitForControls, withFigure } from '../lib/figures.js';
import { figureReadout, waitForReadout } from '../lib/readouts.js';
import { screenshot } from '../lib/screenshots.js';

const FIG = 'figure#regression';

const value = figureReadout('regression');
/** Waits until a readout of this figure equals `want`. */
const waitForValue = (page, name, want, what) => waitForReadout(page, `regression.${name}`, want, what, 60_000);

const browser = await launch();
after(() => browser.close());

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

test('regression: one step at the defaults — SGD noise shaped like H, mutations round', { timeout: 120_000 }, () =>
  withFigure(browser, 'regression', async ({ page, log }) => {
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
    await screenshot(page.locator(FIG), 'regression-desktop');

    // The long run ends by itself (in ~10 s) at its cap; then look at the other view.
    const cap = await value(page, 'steps.cap');
    assert.ok(Number.isFinite(cap) && cap > 0, `regression.steps.cap = ${cap}`);
    await waitForValue(page, 'steps', cap, `the long run to reach its cap of ${cap}`);
    await setControl(page, 'regression', 'select[name="view"]', 'long-run');
    assert.equal(await urlKey(page, 'regression.view'), 'long-run');
    const longSgd = await value(page, 'long_r.sgd');
    const longSgdTheory = await value(page, 'long_r.sgd.theory');
    const longSel = await value(page, 'long_r.sel');
    const longSelTheory = await value(page, 'long_r.sel.theory');
    assert.ok(Math.abs(longSelTheory + 0.9) < 1e-9, `H⁻¹/β has correlation −0.9, got ${longSelTheory}`);
    // One correlated run: its r is not iid, so these are loose checks of the twist itself.
    assert.ok(Math.abs(longSgd - longSgdTheory) < 0.1, `SGD long-run r ${longSgd} vs theory ${longSgdTheory}`);
    assert.ok(Math.abs(longSel - longSelTheory) < 0.05, `KEEP long-run r ${longSel} vs theory ${longSelTheory}`);
    assert.ok(Math.abs(longSgd) < 0.3 && longSel < -0.8, `the twist: SGD ${longSgd} nearly round, KEEP ${longSel} along the valley`);
    // The long-run view is this figure's own: the generic checks see the one-step view.
    assertDrawn(await canvasColours(page, `${FIG} canvas[data-chart]`), 'in the long-run view', 3);
    await screenshot(page.locator(FIG), 'regression-long-desktop');

    assertNoProblems(log);
  }),
);

test('regression: moving the point changes §C prediction, and the measurement follows', { timeout: 120_000 }, () =>
  withFigure(browser, 'regression', async ({ page, log }) => {
    // Keyboard: ten steps right on the w₁ offset slider (0.05 each).
    await pressKeys(page, 'regression', 'input[name="offset1"]', 'ArrowRight', 10);
    await waitForControls(page, 'regression', { 'input[name="offset1"]': '0.5' }, 'the w₁ offset to read 0.5');
    // §C: Cov(g) = (Σδ)(Σδ)ᵀ + (δᵀΣδ + σ_n²)Σ; at δ = (0.5, 0) its correlation is 1.35/√(1.5·1.4525).
    const theory = await value(page, 'step_r.theory');
    const expected = 1.35 / Math.sqrt(1.5 * 1.4525);
    assert.ok(Math.abs(theory - expected) < 1e-12, `§C's formula at w* + (0.5, 0): ${theory}, expected ${expected}`);
    await waitForValue(page, 'samples', 5000);
    assertContains('SGD per-step r at w* + (0.5, 0)', await interval(page, 'step_r'));
    assertContains('accepted-mutation r at w* + (0.5, 0)', await interval(page, 'sel_acc_r'));

    // Clicking the chart in the one-step view moves the point too.
    await clickChart(page, 'regression', 'regression-sgd', 0.3, 0.3);
    await waitForControls(page, 'regression', { 'input[name="offset1"]': '0.5' }, 'a click on the chart to move the point', { not: true });

    // Reset restores the defaults.
    await page.locator(`${FIG} [data-action="reset"]`).click();
    await waitForControls(page, 'regression', { 'input[name="offset1"]': '0' }, 'reset to restore the optimum');
    await waitForReadout(page, 'regression.step_r.theory', { min: 0.9 - 1e-12, max: 0.9 + 1e-12 }, "reset to restore §C's 0.9 at the optimum");
    assertNoProblems(log);
  }),
);
