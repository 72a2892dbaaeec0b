// Offline: after one visit the service worker serves the site with the network cut, and
// the single-file build works opened from disk. Serves the build itself
// (e2e/lib/static-server.js) from $DIST_DIR, or dist/.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { assertNoProblems, launch, newPage } from '../lib/browser.js';
import { waitForDrawn } from '../lib/canvas.js';
import { DUEL_NUMBERS, duelReadouts, showDuel, waitForStep } from '../lib/duel.js';
import { assertNumbers, numberIn } from '../lib/readouts.js';
import { screenshot } from '../lib/screenshots.js';
import { distDir, serve } from '../lib/static-server.js';
import { waitFor } from '../lib/wait.js';

const SINGLE_FILE = 'selection-sgd-offline.html';
/** Console errors only: a page cut off from the network may warn. */
const ERRORS_ONLY = { warnings: false };

const browser = await launch();
after(() => browser.close());

// ---------------------------------------------------------------------------------------
// 7. The service worker

test('after one visit the service worker serves the site with the network cut', { timeout: 180_000 }, async (t) => {
  const server = await serve({ root: distDir() });
  const { context, page, log } = await newPage(browser);
  let closed = false;
  try {
    // The reference: what ?seed=5&t=30 reads while online, in another context.
    const online = await newPage(browser);
    let expected;
    try {
      await online.page.goto(`${server.url}?seed=5&t=30`);
      await showDuel(online.page);
      await waitForStep(online.page, 30);
      expected = await duelReadouts(online.page);
      assertNumbers(expected, DUEL_NUMBERS, 'online ?seed=5&t=30');
    } finally {
      await online.context.close();
    }

    // First visit: the worker installs and caches the build.
    await page.goto(server.url, { waitUntil: 'load' });
    await showDuel(page);
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
    await showDuel(page);
    assert.ok(response?.fromServiceWorker(), 'the offline page did not come from the service worker');
    await waitForStep(page, 30);
    await waitForDrawn(page, 'duel');
    const offline = await duelReadouts(page);
    assertNumbers(offline, DUEL_NUMBERS, 'offline ?seed=5&t=30');
    assert.deepEqual(offline, expected, 'offline ?seed=5&t=30 gives other readouts than online');
    await screenshot(page.locator('#duel'), 'offline-service-worker');
    assert.equal(server.requests.length, served, 'the stopped server answered requests');
    assertNoProblems(log, '', ERRORS_ONLY);
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
  const { context, page, log } = await newPage(browser);
  try {
    await page.goto(`${fileUrl}?seed=42&t=300`, { waitUntil: 'load' });
    await showDuel(page);
    await waitForStep(page, 300);
    await waitForDrawn(page, 'duel');
    const values = await duelReadouts(page);
    assertNumbers(values, DUEL_NUMBERS, `${SINGLE_FILE}?seed=42&t=300`);
    const sgd = numberIn(values, 'duel.sgd.r');
    assert.ok(Math.abs(sgd - 1) < 1e-6, `duel.sgd.r is ${sgd}, expected 1 within 1e-6`);
    const [lo, hi] = [numberIn(values, 'duel.sel.r.lo'), numberIn(values, 'duel.sel.r.hi')];
    assert.ok(lo <= 0 && 0 <= hi, `duel.sel.r's interval [${lo}, ${hi}] does not contain 0`);
    await screenshot(page.locator('#duel'), 'offline-single-file');

    const others = log.requests.filter((u) => !u.startsWith('data:') && !u.startsWith('blob:') && u.split('?')[0] !== fileUrl);
    assert.deepEqual(others, [], 'requests other than the file itself');
    assert.ok(log.requests.some((u) => u.split('?')[0] === fileUrl), `the file itself was not among the requests: ${log.requests}`);
    assertNoProblems(log, '', ERRORS_ONLY);
  } finally {
    await context.close();
  }
});
