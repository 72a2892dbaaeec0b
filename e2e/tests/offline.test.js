// Offline: after one visit the service worker serves the site with the network cut, and
// the single-file build works opened from disk. Serves the build itself
// (e2e/lib/static-server.js) from $DIST_DIR, or dist/.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { distDir, serve } from '../lib/static-server.js';

const DESKTOP = { width: 1280, height: 900 };
const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'screenshots');
const SINGLE_FILE = 'selection-sgd-offline.html';

const DUEL_NUMBERS = [
  'duel.step',
  'duel.sgd.r',
  'duel.sgd.r.lo',
  'duel.sgd.r.hi',
  'duel.sel.r',
  'duel.sel.r.lo',
  'duel.sel.r.hi',
  'duel.sel.accept',
];

let browser;
before(async () => {
  browser = await chromium.launch({
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
});
after(async () => {
  await browser?.close();
});

/** A fresh context and page that record console messages, page errors and requests. */
async function newPage() {
  const context = await browser.newContext({ viewport: DESKTOP, reducedMotion: 'no-preference' });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  const log = { console: [], pageErrors: [], requests: [], failed: [] };
  page.on('console', (msg) => {
    const at = msg.location()?.url ? ` (${msg.location().url.slice(0, 120)}:${msg.location().lineNumber})` : '';
    log.console.push({ type: msg.type(), text: `${msg.text()}${at}` });
  });
  page.on('pageerror', (err) => log.pageErrors.push(String(err?.stack ?? err)));
  context.on('request', (req) => log.requests.push(req.url()));
  context.on('requestfailed', (req) => log.failed.push(`${req.url().slice(0, 200)}: ${req.failure()?.errorText}`));
  page.log = log;
  return { context, page, log };
}

function consoleErrors(log) {
  return log.console.filter((m) => m.type === 'error').map((m) => m.text);
}

/** Polls `fn` in the page; a timeout names what was awaited, with the page's errors. */
async function waitFor(page, fn, arg, what, timeout = 30_000) {
  try {
    return await page.waitForFunction(fn, arg, { timeout, polling: 50 });
  } catch (err) {
    const panic = await page.evaluate(() => document.querySelector('#panic')?.textContent ?? null).catch(() => null);
    const details = [
      `timed out after ${timeout} ms waiting for ${what}`,
      panic && `#panic says: ${panic.trim()}`,
      page.log?.pageErrors.length && `page errors: ${page.log.pageErrors.join(' | ')}`,
      page.log && consoleErrors(page.log).length && `console errors: ${consoleErrors(page.log).join(' | ')}`,
      page.log?.failed.length && `failed requests: ${page.log.failed.join(' | ')}`,
      `(${err.message.split('\n')[0]})`,
    ];
    throw new Error(details.filter(Boolean).join('\n'));
  }
}

function waitForStep(page, n) {
  return waitFor(
    page,
    (want) => document.querySelector('#duel [data-readout="duel.step"]')?.dataset.value === String(want),
    n,
    `duel.step to read ${n}`,
  );
}

function readouts(page) {
  return page.$$eval('#duel [data-readout]', (els) =>
    Object.fromEntries(els.map((el) => [el.dataset.readout, el.dataset.value ?? null])),
  );
}

function number(values, name) {
  const v = values[name];
  return v === undefined || v === null || v === '' ? NaN : Number(v);
}

function assertDuelNumbers(values, where) {
  for (const name of DUEL_NUMBERS) assert.ok(Number.isFinite(number(values, name)), `${name} is "${values[name]}" at ${where}`);
}

/** Waits until every data-chart canvas of the duel has more than one colour. */
function waitForDuelDrawn(page) {
  return waitFor(
    page,
    () => {
      const charts = [...document.querySelectorAll('#duel canvas[data-chart]')];
      return (
        charts.length > 0 &&
        charts.every((c) => {
          if (!c.width || !c.height) return false;
          const scratch = document.createElement('canvas');
          scratch.width = c.width;
          scratch.height = c.height;
          const ctx = scratch.getContext('2d', { willReadFrequently: true });
          ctx.drawImage(c, 0, 0);
          const px = new Uint32Array(ctx.getImageData(0, 0, c.width, c.height).data.buffer);
          return px.some((p) => p !== px[0]);
        })
      );
    },
    undefined,
    "the duel's charts to draw",
  );
}

function screenshotPath(name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return join(SCREENSHOTS, `${name}.png`);
}

// ---------------------------------------------------------------------------------------
// 7. The service worker

test('after one visit the service worker serves the site with the network cut', { timeout: 180_000 }, async (t) => {
  const server = await serve({ root: distDir() });
  const { context, page, log } = await newPage();
  let closed = false;
  try {
    // The reference: what ?seed=5&t=30 reads while online, in another context.
    const online = await newPage();
    let expected;
    try {
      await online.page.goto(`${server.url}?seed=5&t=30`);
      await waitForStep(online.page, 30);
      expected = await readouts(online.page);
      assertDuelNumbers(expected, 'online ?seed=5&t=30');
    } finally {
      await online.context.close();
    }

    // First visit: the worker installs and caches the build.
    await page.goto(server.url, { waitUntil: 'load' });
    await waitFor(page, () => !!document.querySelector('#duel [data-readout="duel.step"]')?.dataset.value, undefined, 'the duel to mount');
    const scope = await page.evaluate(() =>
      Promise.race([
        navigator.serviceWorker.ready.then((r) => r.scope),
        new Promise((done) => setTimeout(() => done('navigator.serviceWorker.ready did not resolve in 20 s'), 20_000)),
      ]),
    );
    assert.equal(scope, server.url, 'the service worker is not ready with the site as its scope');
    await waitFor(
      page,
      async () => {
        for (const key of await caches.keys()) {
          const cache = await caches.open(key);
          if ((await cache.keys()).some((r) => new URL(r.url).pathname.endsWith('.wasm'))) return true;
        }
        return false;
      },
      undefined,
      'the cache to hold the wasm',
    );
    const cached = await page.evaluate(async () => {
      const out = [];
      for (const key of await caches.keys()) for (const r of await (await caches.open(key)).keys()) out.push(new URL(r.url).pathname);
      return out;
    });
    t.diagnostic(`cached: ${cached.join(' ')}`);

    // Cut the network: stop the server and take the context offline.
    const served = server.requests.length;
    await server.close();
    closed = true;
    await context.setOffline(true);

    const response = await page.goto(`${server.url}?seed=5&t=30`, { waitUntil: 'load' });
    assert.ok(response?.fromServiceWorker(), 'the offline page did not come from the service worker');
    await waitForStep(page, 30);
    await waitForDuelDrawn(page);
    const offline = await readouts(page);
    assertDuelNumbers(offline, 'offline ?seed=5&t=30');
    assert.deepEqual(offline, expected, 'offline ?seed=5&t=30 gives other readouts than online');
    await page.locator('#duel').screenshot({ path: screenshotPath('offline-service-worker') });
    assert.equal(server.requests.length, served, 'the stopped server answered requests');
    assert.deepEqual(log.pageErrors, [], 'page errors');
    assert.deepEqual(consoleErrors(log), [], 'console errors');
  } finally {
    await context.close();
    if (!closed) await server.close();
  }
});

// ---------------------------------------------------------------------------------------
// 8. The single file

test('the single-file build works from file:// with no other request', { timeout: 120_000 }, async () => {
  const path = join(distDir(), SINGLE_FILE);
  assert.ok(existsSync(path), `${path} does not exist: the build did not write it`);
  const fileUrl = pathToFileURL(path).href;
  const { context, page, log } = await newPage();
  try {
    await page.goto(`${fileUrl}?seed=42&t=300`, { waitUntil: 'load' });
    await waitForStep(page, 300);
    await waitForDuelDrawn(page);
    const values = await readouts(page);
    assertDuelNumbers(values, `${SINGLE_FILE}?seed=42&t=300`);
    const sgd = number(values, 'duel.sgd.r');
    assert.ok(Math.abs(sgd - 1) < 1e-6, `duel.sgd.r is ${sgd}, expected 1 within 1e-6`);
    const [lo, hi] = [number(values, 'duel.sel.r.lo'), number(values, 'duel.sel.r.hi')];
    assert.ok(lo <= 0 && 0 <= hi, `duel.sel.r's interval [${lo}, ${hi}] does not contain 0`);
    await page.locator('#duel').screenshot({ path: screenshotPath('offline-single-file') });

    const others = log.requests.filter((u) => !u.startsWith('data:') && !u.startsWith('blob:') && u.split('?')[0] !== fileUrl);
    assert.deepEqual(others, [], 'requests other than the file itself');
    assert.ok(log.requests.some((u) => u.split('?')[0] === fileUrl), `the file itself was not among the requests: ${log.requests}`);
    assert.deepEqual(log.pageErrors, [], 'page errors');
    assert.deepEqual(consoleErrors(log), [], 'console errors');
  } finally {
    await context.close();
  }
});
