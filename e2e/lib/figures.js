// The article's figures: which there are, what each exposes to the generic checks
// (tests/figures.test.js), and helpers to open, scroll to, measure and set one.
import { open } from './browser.js';
import { waitForLaidOut } from './canvas.js';
import { assertStill, waitForReadout } from './readouts.js';
import { frames, waitFor } from './wait.js';

/** Every figure of the article, in page order (README.md, "Embedding one figure"). */
export const EXPECTED_FIGURES = ['glance', 'claim', 'minibatch', 'duel', 'eta', 'ghosts', 'regression', 'drift', 'fitness', 'limits', 'spectrum'];

/**
 * The figures as the page lists them: every figure with an id in the article, and every
 * place the article keeps for a figure it mounts later ([data-figure-slot="<id>"]).
 */
export const FIGURE_SELECTOR = 'figure.figure[id], [data-figure-slot]';

/** Figure `id`, or the place kept for it until it is mounted. */
function figureOrSlot(id) {
  return `[data-figure-slot="${id}"], figure#${id}`;
}

/**
 * What the generic checks need to know of each figure, where it is not the convention:
 *
 * - charts: the names of its data-chart canvases.
 * - setting: one control to change (`control`, a selector inside the figure, set to
 *   `value`) and the URL key that change writes (`key`; by convention `<id>.<name>`).
 * - drawnOn: { chart: data-layer } for a chart whose data is drawn on its "axes" or
 *   "overlay" canvas rather than on the data-chart canvas itself.
 * - reset: the data-action of the button that restores the defaults ("reset" by
 *   convention; the centrepiece's "reset" restarts the run and "defaults" resets).
 * - known: checks this figure is known to fail today, by name ("draws", "text alternative", "sharp", "phone",
 *   "idle off screen", "url", "reset", "embed"), with the reason; they run and are
 *   reported as "todo" until the figure is fixed.
 */
export const FIGURE_TABLE = {
  glance: { charts: ['glance-sgd', 'glance-sel'], setting: { control: 'input[name="rho"]', value: '0.5', key: 'glance.rho' } },
  // A log-scale slider: 0.3 is |∇f| = 10^0.3.
  // Its strip of means is drawn on the strip's overlay.
  claim: { charts: ['claim-candidates', 'claim-strip'], drawnOn: { 'claim-strip': 'overlay' }, setting: { control: 'input[name="slope"]', value: '0.3', key: 'claim.slope' } },
  minibatch: { charts: ['minibatch-active', 'minibatch-hidden'], setting: { control: 'select[name="z"]', value: 'gaussian', key: 'minibatch.z' } },
  // The centrepiece's keys have no figure prefix.
  duel: {
    charts: ['sgd-active', 'sgd-hidden', 'sgd-steps', 'sel-active', 'sel-hidden', 'sel-steps'],
    setting: { control: 'select[name="z"]', value: 'gaussian', key: 'z' },
    reset: 'defaults',
  },
  // Log-scale sliders hold log10 of the value: -1 is s = 0.1.
  // Its theory curves are drawn on the base canvas and the Monte Carlo points on the overlay.
  eta: { charts: ['eta-curves'], drawnOn: { 'eta-curves': 'overlay' }, setting: { control: 'input[name="sigma"]', value: '-1', key: 'eta.sigma' } },
  ghosts: { charts: ['ghosts-loop', 'ghosts-keep'], setting: { control: 'input[name="sigma"]', value: '0.2', key: 'ghosts.sigma' } },
  regression: { charts: ['regression-sgd', 'regression-sel'], setting: { control: 'input[name="corr"]', value: '0.5', key: 'regression.corr' } },
  // The vector fields are drawn on the base canvas, the Monte Carlo marks on the overlay.
  drift: { charts: ['drift-sel', 'drift-gd'], drawnOn: { 'drift-sel': 'overlay', 'drift-gd': 'axes' }, setting: { control: 'input[name="radius"]', value: '0.5', key: 'drift.radius' } },
  fitness: { charts: ['fitness-descendants'], setting: { control: 'input[name="strength"]', value: '0.5', key: 'fitness.strength' } },
  // A log-scale slider: 1.6 is β = 10^1.6 ≈ 40.
  // The small-step chart's curves are drawn on its overlay.
  limits: { charts: ['limits-small-step', 'limits-histogram'], drawnOn: { 'limits-small-step': 'overlay' }, setting: { control: 'input[name="beta"]', value: '1.6', key: 'limits.beta' } },
  // Every chart's data is drawn on its overlay. A doubling slider holds log2: 4 is B = 16.
  spectrum: {
    charts: ['spectrum-loss', 'spectrum-eigen', 'spectrum-dim', 'spectrum-cost'],
    drawnOn: { 'spectrum-loss': 'overlay', 'spectrum-eigen': 'overlay', 'spectrum-dim': 'overlay', 'spectrum-cost': 'overlay' },
    setting: { control: 'input[name="batch"]', value: '4', key: 'spectrum.batch' },
  },
};

