// Launching Debian's Chromium and opening the site in it: a fresh context at a viewport,
// colour scheme, motion preference and device pixel ratio, with everything the page says
// and asks for recorded (console messages, page errors, requests, responses, dialogs).
import { chromium } from 'playwright-core';
import { waitFor } from './wait.js';

/** Where the built site is served, e.g. http://127.0.0.1:8123/ (set by scripts/check.sh). */
export const BASE_URL = process.env.E2E_BASE_URL;

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

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

/**
 * `query` (e.g. "?seed=42&t=300") resolved against the served site; an absolute URL is
 * returned as it is.
 */
export function siteUrl(query = '') {
  if (/^[a-z][a-z0-9+.-]*:/i.test(query)) return query;
  if (!BASE_URL) {
    throw new Error('E2E_BASE_URL is not set: run scripts/check.sh, or serve dist/ and set it to its URL');
  }
  return new URL(query, BASE_URL).href;
}

/**
 * A fresh context and page that record what the page says and asks for in `log`:
 * { console: [{type, text}], pageErrors, requests, responses: [{url, status}], failed,
 * dialogs } (dialogs are dismissed). The page carries its log as `page.log`.
 */
export async function newPage(
  browser,
  {
    viewport = DESKTOP,
    reducedMotion = 'no-preference',
    colorScheme = 'light',
    deviceScaleFactor = 1,
    acceptDownloads = false,
    timeout = 30_000,
  } = {},
) {
  const context = await browser.newContext({ viewport, reducedMotion, colorScheme, deviceScaleFactor, acceptDownloads });
  context.setDefaultTimeout(timeout);
  const log = { console: [], pageErrors: [], requests: [], responses: [], failed: [], dialogs: [] };
  context.on('request', (req) => log.requests.push(req.url()));
  context.on('response', (res) => log.responses.push({ url: res.url(), status: res.status() }));
  context.on('requestfailed', (req) => log.failed.push(`${short(req.url())}: ${req.failure()?.errorText}`));
  const page = watch(await context.newPage(), log);
  return { context, page, log };
}

/** Records a page's console messages, errors and dialogs (dismissed) in `log`. */
export function watch(page, log) {
  page.on('console', (msg) => {
    const where = msg.location()?.url ? ` (${short(msg.location().url)}:${msg.location().lineNumber})` : '';
    log.console.push({ type: msg.type(), text: `${msg.text()}${where}` });
  });
  page.on('pageerror', (err) => log.pageErrors.push(String(err?.stack ?? err)));
  page.on('dialog', (dialog) => {
    log.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    dialog.dismiss().catch(() => {});
  });
  page.log = log;
  return page;
}

/** Console errors, and warnings unless `warnings` is false, as text. */
export function problems(log, { warnings = true } = {}) {
  return log.console
    .filter((m) => m.type === 'error' || (warnings && m.type === 'warning'))
    .map((m) => `${m.type}: ${m.text}`);
}

/** Asserts that the page raised no error and logged no console error (or warning). */
export function assertNoProblems(log, where = '', { warnings = true } = {}) {
  const at = where ? ` ${where}` : '';
  if (log.pageErrors.length) throw new Error(`page errors${at}:\n${log.pageErrors.join('\n')}`);
  const said = problems(log, { warnings });
  if (said.length) throw new Error(`console ${warnings ? 'errors or warnings' : 'errors'}${at}:\n${said.join('\n')}`);
}

/**
 * Opens `query` (see siteUrl) in a fresh page (options as for newPage) and waits until the
 * page has mounted: for `?embed=<id>`, until figure `id` (or, for an unknown id, the whole
 * page) is there; otherwise until the first screen's figure is there, then scrolls the
 * centrepiece into view (figures mount as they near the viewport) and waits until its
 * step readout holds a number. Returns { context, page, log }.
 */
export async function open(browser, query = '', options = {}) {
  const url = siteUrl(query);
  // An unknown figure shows the whole page, so either will do.
  const embed = new URL(url).searchParams.get('embed');
  const duel = '#duel [data-readout="duel.step"][data-value]:not([data-value=""])';
  const started = 'figure#glance';
  const mounted = embed && /^[a-z-]+$/.test(embed) ? `figure#${embed}, ${started}` : started;
  const opened = await newPage(browser, options);
  try {
    await opened.page.goto(url, { waitUntil: 'load' });
    await waitFor(opened.page, (sel) => !!document.querySelector(sel), mounted, `the page to mount at ${short(url)}`);
    if (!(embed && (await opened.page.$(`figure#${embed}`)))) {
      await opened.page.evaluate(() => document.querySelector('[data-figure-slot="duel"]')?.scrollIntoView());
      await waitFor(opened.page, (sel) => !!document.querySelector(sel), duel, `the centrepiece to mount at ${short(url)}`);
    }
  } catch (err) {
    await opened.context.close(); // a page left open would go on running
    throw err;
  }
  return opened;
}

/**
 * Runs `fn({ page, context, log })` on `query` opened as by open(), and closes the
 * context afterwards whatever happens; returns what `fn` returns.
 */
export async function withPage(browser, query, options, fn) {
  const opened = await open(browser, query, options);
  try {
    return await fn(opened);
  } finally {
    await opened.context.close();
  }
}

/** A URL shortened for messages (the 100 kB one in particular). */
export function short(url) {
  return url.length > 160 ? `${url.slice(0, 150)}… (${url.length} chars)` : url;
}
