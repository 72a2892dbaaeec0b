// Figure keys across figures: one link sets several figures at once beside the
// centrepiece's keys, out-of-range values are clamped, and one figure's change or reset
// leaves every other key alone. That each figure writes its own key and reopens from it,
// and resets it, is checked for every figure in figures.test.js.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { assertNoProblems, launch, withPage } from '../lib/browser.js';
import { controlValue, scrollToFigure, setControl, urlKey, waitForUrlKey } from '../lib/figures.js';
import { readout, waitForReadout } from '../lib/readouts.js';
import { waitFor } from '../lib/wait.js';

const browser = await launch();
after(() => browser.close());

test('a link sets a figure: claim.slope and claim.beta give a = βs|∇f|', () =>
  withPage(browser, '?seed=3&t=10&claim.slope=2&claim.beta=10&fitness.strength=0.5', {}, async ({ page, log }) => {
    await scrollToFigure(page, 'claim');
    await waitForReadout(page, 'claim.a', {});
    // a = β·s·|∇f| with the default s = 0.05.
    assert.ok(Math.abs((await readout(page, 'claim.a')) - 10 * 0.05 * 2) < 1e-12, 'claim.a from the link');
    await scrollToFigure(page, 'fitness');
    assert.equal(Number(await controlValue(page, 'fitness', 'input[name="strength"]')), 0.5);
    // The centrepiece still replays its own keys, and keeps the figure keys in the URL.
    assert.equal(await readout(page, 'duel.step'), 10);
    assert.equal(await urlKey(page, 'claim.slope'), '2');
    assert.equal(await urlKey(page, 'seed'), '3');
    assertNoProblems(log);
  }),
);

test("changing a control writes the figure key and keeps the centrepiece's; out-of-range values are clamped", () =>
  withPage(browser, '?t=5&ghosts.sigma=99', {}, async ({ page }) => {
    await scrollToFigure(page, 'ghosts');
    assert.equal(Number(await controlValue(page, 'ghosts', 'input[name="sigma"]')), 1, 'clamped to the largest s');
    await scrollToFigure(page, 'minibatch');
    await setControl(page, 'minibatch', 'select[name="z"]', 'gaussian');
    await waitForUrlKey(page, 'minibatch.z', null);
    assert.equal(await urlKey(page, 'minibatch.z'), 'gaussian');
    assert.equal(await urlKey(page, 't'), '5', 'the centrepiece keys stay');
  }),
);

test('the other figures read and write their keys too', async () => {
  const query = '?t=2&eta.sigma=0.1&eta.rule=keep&limits.beta=40&regression.lr=0.05&drift.radius=0.5&drift.a=-1';
  await withPage(browser, query, {}, async ({ page, log }) => {
    for (const id of ['eta', 'limits', 'regression', 'drift']) await scrollToFigure(page, id);
    // Log-scale sliders sit at log10 of the value, to within their step of 0.01.
    const near = async (id, name, want) => {
      const at = Number(await controlValue(page, id, `input[name="${name}"]`));
      assert.ok(Math.abs(at - Math.log10(want)) < 0.006, `${id}'s ${name} slider at ${at}, want log10(${want})`);
    };
    await near('eta', 'sigma', 0.1);
    await near('limits', 'beta', 40);
    await near('regression', 'lr', 0.05);
    assert.equal(await page.$eval('figure#eta select[name="rule"]', (el) => el.value), 'keep');
    assert.equal(Number(await controlValue(page, 'drift', 'input[name="radius"]')), 0.5);
    assert.equal(Number(await controlValue(page, 'drift', 'input[name="a"]')), -1);
    // Reset takes the figure's keys out of the address (its defaults are not written), and
    // leaves the others' keys.
    await page.locator('figure#drift [data-action="reset"]').click();
    await waitFor(page, () => !/(^|[?&])drift\./.test(location.search), undefined, 'drift.radius and drift.a gone from the URL');
    assert.equal(await urlKey(page, 'eta.sigma'), '0.1', 'other figures keep theirs');
    assert.equal(await urlKey(page, 'limits.beta'), '40', 'other figures keep theirs');
    assertNoProblems(log);
  });
});