/** The ids of the article's figures, in page order. */
export function figureIds(page) {
  return page.$$eval(FIGURE_SELECTOR, (els) => [...new Set(els.map((el) => el.dataset.figureSlot || el.id))]);
}

/** Scrolls figure `id` into view and waits until its canvases are laid out. */
export async function scrollToFigure(page, id, timeout) {
  await page.locator(figureOrSlot(id)).first().scrollIntoViewIfNeeded();
  await waitForLaidOut(page, id, timeout);
}

/** Opens the whole page (options as for open) with figure `id` scrolled into view. */
export async function openFigure(browser, id, options = {}, query = '') {
  const opened = await open(browser, query, options);
  try {
    await scrollToFigure(opened.page, id);
  } catch (err) {
    await opened.context.close();
    throw err;
  }
  return opened;
}

/**
 * Runs `fn({ page, context, log })` on the whole page (or `query`) with figure `id`
 * scrolled into view, and closes the context afterwards whatever happens.
 */
export async function withFigure(browser, id, fn, { query = '', ...options } = {}) {
  const opened = await openFigure(browser, id, options, query);
  try {
    return await fn(opened);
  } finally {
    await opened.context.close();
  }
}

/**
 * Scrolls to whichever end of the page is further from figure `id`, and returns how far
 * the figure then is from the viewport, in px (negative: it is still on screen).
 */
export async function scrollAway(page, id) {
  const gap = await page.evaluate((selector) => {
    const fig = document.querySelector(selector);
    const top = fig.getBoundingClientRect().top + scrollY;
    const middle = top + fig.offsetHeight / 2;
    const end = document.documentElement.scrollHeight;
    scrollTo(0, middle < end / 2 ? end : 0);
    const r = fig.getBoundingClientRect();
    return Math.max(-r.bottom, r.top - innerHeight);
  }, figureOrSlot(id));
  await frames(page, 2);
  return gap;
}

/**
 * What of figure `id` sticks out of the viewport sideways: each shown element whose box
 * reaches past either edge (unless an ancestor inside the figure clips it, e.g. a
 * scrolling table), and the figure itself if its content is wider than its box.
 */
export function overflow(page, id) {
  return page.evaluate((id) => {
    const fig = document.querySelector(`figure#${id}`);
    const clipped = (el) => {
      for (let a = el.parentElement; a && a !== fig.parentElement; a = a.parentElement) {
        const r = a.getBoundingClientRect();
        if (getComputedStyle(a).overflowX !== 'visible' && r.left >= -0.5 && r.right <= innerWidth + 0.5) return true;
      }
      return false;
    };
    const out = [...fig.querySelectorAll('*')]
      .filter((el) => el.checkVisibility({ visibilityProperty: true }))
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ el, r }) => r.width > 0 && (r.right > innerWidth + 0.5 || r.left < -0.5) && !clipped(el))
      .map(({ el, r }) => `${el.tagName.toLowerCase()}${el.className ? `.${el.className}` : ''}${el.getAttribute('name') ? `[name=${el.getAttribute('name')}]` : ''} [${r.left.toFixed(1)}, ${r.right.toFixed(1)}]`);
    if (fig.scrollWidth > fig.clientWidth + 1) out.push(`figure scrollWidth ${fig.scrollWidth} > ${fig.clientWidth}`);
    return out;
  }, id);
}

