// The keyboard alone: Tab reaches a figure's controls with a visible focus ring, Space
// plays or pauses while focus is inside a figure (but not in a control), arrow keys move a
// slider and commit it, and Escape dismisses the link notice.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, withPage } from '../lib/browser.js';
import { scrollToFigure } from '../lib/figures.js';
import { waitFor } from '../lib/wait.js';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const pressed = (page, id) =>
  page.$eval(`figure#${id} [data-action="play"]`, (b) => b.getAttribute('aria-pressed') === 'true');

test('Space plays and pauses a figure when focus is inside it, not on a control', () =>
  withPage(browser, '', {}, async ({ page }) => {
    await scrollToFigure(page, 'claim');
    // Focus the figure's title region: a non-control element inside the figure.
    await page.$eval('figure#claim', (f) => {
      f.tabIndex = -1;
      f.focus();
    });
    const before = await pressed(page, 'claim');
    await page.keyboard.press('Space');
    await waitFor(page, (was) => document.querySelector('figure#claim [data-action="play"]').getAttribute('aria-pressed') !== String(was), before, 'Space to toggle play');
    await page.keyboard.press('Space');
    await waitFor(page, (was) => document.querySelector('figure#claim [data-action="play"]').getAttribute('aria-pressed') === String(was), before, 'Space to toggle back');
  }));

test('Tab reaches the controls with a visible focus ring; arrow keys move a slider and commit it', () =>
  withPage(browser, '', {}, async ({ page }) => {
    await scrollToFigure(page, 'claim');
    await page.focus('figure#claim [data-action="play"]');
    // Play, Reset, then the settings in their order.
    const order = [];
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('Tab');
      order.push(await page.evaluate(() => document.activeElement.getAttribute('name') ?? document.activeElement.dataset.action));
    }
    assert.deepEqual(order, ['reset', 'slope', 'sigma'], 'the order Tab takes through the controls');
    await page.keyboard.press('Shift+Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      const style = getComputedStyle(el);
      return { name: el.getAttribute('name'), inFigure: !!el.closest('figure#claim'), outline: style.outlineStyle, width: parseFloat(style.outlineWidth) };
    });
    assert.ok(focused.inFigure, 'Tab left the figure');
    assert.equal(focused.name, 'slope', 'the first control after play');
    assert.ok(focused.outline !== 'none' && focused.width > 0, `no visible focus ring: ${JSON.stringify(focused)}`);
    const start = await page.$eval('figure#claim input[name="slope"]', (i) => i.value);
    await page.keyboard.press('ArrowRight');
    await waitFor(page, () => /claim\.slope=/.test(location.search), undefined, 'the arrow key to commit the slider into the URL');
    assert.notEqual(await page.$eval('figure#claim input[name="slope"]', (i) => i.value), start);
  }));

test('Escape dismisses the link notice', () =>
  withPage(browser, '?claim.beta=1e9', {}, async ({ page }) => {
    await waitFor(page, () => !!document.querySelector('[data-notice="link"]'), undefined, 'the link notice');
    await page.keyboard.press('Escape');
    await waitFor(page, () => !document.querySelector('[data-notice="link"]'), undefined, 'Escape to dismiss the notice');
  }));
