// Each figure's own settings live in the URL as <figure-id>.<key>, beside the
// centrepiece's keys: a link reopens the figure as it was, and changing a control
// writes the new value without disturbing the other keys.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, open, problems, waitFor } from '../lib/browser.js';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** The plain number of readout `name`. */
async function value(page, name) {
  return page.$eval(`[data-readout="${name}"]`, (e) => Number(e.dataset.value === '' ? NaN : e.dataset.value));
}

test('a link sets a figure: claim.slope and claim.beta give a = βs|∇f|', async () => {
  const { page, context, log } = await open(browser, '?seed=3&t=10&claim.slope=2&claim.beta=10&fitness.strength=0.5');
  try {
    await page.locator('figure#claim').scrollIntoViewIfNeeded();
    await waitFor(page, () => document.querySelector('[data-readout="claim.a"]')?.dataset.value, undefined, 'claim.a');
    // a = β·s·|∇f| with the default s = 0.05.
    assert.ok(Math.abs((await value(page, 'claim.a')) - 10 * 0.05 * 2) < 1e-12, 'claim.a from the link');
    assert.equal(await page.$eval('figure#fitness input[name="strength"]', (e) => Number(e.value)), 0.5);
    // The centrepiece still replays its own keys, and keeps the figure keys in the URL.
    assert.equal(await value(page, 'duel.step'), 10);
    const search = new URLSearchParams(new URL(page.url()).search);
    assert.equal(search.get('claim.slope'), '2');
    assert.equal(search.get('seed'), '3');
    assert.deepEqual(problems(log), []);
  } finally {
    await context.close();
  }
});

test('changing a control writes the figure key; out-of-range values are clamped', async () => {
  const { page, context } = await open(browser, '?t=5&ghosts.sigma=99');
  try {
    await page.locator('figure#ghosts').scrollIntoViewIfNeeded();
    assert.equal(await page.$eval('figure#ghosts input[name="sigma"]', (e) => Number(e.value)), 1, 'clamped to the largest s');
    await page.locator('figure#minibatch').scrollIntoViewIfNeeded();
    await page.selectOption('figure#minibatch select[name="z"]', 'gaussian');
    await waitFor(page, () => new URLSearchParams(location.search).get('minibatch.z') === 'gaussian', undefined, 'minibatch.z in the URL');
    const search = new URLSearchParams(new URL(page.url()).search);
    assert.equal(search.get('t'), '5', 'the centrepiece keys stay');
    // Reopening the written link restores the figure.
    const again = await context.newPage();
    await again.goto(page.url());
    await again.locator('figure#minibatch').scrollIntoViewIfNeeded();
    assert.equal(await again.$eval('figure#minibatch select[name="z"]', (e) => e.value), 'gaussian');
  } finally {
    await context.close();
  }
});

test('the other figures read and write their keys too', async () => {
  const query = '?t=2&eta.sigma=0.1&eta.rule=keep&limits.beta=40&regression.lr=0.05&drift.radius=0.5&drift.a=-1';
  const { page, context, log } = await open(browser, query);
  try {
    const field = (sel) => page.$eval(sel, (e) => e.value);
    assert.equal(Number(await field('figure#eta input[name="sigma"]')), 0.1);
    assert.equal(Number(await field('figure#limits input[name="beta"]')), 40);
    for (const id of ['eta', 'limits', 'regression', 'drift']) {
      await page.locator(`figure#${id}`).scrollIntoViewIfNeeded();
    }
    // Reset writes each figure's defaults back into the address.
    await page.locator('figure#drift [data-action="reset"]').click();
    await waitFor(page, () => new URLSearchParams(location.search).get('drift.radius') === '1', undefined, 'drift.radius reset in the URL');
    assert.equal(new URLSearchParams(new URL(page.url()).search).get('eta.sigma'), '0.1', 'other figures keep theirs');
    assert.deepEqual(problems(log), []);
  } finally {
    await context.close();
  }
});
