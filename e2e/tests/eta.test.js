// Figure `eta` (spec §A.1.3): the gradient-dependent learning rate. Its Monte Carlo (run
// in the page, fixed seed) agrees with the theory curve of every acceptance rule within
// 99.9 % error bars, the prose's numbers are the theory's, and its controls (pause, rule
// menus, parameters, reset) work. Drawing, sharpness, phone, off-screen, URL and
// embedding are checked for every figure in figures.test.js.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { assertNoProblems, launch } from '../lib/browser.js';
import { assertPauseHolds, setControl, urlKey, waitForControls, withFigure } from '../lib/figures.js';
import { figureReadout, waitForReadout } from '../lib/readouts.js';
import { screenshot } from '../lib/screenshots.js';
import { waitFor } from '../lib/wait.js';

const FIG = 'figure#eta';
const RULES = ['logistic', 'metropolis', 'probit', 'kimura'];
/** Two-sided 99.9 % normal quantile (spec §E). */
const Z_999 = 3.29;
/** Grid points per rule and samples per point at the defaults (src/sim/experiments.rs). */
const POINTS = 9;
const TARGET = 40_000;

const value = figureReadout('eta');
/** Waits until the Monte Carlo reports 100 % done. */
const waitForDone = (page, what = 'the Monte Carlo to finish') => waitForReadout(page, 'eta.progress', 100, what, 150_000);

const browser = await launch();
after(() => browser.close());

test('at the defaults every rule agrees with its theory curve within 99.9 % error bars', { timeout: 180_000 }, () =>
  withFigure(browser, 'eta', async ({ page, log }) => {
    await waitForDone(page);
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
    assertNoProblems(log);
    await screenshot(page.locator(FIG), 'eta-desktop');
  }),
);

test('KEEP: the per-generation rate agrees with theory too', { timeout: 180_000 }, () =>
  withFigure(browser, 'eta', async ({ page, log }) => {
    await page.locator(`${FIG} select[name="rule"]`).selectOption('keep');
    await waitForReadout(page, 'eta.samples', {}, 'the KEEP run to start');
    await waitForDone(page, 'the KEEP Monte Carlo to finish');
    const [agree, worst] = [await value(page, 'agree'), await value(page, 'worst_z')];
    console.log(`eta (KEEP): agree = ${agree}, worst |z| = ${worst.toFixed(3)}`);
    assert.equal(agree, 1, `KEEP: eta.agree = ${agree}, worst |z| ${worst}`);
    assertNoProblems(log);
  }),
);

test('controls: rule menus, parameters, pause and reset', { timeout: 90_000 }, () =>
  withFigure(browser, 'eta', async ({ page, log }) => {
    // Pause stops the count.
    await assertPauseHolds(page, 'eta', 'eta.samples', 'the Monte Carlo ran on after pause');

    // A rule hidden by its menu leaves the summary: its agreement reads "–".
    await setControl(page, 'eta', 'select[name="rule-kimura"]', 'off');
    await waitFor(page, () => document.querySelector('[data-readout="eta.kimura.agree"]')?.dataset.value === '', undefined, "Kimura's agreement to read undefined");
    const kimura = await page.locator(`${FIG} [data-readout="eta.kimura.agree"]`).textContent();
    assert.equal(kimura.trim(), '–', `a hidden rule's agreement shows ${kimura}`);
    assert.equal(await urlKey(page, 'eta.rule-kimura'), 'off');

    // A parameter change restarts the experiment with new theory (log slider: -1 is s = 0.1).
    await setControl(page, 'eta', 'input[name="sigma"]', '-1');
    await waitForReadout(page, 'eta.start_a', { above: 16 }, 'start_a to double with s');
    assert.equal(await urlKey(page, 'eta.sigma'), '0.1');

    // Reset brings back every default and clears the keys.
    await page.locator(`${FIG} [data-action="reset"]`).click();
    await waitForControls(page, 'eta', { 'select[name="rule-kimura"]': 'on' });
    await waitFor(
      page,
      () => document.querySelector('figure#eta input[name="sigma"]').getAttribute('aria-valuetext') === '0.050',
      undefined,
      'the s slider back at 0.050',
    );
    const a0 = await value(page, 'start_a');
    assert.ok(Math.abs(a0 - 8.14) < 0.01, `after reset eta.start_a = ${a0}`);
    await waitFor(page, () => !/eta\./.test(location.search), undefined, 'reset to clear the eta keys from the URL');
    assertNoProblems(log);
  }),
);
