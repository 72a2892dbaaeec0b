// The service worker across a deployment: build 1 is served and visited, then build 2
// (another cache name in its sw.js, a renamed stylesheet, a marker in index.html) replaces
// it at the same origin. The next visit — one ordinary page load — shows build 2, the new
// worker takes over and build 1's cache is gone, with no reload loop; with the network cut
// afterwards, build 2 is what the worker serves.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { assertNoProblems, launch, newPage } from '../lib/browser.js';
import { distDir, serve } from '../lib/static-server.js';
import { idle, waitFor } from '../lib/wait.js';

const browser = await launch();
after(() => browser.close());

const work = mkdtempSync(join(tmpdir(), 'sw-upgrade-'));
after(() => rmSync(work, { recursive: true, force: true }));

/**
 * A copy of dist/ as build `n`: its sw.js uses cache `selection-sgd-e2e-<n>`, its
 * index.html carries <meta name="e2e-build" content="n">, and for n > 1 its stylesheet
 * has another hashed name. Returns { dir, cache, css }.
 */
function makeBuild(n) {
  const dir = join(work, `build-${n}`);
  cpSync(distDir(), dir, { recursive: true });
  const cache = `selection-sgd-e2e-${n}`;
  const swPath = join(dir, 'sw.js');
  const sw = readFileSync(swPath, 'utf8');
  const stamped = sw.replace(/const CACHE = '[^']*';/, `const CACHE = '${cache}';`);
  assert.notEqual(stamped, sw, 'sw.js has no `const CACHE = …` line to stamp');
  writeFileSync(swPath, stamped);
  let html = readFileSync(join(dir, 'index.html'), 'utf8');
  let css = readdirSync(dir).find((f) => /^main-.*\.css$/.test(f));
  assert.ok(css, 'no main-*.css in the build');
  if (n > 1) {
    const renamed = css.replace(/\.css$/, `-b${n}.css`);
    renameSync(join(dir, css), join(dir, renamed));
    assert.ok(html.includes(css), `index.html does not name ${css}`);
    html = html.replaceAll(css, renamed);
    css = renamed;
  }
  const marked = html.replace(/<meta charset="?utf-8"?>/i, (m) => `${m}<meta name="e2e-build" content="${n}">`);
  assert.notEqual(marked, html, 'index.html has no <meta charset> to put the marker after');
  html = marked;
  writeFileSync(join(dir, 'index.html'), html);
  return { dir, cache, css };
}

/** The caches and the paths each holds. */
function cacheContents(page) {
  return page.evaluate(async () => {
    const out = {};
    for (const key of await caches.keys()) out[key] = (await (await caches.open(key)).keys()).map((r) => new URL(r.url).pathname);
    return out;
  });
}

/** Polls `fn` (async, in Node) until it gives something truthy, for up to `timeout` ms. */
async function until(fn, what, timeout = 30_000) {
  const end = Date.now() + timeout;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until figure glance has mounted (the build's wasm runs). */
function mounted(page) {
  return waitFor(page, () => !!document.querySelector('figure#glance [data-readout]'), undefined, 'the first figure to mount');
}

test('a new build is live on the next visit, the old cache is deleted, and nothing reloads', { timeout: 300_000 }, async (t) => {
  const one = makeBuild(1);
  const two = makeBuild(2);
  const server = await serve({ root: one.dir });
  const { context, page, log } = await newPage(browser);
  let navigations = 0;
  page.on('framenavigated', (frame) => {
    if (frame === page.mainFrame()) navigations++;
  });
  try {
    // Visit 1: build 1, and its worker caches it.
    await page.goto(server.url, { waitUntil: 'load' });
    await mounted(page);
    await until(() => page.evaluate(() => navigator.serviceWorker.ready.then((r) => !!r.active)), 'the worker to be active');
    await until(async () => {
      const c = await cacheContents(page);
      return (c[one.cache] ?? []).some((p) => p.endsWith('.wasm'));
    }, `cache ${one.cache} to hold the wasm`);
    assert.equal(await page.getAttribute('meta[name="e2e-build"]', 'content'), '1');

    // Build 2 is deployed at the same address.
    server.setRoot(two.dir);
    navigations = 0;

    // Visit 2: one ordinary page load.
    await page.goto(server.url, { waitUntil: 'load' });
    await mounted(page);
    assert.equal(await page.getAttribute('meta[name="e2e-build"]', 'content'), '2', 'the second visit shows build 1');
    const sheets = await page.evaluate(() => [...document.styleSheets].map((s) => s.href ?? ''));
    assert.ok(sheets.some((h) => h.endsWith(two.css)), `build 2's stylesheet ${two.css} is not in use: ${sheets.join(' ')}`);
    // The page asks for the newest sw.js as soon as it has registered; headless Chromium
    // has been seen to answer that about 60 s later while the page runs, so allow 150 s.
    const asked = Date.now();
    await until(
      async () => {
        const keys = await page.evaluate(() => caches.keys());
        return !keys.includes(one.cache) && keys.includes(two.cache);
      },
      `${one.cache} to be deleted and ${two.cache} to exist`,
      150_000,
    ).catch(async (err) => {
      const reg = await page.evaluate(async () => {
        const r = await navigator.serviceWorker.getRegistration();
        return { installing: r?.installing?.state, waiting: r?.waiting?.state, active: r?.active?.state, keys: await caches.keys() };
      });
        const paths = server.requests.map((q) => q.path);
      throw new Error(`${err.message}\nregistration ${JSON.stringify(reg)}\nrequests ${JSON.stringify(paths)}`);
    });
    t.diagnostic(`the new worker replaced the old cache ${((Date.now() - asked) / 1000).toFixed(1)} s after the page loaded`);
    const contents = await cacheContents(page);
    t.diagnostic(`caches after the upgrade: ${JSON.stringify(contents)}`);
    assert.deepEqual(Object.keys(contents), [two.cache], 'only the new build has a cache');
    assert.ok(contents[two.cache].some((p) => p.endsWith(two.css)), `the new cache lacks ${two.css}`);
    const controller = await page.evaluate(() => navigator.serviceWorker.controller?.state ?? 'none');
    assert.equal(controller, 'activated', 'the page is not controlled by an active worker');

    // No reload loop: nothing navigates on its own afterwards.
    await idle(page, 3000);
    assert.equal(navigations, 1, `the second visit navigated ${navigations} times`);

    // Offline now: the worker serves build 2.
    await context.setOffline(true);
    const response = await page.goto(server.url, { waitUntil: 'load' });
    assert.ok(response?.fromServiceWorker(), 'the offline page did not come from the service worker');
    await mounted(page);
    assert.equal(await page.getAttribute('meta[name="e2e-build"]', 'content'), '2', 'offline, the worker serves build 1');
    assertNoProblems(log, '', { warnings: false });
  } finally {
    await context.close();
    await server.close();
  }
});
