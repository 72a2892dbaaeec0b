// Figure `spectrum` (beyond the toy): softmax regression on the bundled wine data. In the
// page, the figure trains both models, measures both step covariances at the optimum
// (4,000 steps each, fixed seed) and runs the dimension experiment; SGD's step variance
// then needs far fewer directions than selection's, the numbers agree with the native
// tests' theory, and the page stays responsive throughout (no task over 50 ms). Drawing,
// sharpness, phone, off-screen, URL and embedding are checked for every figure in
// figures.test.js.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { assertNoProblems, launch, open } from '../lib/browser.js';
import { waitForDrawn } from '../lib/canvas.js';
import { FIGURE_TABLE, scrollToFigure, withFigure } from '../lib/figures.js';
import { figureReadout, waitForReadout } from '../lib/readouts.js';
import { screenshot } from '../lib/screenshots.js';

const FIG = 'figure#spectrum';
/** Steps from the point for each covariance (src/figures/spectrum.rs, COV_STEPS). */
const COV_STEPS = 4000;
/** The longest task allowed while the figure computes (the browser's own "long task"). */
const LONG_TASK_MS = 50;

const value = figureReadout('spectrum');

const browser = await launch();
after(() => browser.close());

/** Waits until the covariance and the dimension experiment are done. */
async function waitForFinished(page) {
  await waitForReadout(page, 'spectrum.cov.done', COV_STEPS, 'the covariance to be measured', 180_000);
  await waitForReadout(page, 'spectrum.dim.progress', 100, 'the dimension experiment to finish', 180_000);
}

test('it draws, its readouts appear, and SGD’s rank90 is well below selection’s', { timeout: 240_000 }, () =>
  withFigure(browser, 'spectrum', async ({ page, log }) => {
    await waitForDrawn(page, 'spectrum', { drawnOn: FIGURE_TABLE.spectrum.drawnOn });
    await waitForFinished(page);
    assert.equal(await value(page, 'dim'), 42);
    const [sgd, sel] = [await value(page, 'sgd.rank90'), await value(page, 'sel.rank90')];
    const [sgdTheory, selTheory] = [await value(page, 'sgd.rank90_theory'), await value(page, 'sel.rank90_theory')];
    console.log(`spectrum: rank90 SGD ${sgd} (theory ${sgdTheory}), selection ${sel} (theory ${selTheory})`);
    // Low rank against flat: at least twice as many directions for selection, which needs
    // nearly all 42 (90 % of a flat spectrum is 38 directions).
    assert.ok(sgd * 2 < sel, `rank90: SGD ${sgd}, selection ${sel}`);
    assert.ok(sel >= 36, `selection's rank90 ${sel} is not that of a flat spectrum`);
    assert.ok(Math.abs(sgd - sgdTheory) <= 1, `SGD's rank90 ${sgd} against theory ${sgdTheory}`);
    // SGD's top directions are the Hessian's near the optimum; selection's are not.
    const [a, b] = [await value(page, 'sgd.align'), await value(page, 'sel.align')];
    assert.ok(a > 0.8 && b < 0.3, `overlap with the Hessian's top 5: SGD ${a}, selection ${b}`);
    // Measured trace against theory, within 5 % (4,000 steps: a few per cent of sampling error).
    for (const name of ['sgd.trace_ratio', 'sel.trace_ratio']) {
      const r = await value(page, name);
      assert.ok(Math.abs(r - 1) < 0.05, `${name} = ${r}`);
    }
    // Both models learn: below a quarter of the starting loss ln 3, and test accuracy over 90 %.
    for (const name of ['sgd.loss', 'sel.loss']) {
      const l = await value(page, name);
      assert.ok(l > 0 && l < Math.log(3) / 4, `${name} = ${l}`);
    }
    for (const name of ['sgd.acc', 'sel.acc']) assert.ok((await value(page, name)) > 0.9, name);
    assert.ok((await value(page, 'sel.evals')) > 10 * (await value(page, 'sgd.evals')), 'selection costs more evaluations');
    // The dimension experiment at n = 1000: the per-coordinate rate near its theory, the
    // total-size rate about 1000 times smaller.
    const [pc, pcTheory, total] = [await value(page, 'dim.rate_pc'), await value(page, 'dim.rate_pc_theory'), await value(page, 'dim.rate_total')];
    assert.ok(Math.abs(pc / pcTheory - 1) < 0.1, `per-coordinate rate ${pc} against ${pcTheory}`);
    assert.ok(pc / total > 500 && pc / total < 2000, `rates ${pc} and ${total}`);
    assertNoProblems(log);
    await screenshot(page.locator(FIG), 'spectrum-desktop');
  }),
);

test('the page stays responsive while the figure computes: no task over 50 ms', { timeout: 240_000 }, async () => {
  const { context, page, log } = await open(browser);
  try {
    // Let the load and the first figures settle, then watch every long task from before
    // the figure mounts until it has finished all its work.
    await page.waitForTimeout(1500);
    await page.evaluate(() => {
      window.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: false });
      window.__watchFrom = performance.now();
    });
    await scrollToFigure(page, 'spectrum');
    const started = await page.evaluate(() => performance.now());
    await waitForFinished(page);
    const tasks = await page.evaluate(() => window.__longTasks);
    const during = tasks.filter((t) => t.start + t.duration >= started);
    const worst = Math.max(0, ...during.map((t) => t.duration));
    console.log(`spectrum: ${during.length} long tasks while computing; longest ${worst.toFixed(1)} ms`);
    assert.ok(worst <= LONG_TASK_MS, `a task of ${worst.toFixed(1)} ms while the figure computed: ${JSON.stringify(during)}`);
    assertNoProblems(log);
  } finally {
    await context.close();
  }
});
