// The duel figure: its numbers at a known seed, its controls, and its seed handling.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { launch, withPage } from '../lib/browser.js';
import { control, duelReadout as readout, duelReadouts, idleFor, isPlaying, waitForStep, waitForStepBetween } from '../lib/duel.js';
import { waitFor } from '../lib/wait.js';

const browser = await launch();
after(() => browser.close());

const STEP = '[data-action="step"]';
const PLAY = '[data-action="play"]';

/** Clicks "step" once and waits until the step readout has moved on by exactly one. */
async function stepOnce(page) {
  const before = await readout(page, 'step');
  await control(page, STEP).click();
  await waitForStep(page, before + 1, `one click of "step" to take step ${before} to ${before + 1}`);
}

test('after 300 steps at the defaults, SGD correlates perfectly and selection not at all', () =>
  withPage(browser, '?seed=42&t=300', {}, async ({ page }) => {
    await waitForStep(page, 300);
    assert.equal(await isPlaying(page), false, '?t=300 must leave the duel paused');

    const sgd = await readout(page, 'sgd.r');
    assert.ok(Math.abs(sgd - 1) < 1e-6, `sgd.r is ${sgd}, expected 1.000`);

    const [r, lo, hi] = [await readout(page, 'sel.r'), await readout(page, 'sel.r.lo'), await readout(page, 'sel.r.hi')];
    assert.ok(Number.isFinite(r) && Number.isFinite(lo) && Number.isFinite(hi), `sel.r = ${r} in [${lo}, ${hi}]`);
    assert.ok(lo <= r && r <= hi, `sel.r = ${r} lies outside its own interval [${lo}, ${hi}]`);
    assert.ok(lo <= 0 && 0 <= hi, `sel.r's 99.9 % interval [${lo}, ${hi}] does not contain 0`);

    const accept = await readout(page, 'sel.accept');
    assert.ok(accept >= 0 && accept <= 1, `sel.accept is ${accept}, not a rate in [0, 1]`);
  }),
);

test('pause, step and reset behave', { timeout: 60_000 }, () =>
  withPage(browser, '?seed=42&t=10', {}, async ({ page }) => {
    await waitForStep(page, 10);
    assert.equal(await isPlaying(page), false, '?t=10 must leave the duel paused');

    // Step: exactly one step per click while paused, and nothing more afterwards.
    await stepOnce(page);
    await stepOnce(page);
    await idleFor(page);
    assert.equal(await readout(page, 'step'), 12, 'the duel moved on by itself while paused');

    // Reset: back to step 0, where the correlations are undefined.
    await control(page, '[data-action="reset"]').click();
    await waitForStep(page, 0, 'reset to bring the step back to 0');
    assert.equal(
      await page.getAttribute('[data-readout="duel.sgd.r"]', 'data-value'),
      '',
      'sgd.r must be empty (undefined) at step 0',
    );

    // Play: the step grows, and the button says so.
    await control(page, PLAY).click();
    await waitFor(page, () => document.querySelector('#duel [data-action="play"]')?.getAttribute('aria-pressed') === 'true', undefined, 'play to set aria-pressed="true"');
    await waitForStepBetween(page, 3, Infinity, 'the step to grow while playing');

    // Pause: the step stops growing.
    await control(page, PLAY).click();
    await waitFor(page, () => document.querySelector('#duel [data-action="play"]')?.getAttribute('aria-pressed') !== 'true', undefined, 'pause to clear aria-pressed');
    const paused = await readout(page, 'step');
    await idleFor(page);
    assert.equal(await readout(page, 'step'), paused, 'the step kept growing after pause');

    // And stepping still works after a pause.
    await stepOnce(page);
  }),
);

test('without t the duel autoplays; a reader who prefers reduced motion gets a finished still instead', { timeout: 60_000 }, async () => {
  await withPage(browser, '?seed=42', {}, async ({ page }) => {
    await waitForStepBetween(page, 3, Infinity, 'the duel to autoplay');
    assert.equal(await isPlaying(page), true, 'play is not aria-pressed while autoplaying');
  });
  await withPage(browser, '?seed=42', { reducedMotion: 'reduce' }, async ({ page }) => {
    // The still: a fixed number of steps computed at once, then nothing moves.
    await waitForStepBetween(page, 100, Infinity, 'the reduced-motion still to be computed');
    const still = await readout(page, 'step');
    await idleFor(page);
    assert.equal(await isPlaying(page), false, 'the duel plays although reduced motion is preferred');
    assert.equal(await readout(page, 'step'), still, 'the duel kept moving after its still although reduced motion is preferred');
  });
});

/** Opens `query`, waits for step `n` and returns the duel's readouts. */
function readoutsAt(query, n) {
  return withPage(browser, query, {}, async ({ page }) => {
    await waitForStep(page, n);
    return duelReadouts(page);
  });
}

test('a seed typed and committed restarts the duel with that seed', { timeout: 90_000 }, async () => {
  const N = 20;
  const fromTyped = await withPage(browser, '?seed=42&t=50', {}, async ({ page }) => {
    await waitForStep(page, 50);
    const seed = control(page, 'input[name="seed"]');
    await seed.fill('7');
    await seed.press('Enter');
    await waitForStepBetween(page, 0, 49, 'committing seed 7 to restart the duel');
    assert.equal(await seed.inputValue(), '7');

    // Replay N steps by hand from a clean start and compare with a fresh load of that seed.
    if (await isPlaying(page)) await control(page, PLAY).click();
    await control(page, '[data-action="reset"]').click();
    await waitForStep(page, 0);
    for (let i = 0; i < N; i++) await stepOnce(page);
    return duelReadouts(page);
  });
  assert.deepEqual(fromTyped, await readoutsAt(`?seed=7&t=${N}`, N), `readouts after typing seed 7 differ from ?seed=7&t=${N}`);
  // And the seed matters: seed 42 gives other numbers.
  assert.notDeepEqual(await readoutsAt(`?seed=42&t=${N}`, N), fromTyped, 'seeds 7 and 42 give identical readouts');
});

test('the same seed gives the same readouts after reloading', { timeout: 60_000 }, () =>
  withPage(browser, '?seed=7&t=120', {}, async ({ page }) => {
    await waitForStep(page, 120);
    const first = await duelReadouts(page);
    for (const name of ['step', 'sgd.r', 'sel.r', 'sgd.r.lo', 'sgd.r.hi', 'sel.r.lo', 'sel.r.hi', 'sel.accept']) {
      assert.ok(Number.isFinite(await readout(page, name)), `duel.${name} is undefined after 120 steps`);
    }
    await page.reload();
    await waitForStep(page, 120, 'the reloaded page to replay 120 steps');
    assert.deepEqual(await duelReadouts(page), first, 'readouts at ?seed=7&t=120 differ between two loads');
  }),
);

test('"new seed" changes the seed field', () =>
  withPage(browser, '?seed=42&t=10', {}, async ({ page }) => {
    await waitForStep(page, 10);
    const seed = control(page, 'input[name="seed"]');
    assert.equal(await seed.inputValue(), '42', '?seed=42 does not show in the seed field');
    await control(page, '[data-action="new-seed"]').click();
    await waitFor(
      page,
      () => document.querySelector('#duel input[name="seed"]')?.value !== '42',
      undefined,
      '"new seed" to change the seed field',
    );
  }),
);
