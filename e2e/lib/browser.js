// Shared helpers for the end-to-end tests: launching the system Chromium, opening the
// site, reading the duel's readouts and canvases, and waiting with useful failure messages.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

/** Where the built site is served, e.g. http://127.0.0.1:8123/ (set by scripts/check.sh). */
export const BASE_URL = process.env.E2E_BASE_URL;
if (!BASE_URL) {
  throw new Error('E2E_BASE_URL is not set: run scripts/check.sh, or serve dist/ and set it to its URL');
}

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

/** The six charts of the duel: three per model. */
export const CHARTS = ['sgd-active', 'sgd-hidden', 'sgd-steps', 'sel-active', 'sel-hidden', 'sel-steps'];

const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'screenshots');

/** Launches Debian's Chromium; Playwright never downloads a browser of its own. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** The site's URL with `query` (e.g. "?seed=42&t=300") resolved against the base URL. */
export function siteUrl(query = '') {
  return new URL(query, BASE_URL).href;
}

/**
 * Opens the site in a fresh context and records everything the page says and asks for.
 * Returns { page, context, log } where log has console messages, page errors and requests.
 */
export async function open(browser, query = '', { viewport = DESKTOP, reducedMotion = 'no-preference' } = {}) {
  const context = await browser.newContext({ viewport, reducedMotion });
  context.setDefaultTimeout(20_000);
  const page = await context.newPage();
  const log = { console: [], pageErrors: [], requests: [] };
  page.on('console', (msg) => {
    const where = msg.location()?.url ? ` (${msg.location().url}:${msg.location().lineNumber})` : '';
    log.console.push({ type: msg.type(), text: `${msg.text()}${where}` });
  });
  page.on('pageerror', (err) => log.pageErrors.push(String(err?.stack ?? err)));
  context.on('request', (req) => log.requests.push(req.url()));
  page.log = log;
  await page.goto(siteUrl(query), { waitUntil: 'load' });
  await waitFor(page, () => document.querySelector('#duel [data-readout="duel.step"]'), undefined, 'the duel to mount');
  return { page, context, log };
}

/** Console messages of type error or warning, as text. */
export function problems(log) {
  return log.console.filter((m) => m.type === 'error' || m.type === 'warning').map((m) => `${m.type}: ${m.text}`);
}

/**
 * Polls `fn` in the page until it returns a truthy value. On timeout the error names what was
 * awaited and adds the page's errors, console problems and panic message, if any.
 */
export async function waitFor(page, fn, arg, what, timeout = 20_000) {
  try {
    return await page.waitForFunction(fn, arg, { timeout, polling: 50 });
  } catch (err) {
    const panic = await page
      .evaluate(() => document.querySelector('#panic')?.textContent ?? null)
      .catch(() => null);
    const details = [
      `timed out after ${timeout} ms waiting for ${what}`,
      panic && `#panic says: ${panic.trim()}`,
      page.log?.pageErrors.length && `page errors: ${page.log.pageErrors.join(' | ')}`,
      page.log && problems(page.log).length && `console: ${problems(page.log).join(' | ')}`,
      `(${err.message.split('\n')[0]})`,
    ];
    throw new Error(details.filter(Boolean).join('\n'));
  }
}

/** The full readout name: "sgd.r" and "duel.sgd.r" both mean "duel.sgd.r". */
function readoutName(name) {
  return name.startsWith('duel.') ? name : `duel.${name}`;
}

/**
 * The number a readout shows, from its data-value attribute. NaN while the value is
 * undefined (empty attribute) or the readout is missing, so that an undefined value can
 * never pass for 0.
 */
export function readout(page, name) {
  return page.evaluate((full) => {
    const value = document.querySelector(`[data-readout="${full}"]`)?.dataset.value;
    return value === undefined || value === '' ? NaN : Number(value);
  }, readoutName(name));
}

/** Every readout inside the duel figure, as { name: data-value string }. */
export function readouts(page) {
  return page.$$eval('#duel [data-readout]', (els) =>
    Object.fromEntries(els.map((el) => [el.dataset.readout, el.dataset.value ?? null])),
  );
}

/** Waits until the step readout equals `n`. */
export function waitForStep(page, n, what = `step to read ${n}`) {
  return waitFor(
    page,
    (want) => document.querySelector('[data-readout="duel.step"]')?.dataset.value === String(want),
    n,
    what,
  );
}

/** Waits until the step readout is a number in [lo, hi]. */
export function waitForStepBetween(page, lo, hi, what = `step to be in [${lo}, ${hi}]`) {
  return waitFor(
    page,
    ([lo, hi]) => {
      const v = document.querySelector('[data-readout="duel.step"]')?.dataset.value;
      return v !== undefined && v !== '' && Number(v) >= lo && Number(v) <= hi;
    },
    [lo, hi],
    what,
  );
}

/** A control inside the duel figure. */
export function control(page, selector) {
  return page.locator(`#duel ${selector}`);
}

/** Whether the play button says the duel is playing. */
export async function isPlaying(page) {
  return (await control(page, '[data-action="play"]').getAttribute('aria-pressed')) === 'true';
}

/**
 * For each data-chart canvas: its name, size and how many distinct colours its pixels hold
 * (counted up to 256). Copies each canvas onto a scratch 2-D canvas first, so this works
 * whatever context the chart itself draws with.
 */
export function canvasColours(page) {
  return page.$$eval('#duel canvas[data-chart]', (canvases) =>
    canvases.map((canvas) => {
      const { width, height } = canvas;
      if (!width || !height) return { chart: canvas.dataset.chart, width, height, colours: 0 };
      const scratch = document.createElement('canvas');
      scratch.width = width;
      scratch.height = height;
      const ctx = scratch.getContext('2d', { willReadFrequently: true });
      ctx.drawImage(canvas, 0, 0);
      const pixels = new Uint32Array(ctx.getImageData(0, 0, width, height).data.buffer);
      const seen = new Set();
      for (let i = 0; i < pixels.length && seen.size < 256; i++) seen.add(pixels[i]);
      return { chart: canvas.dataset.chart, width, height, colours: seen.size };
    }),
  );
}

/** The path of e2e/screenshots/NAME.png, making the folder if need be. */
export function screenshotPath(name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return join(SCREENSHOTS, `${name}.png`);
}

/** Saves a full-page screenshot as e2e/screenshots/NAME.png. */
export async function screenshot(page, name) {
  await page.screenshot({ path: screenshotPath(name), fullPage: true });
}

/**
 * Lets at least `steps` steps' worth of time pass at the current speed (between 0.5 s and
 * 3 s) plus a few animation frames: long enough that a running duel would have moved. Only
 * used to show that something does NOT change; everything else polls.
 */
export async function idleFor(page, steps = 3) {
  const speed = Number(await control(page, 'input[name="speed"]').inputValue().catch(() => '0'));
  const ms = Math.min(3000, Math.max(500, speed > 0 ? (steps * 1000) / speed : 3000));
  await page.waitForTimeout(ms);
  await page.evaluate(
    () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(done)))),
  );
}