/** Opens every <details> inside `scope` (a selector) and lets the layout settle. */
export async function openDetails(page, scope) {
  await page.$$eval(`${scope} details`, (els) => els.forEach((el) => (el.open = true)));
  await frames(page, 2);
}

/** The value a control of figure `id` shows. */
export function controlValue(page, id, control) {
  return page.$eval(`figure#${id} ${control}`, (el) => el.value);
}

/**
 * Waits until the controls of figure `id` show `want` ({ selector: value }); with
 * { not: true }, until each shows something other than its value.
 */
export function waitForControls(page, id, want, what, { not = false } = {}) {
  return waitFor(
    page,
    ([id, want, not]) =>
      Object.entries(want).every(([control, value]) => {
        const shown = document.querySelector(`figure#${id} ${control}`)?.value;
        return shown !== undefined && (shown === value) !== not;
      }),
    [id, want, not],
    what ?? `#${id}'s ${Object.keys(want).join(', ')} to ${not ? 'change from' : 'show'} ${Object.values(want).join(', ')}`,
  );
}

/** Clicks chart `chart` of figure `id` at fractions (fx, fy) of its width and height. */
export async function clickChart(page, id, chart, fx, fy) {
  const box = await page.locator(`figure#${id} canvas[data-chart="${chart}"]`).boundingBox();
  await page.mouse.click(box.x + box.width * fx, box.y + box.height * fy);
}

/** Pauses figure `id` (if it is playing) and waits until its play button says so. */
export async function pause(page, id) {
  const play = page.locator(`figure#${id} [data-action="play"]`);
  if ((await play.getAttribute('aria-pressed')) === 'true') await play.click();
  await waitFor(page, (id) => document.querySelector(`figure#${id} [data-action="play"]`)?.getAttribute('aria-pressed') === 'false', id, `#${id} to pause`);
}

/**
 * Waits until readout `name` of figure `id` counts up, pauses the figure, and asserts
 * that the count then holds still.
 */
export async function assertPauseHolds(page, id, name, message = `#${id} ran on after pause`) {
  await waitForReadout(page, name, { above: 0 });
  await pause(page, id);
  await assertStill(page, name, 700, message);
}

/**
 * Sets a control of figure `id` as a reader would leave it: opens the <details> it is in,
 * sets its value and sends `input` and `change`.
 */
export function setControl(page, id, control, value) {
  return page.$eval(
    `figure#${id} ${control}`,
    (el, value) => {
      for (let d = el.closest('details'); d; d = d.parentElement?.closest('details')) d.open = true;
      el.value = value;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
    },
    value,
  );
}

/** Types `text` into a field of figure `id` and commits it with Enter (then leaves it, with `blur`); returns the field. */
export async function typeInto(page, id, control, text, { blur = false } = {}) {
  const field = page.locator(`figure#${id} ${control}`);
  await field.focus();
  await field.fill(text);
  await field.press('Enter');
  if (blur) await field.blur();
  return field;
}

/** Focuses a control of figure `id` and presses `key` `times` times; returns the control. */
export async function pressKeys(page, id, control, key, times = 1) {
  const el = page.locator(`figure#${id} ${control}`);
  await el.focus();
  for (let i = 0; i < times; i++) await page.keyboard.press(key);
  return el;
}

/** Clicks a button of figure `id` by its data-action, opening the <details> it is in. */
export async function clickAction(page, id, action) {
  const button = page.locator(`figure#${id} [data-action="${action}"]`);
  await button.evaluate((el) => {
    for (let d = el.closest('details'); d; d = d.parentElement?.closest('details')) d.open = true;
  });
  await button.click();
}

/** The value of URL key `key` on the page's address now (null if absent). */
export function urlKey(page, key) {
  return page.evaluate((key) => new URLSearchParams(location.search).get(key), key);
}

/** Waits until the page's address holds key `key` with a value other than `not`. */
export function waitForUrlKey(page, key, not, what) {
  return waitFor(
    page,
    ([key, not]) => {
      const v = new URLSearchParams(location.search).get(key);
      return v !== null && v !== not;
    },
    [key, not],
    what ?? `the address to carry ${key} (other than ${not})`,
  );
}
