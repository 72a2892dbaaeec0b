// Sharing: links that replay exactly, links that are hostile, embedding in another site,
// hosting under a sub-path, PNG and CSV exports, and no request beyond the site's origin.
// Serves the build itself (e2e/lib/static-server.js) from $DIST_DIR, or dist/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { distDir, serve } from '../lib/static-server.js';

const DESKTOP = { width: 1280, height: 900 };
const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'screenshots');

/** The duel's readouts that must hold a number once a few steps have run. */
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

/** Every figure of the article, in page order. */
const FIGURES = ['claim', 'minibatch', 'duel', 'eta', 'ghosts', 'regression', 'drift', 'fitness', 'limits'];

let browser;
let site; // the build at the root of its own origin

before(async () => {
  site = await serve({ root: distDir() });
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
  await site?.close();
});

// ---------------------------------------------------------------------------------------
// Helpers

/** A fresh context and page that record console messages, errors, requests and dialogs. */
async function newPage({ viewport = DESKTOP, reducedMotion = 'no-preference' } = {}) {
  const context = await browser.newContext({ viewport, reducedMotion, acceptDownloads: true });
  context.setDefaultTimeout(30_000);
  const log = { console: [], pageErrors: [], requests: [], responses: [], failed: [], dialogs: [] };
  context.on('request', (req) => log.requests.push(req.url()));
  context.on('response', (res) => log.responses.push({ url: res.url(), status: res.status() }));
  context.on('requestfailed', (req) => log.failed.push(`${req.url()}: ${req.failure()?.errorText}`));
  const page = watch(await context.newPage(), log);
  return { context, page, log };
}

/** Records a page's console messages, errors and dialogs (dismissed) in `log`. */
function watch(page, log) {
  page.on('console', (msg) => {
    const at = msg.location()?.url ? ` (${msg.location().url}:${msg.location().lineNumber})` : '';
    log.console.push({ type: msg.type(), text: `${msg.text()}${at}` });
  });
  page.on('pageerror', (err) => log.pageErrors.push(String(err?.stack ?? err)));
  page.on('dialog', (dialog) => {
    log.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    dialog.dismiss().catch(() => {});
  });
  page.log = log;
  return page;
}

/** Console errors (and warnings, with `warnings`) as text. */
function consoleProblems(log, { warnings = false } = {}) {
  return log.console
    .filter((m) => m.type === 'error' || (warnings && m.type === 'warning'))
    .map((m) => `${m.type}: ${m.text}`);
}

/**
 * Polls `fn` in `target` (a page or a frame) until it returns something truthy. On a
 * timeout the error names what was awaited and adds the page's errors and console errors.
 */
async function waitFor(target, fn, arg, what, timeout = 30_000) {
  try {
    return await target.waitForFunction(fn, arg, { timeout, polling: 50 });
  } catch (err) {
    const log = (target.log ?? target.page?.().log) || null;
    const panic = await target.evaluate(() => document.querySelector('#panic')?.textContent ?? null).catch(() => null);
    const details = [
      `timed out after ${timeout} ms waiting for ${what}`,
      panic && `#panic says: ${panic.trim()}`,
      log?.pageErrors.length && `page errors: ${log.pageErrors.join(' | ')}`,
      log && consoleProblems(log).length && `console: ${consoleProblems(log).join(' | ')}`,
      log?.responses.some((r) => r.status >= 400) &&
        `failed responses: ${log.responses.filter((r) => r.status >= 400).map((r) => `${r.status} ${short(r.url)}`).join(' | ')}`,
      log?.failed.length && `failed requests: ${log.failed.map(short).join(' | ')}`,
      `(${err.message.split('\n')[0]})`,
    ];
    throw new Error(details.filter(Boolean).join('\n'));
  }
}

/** Opens `url` in a fresh page and waits until the duel's step readout holds a number. */
async function open(url, options) {
  const { context, page, log } = await newPage(options);
  await page.goto(url, { waitUntil: 'load' });
  await waitForDuel(page, `the duel to mount at ${short(url)}`);
  return { context, page, log };
}

function waitForDuel(target, what = 'the duel to mount') {
  return waitFor(target, () => !!document.querySelector('#duel [data-readout="duel.step"]')?.dataset.value, undefined, what);
}

function waitForStep(target, n) {
  return waitFor(
    target,
    (want) => document.querySelector('#duel [data-readout="duel.step"]')?.dataset.value === String(want),
    n,
    `duel.step to read ${n}`,
  );
}

/** Every readout of the duel as { name: data-value }. */
function readouts(target) {
  return target.$$eval('#duel [data-readout]', (els) =>
    Object.fromEntries(els.map((el) => [el.dataset.readout, el.dataset.value ?? null])),
  );
}

/** Asserts that each of DUEL_NUMBERS holds a finite number. */
function assertDuelNumbers(values, where) {
  for (const name of DUEL_NUMBERS) {
    const v = values[name];
    assert.ok(v !== null && v !== undefined && v !== '' && Number.isFinite(Number(v)), `${name} is "${v}" at ${where}`);
  }
}

/**
 * In the page: whether every chart of figure `id` shows more than one colour. With
 * `layers`, each chart is judged with its axes and overlay canvases composited under and
 * over it; without, the data-chart canvas alone must be drawn on.
 */
function figureDrawn([id, layers]) {
  const fig = document.querySelector(`figure#${id}`);
  const charts = fig ? [...fig.querySelectorAll('canvas[data-chart]')] : [];
  if (!charts.length) return false;
  return charts.every((chart) => {
    const { width, height } = chart;
    if (!width || !height) return false;
    const scratch = document.createElement('canvas');
    scratch.width = width;
    scratch.height = height;
    const ctx = scratch.getContext('2d', { willReadFrequently: true });
    const stack = layers ? [...chart.parentElement.querySelectorAll('canvas')] : [chart];
    for (const c of stack) if (c.width && c.height) ctx.drawImage(c, 0, 0, width, height);
    const px = new Uint32Array(ctx.getImageData(0, 0, width, height).data.buffer);
    for (let i = 1; i < px.length; i++) if (px[i] !== px[0]) return true;
    return false;
  });
}

function waitForDrawn(target, id, { layers = false, timeout } = {}) {
  return waitFor(target, figureDrawn, [id, layers], `every chart of #${id} to draw`, timeout);
}

/** The link notice's visibility and its list items. */
function notice(page) {
  return page.evaluate(() => {
    const el = document.querySelector('[data-notice="link"]');
    return {
      visible: !!el && el.checkVisibility(),
      items: el ? [...el.querySelectorAll('li')].map((li) => li.textContent.trim()) : [],
      html: el?.innerHTML ?? '',
    };
  });
}

/** Clicks a duel button and returns the text the page then offers in input[name="shared"]. */
async function sharedText(target, action) {
  await target.locator(`#duel [data-action="${action}"]`).click();
  await waitFor(target, () => !!document.querySelector('#duel input[name="shared"]')?.value, undefined, `${action} to fill input[name="shared"]`);
  return target.locator('#duel input[name="shared"]').inputValue();
}

function screenshotPath(name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return join(SCREENSHOTS, `${name}.png`);
}

/** A URL shortened for messages (the 100 kB one in particular). */
function short(url) {
  return url.length > 160 ? `${url.slice(0, 150)}… (${url.length} chars)` : url;
}

// ---------------------------------------------------------------------------------------
// 1. Permalinks

test('a permalink, a fresh load of it and the copied link give identical readouts', { timeout: 180_000 }, async () => {
  const query = '?v=1&seed=123&rho=0.5&batch=16&acceptance=metropolis&rule=keep&t=250';
  const first = await open(site.url + query);
  let original;
  let copied;
  try {
    await waitForStep(first.page, 250);
    original = await readouts(first.page);
    assertDuelNumbers(original, query);
    assert.equal((await notice(first.page)).visible, false, `a valid link shows the link notice: ${(await notice(first.page)).items}`);

    // The page keeps its own URL in sync, paused at t=250.
    await waitFor(first.page, () => new URLSearchParams(location.search).get('t') === '250', undefined, 'the URL to carry t=250');
    const synced = Object.fromEntries(new URLSearchParams(await first.page.evaluate(() => location.search)));
    for (const [k, v] of Object.entries({ v: '1', seed: '123', rho: '0.5', batch: '16', acceptance: 'metropolis', rule: 'keep', t: '250' })) {
      assert.equal(synced[k], v, `the page's URL has ${k}=${synced[k]}, expected ${v}`);
    }

    copied = await sharedText(first.page, 'copy-link');
    assert.ok(copied.startsWith(site.url), `copied link ${copied} is not on ${site.url}`);
    await first.page.locator('#duel').screenshot({ path: screenshotPath('share-permalink') });
    assert.deepEqual(first.log.pageErrors, [], 'page errors');
    assert.deepEqual(consoleProblems(first.log), [], 'console errors');
  } finally {
    await first.context.close();
  }

  for (const [what, url] of [
    ['a fresh load of the same link', site.url + query],
    ['the copied link', copied],
  ]) {
    const again = await open(url);
    try {
      await waitForStep(again.page, 250);
      assert.deepEqual(await readouts(again.page), original, `${what} (${url}) gives other readouts than ${query}`);
    } finally {
      await again.context.close();
    }
  }

  // A preset link replays the same run as its parameters spelled out, and differs from
  // the defaults (so the preset did something).
  const runs = {};
  for (const q of ['?preset=partly-correlated&t=200', '?rho=0.5&t=200', '?t=200']) {
    const { page, context } = await open(site.url + q);
    try {
      await waitForStep(page, 200);
      runs[q] = await readouts(page);
      assertDuelNumbers(runs[q], q);
    } finally {
      await context.close();
    }
  }
  assert.deepEqual(runs['?preset=partly-correlated&t=200'], runs['?rho=0.5&t=200'], 'preset=partly-correlated differs from rho=0.5');
  assert.notDeepEqual(runs['?rho=0.5&t=200'], runs['?t=200'], 'rho=0.5 gives the same readouts as the default rho');
});

// ---------------------------------------------------------------------------------------
// 2. Hostile links

const HUGE = '7'.repeat(100_000);
const HOSTILE = [
  {
    query: '?lr=1e308&seed=NaN&batch=-5&t=99999999999999',
    notice: ['lr', 'seed', 'batch', 't'],
    synced: { lr: '10', seed: '42', batch: '1' },
  },
  { query: '?rho=%3Cscript%3Ealert(1)%3C%2Fscript%3E', notice: ['rho'], synced: { rho: '1' } },
  { query: '?rho=<script>alert(1)</script>', notice: ['rho'], synced: { rho: '1' } },
  { query: `?beta=${HUGE}`, notice: ['beta'], synced: { beta: '80' } },
  { query: '?v=999', notice: ['This link was made by a newer version'], synced: { v: '1' } },
  { query: '?embed=nope', notice: ['There is no figure called'], wholePage: true },
  // A key that cannot be decoded may or may not be mentioned; either way the page works.
  { query: '?%E0%A4%A=1&&&==', notice: null },
  // Keys the page does not know are ignored silently.
  { query: '?utm_source=newsletter&foo=bar&&', notice: [] },
];

test('hostile links give a working page, a notice where something was changed, and no script', { timeout: 300_000 }, async (t) => {
  for (const c of HOSTILE) {
    const where = short(c.query);
    await t.test(where, async (st) => {
      const started = Date.now();
      const { page, context, log } = await open(site.url + c.query);
      try {
        await waitForDrawn(page, 'duel');
        const step = await page.getAttribute('#duel [data-readout="duel.step"]', 'data-value');
        assert.ok(Number.isFinite(Number(step)) && step !== '', `duel.step is "${step}" at ${where}`);

        const n = await notice(page);
        assert.ok(!/<script/i.test(n.html), `the notice holds markup from the link at ${where}: ${n.html}`);
        assert.equal(await page.evaluate(() => document.querySelectorAll('body script').length), 0, `a <script> element was added to the body at ${where}`);
        if (c.notice?.length) {
          assert.equal(n.visible, true, `no visible link notice at ${where}`);
          for (const key of c.notice) {
            assert.ok(n.items.some((item) => item.startsWith(`${key} `)), `the notice does not mention "${key}" at ${where}: ${JSON.stringify(n.items)}`);
          }
          if (c === HOSTILE[0]) await page.screenshot({ path: screenshotPath('share-hostile-notice') });
        } else if (c.notice) {
          assert.equal(n.visible, false, `the link notice shows for unknown keys only, at ${where}: ${JSON.stringify(n.items)}`);
        }
        if (n.visible) {
          await page.locator('[data-notice="link"] [data-action="dismiss"]').click();
          await waitFor(page, () => !document.querySelector('[data-notice="link"]')?.checkVisibility(), undefined, `the notice to go when dismissed at ${where}`);
        }

        if (c.wholePage) {
          const ids = await page.$$eval('figure[id]', (els) => els.map((el) => el.id));
          assert.ok(ids.length > 1 && (await page.locator('main.article').count()) === 1, `the whole page is not shown at ${where}: figures ${ids}`);
        }
        if (c.synced) {
          // The page rewrites its URL to the values it actually uses.
          await waitFor(page, () => new URLSearchParams(location.search).get('v') === '1', undefined, `the URL to be rewritten at ${where}`);
          const search = await page.evaluate(() => location.search);
          const got = Object.fromEntries(new URLSearchParams(search));
          for (const [k, v] of Object.entries(c.synced)) assert.equal(got[k], v, `after ${where} the URL has ${k}=${short(String(got[k]))}, expected ${v}`);
          assert.ok(search.length < 1000, `after ${where} the URL is still ${search.length} characters long`);
        }

        assert.deepEqual(log.dialogs, [], `a dialog opened at ${where}`);
        assert.deepEqual(log.pageErrors, [], `page errors at ${where}`);
        assert.deepEqual(consoleProblems(log), [], `console errors at ${where}`);
        st.diagnostic(`step ${step}, notice ${n.visible ? JSON.stringify(n.items) : 'none'}, ${Date.now() - started} ms`);
      } finally {
        await context.close();
      }
    });
  }
});

// ---------------------------------------------------------------------------------------
// 3. Embedding

/** The parent page: two frames on another origin, one shorter than its figure and one taller. */
function parentPage(siteUrl) {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A page that embeds two figures</title><link rel="icon" href="data:,">
<script>
  window.heights = [];
  addEventListener('message', (e) => {
    const from = [...document.querySelectorAll('iframe')].find((f) => f.contentWindow === e.source)?.id ?? null;
    heights.push({ origin: e.origin, from, data: e.data });
  });
</script></head>
<body style="margin:0">
<iframe id="duel-frame" src="${siteUrl}?embed=duel&amp;t=50" title="duel" allow="clipboard-write" style="display:block;width:100%;border:0" height="420"></iframe>
<iframe id="claim-frame" src="${siteUrl}?embed=claim" title="claim" allow="clipboard-write" style="display:block;width:100%;border:0" height="2400"></iframe>
</body></html>`;
}

const EMBEDS = [
  ['duel-frame', 'duel'],
  ['claim-frame', 'claim'],
];

test('figures embed in a page of another origin and report their height', { timeout: 240_000 }, async (t) => {
  const pages = {};
  const parent = await serve({ pages });
  pages['/'] = parentPage(site.url);
  const { context, page, log } = await newPage();
  const frame = async (id) => {
    const f = await (await page.$(`#${id}`)).contentFrame();
    f.log = log;
    return f;
  };
  let embedded; // the embedded duel's readouts
  let snippet; // the embed code it offers
  let other; // a page of another site with that code pasted in
  let pasted; // its iframe
  try {
    assert.notEqual(parent.origin, site.origin);
    await page.goto(parent.url, { waitUntil: 'load' });

    await t.test('each frame shows its figure alone, drawn', async () => {
      for (const [frameId, figure] of EMBEDS) {
        const f = await frame(frameId);
        await waitForDrawn(f, figure, { layers: true });
        const shown = await f.evaluate(() => ({
          figures: [...document.querySelectorAll('figure[id]')].map((el) => el.id),
          article: document.querySelectorAll('main.article, .masthead, nav.toc').length,
        }));
        assert.deepEqual(shown.figures, [figure], `?embed=${figure} shows figures ${shown.figures}`);
        assert.equal(shown.article, 0, `?embed=${figure} also shows the article's masthead, contents or text`);
      }
      await page.screenshot({ path: screenshotPath('share-embed-parent'), fullPage: true });
      assert.deepEqual(log.pageErrors, [], 'page errors while the embedded figures load');
      assert.deepEqual(consoleProblems(log), [], 'console errors while the embedded figures load');
    });

    await t.test('each frame posts {type: "selection-sgd-height", figure, height > 200}', async () => {
      for (const [frameId, figure] of EMBEDS) {
        await waitFor(
          page,
          ([frameId, figure]) => window.heights.some((m) => m.from === frameId && m.data?.type === 'selection-sgd-height' && m.data.figure === figure && m.data.height > 200),
          [frameId, figure],
          `#${frameId} to post {type: "selection-sgd-height", figure: "${figure}", height > 200}`,
        ).catch(async (err) => {
          err.message += `\nmessages so far: ${JSON.stringify(await page.evaluate(() => window.heights))}`;
          throw err;
        });
      }
      const strays = (await page.evaluate(() => window.heights)).filter((m) => m.origin !== site.origin);
      assert.deepEqual(strays, [], 'height messages from an unexpected origin');
    });

    await t.test("the height posted is the figure's, whether the frame is shorter or taller", async () => {
      const wrong = [];
      for (const [frameId] of EMBEDS) {
        const f = await frame(frameId);
        const content = await f.evaluate(() => {
          const body = getComputedStyle(document.body);
          return Math.ceil(document.body.getBoundingClientRect().height + parseFloat(body.marginTop) + parseFloat(body.marginBottom));
        });
        const ok = await waitFor(
          page,
          ([frameId, content]) => {
            const last = window.heights.filter((m) => m.from === frameId).at(-1);
            return last && Math.abs(last.data.height - content) <= 24;
          },
          [frameId, content],
          `#${frameId} to post its content's height`,
          10_000,
        ).then(() => true, () => false);
        if (!ok) {
          const posted = await page.evaluate((id) => window.heights.filter((m) => m.from === id).map((m) => m.data.height), frameId);
          const tall = await page.evaluate((id) => document.getElementById(id).getBoundingClientRect().height, frameId);
          wrong.push(`#${frameId} (${tall} px tall) posted ${JSON.stringify(posted)}; its content is ${content} px tall`);
        }
      }
      assert.deepEqual(wrong, [], 'frames that posted a height other than their content');
    });

    await t.test('the embedded duel replays like the page itself', async () => {
      const duel = await frame('duel-frame');
      await waitForStep(duel, 50);
      embedded = await readouts(duel);
      assertDuelNumbers(embedded, '?embed=duel&t=50');
      const whole = await open(`${site.url}?t=50`);
      try {
        await waitForStep(whole.page, 50);
        assert.deepEqual(embedded, await readouts(whole.page), '?embed=duel&t=50 gives other readouts than ?t=50');
      } finally {
        await whole.context.close();
      }
    });

    await t.test('the embed code is an iframe with a title and a src that embeds the duel', async () => {
      const duel = await frame('duel-frame');
      const errorsBefore = consoleProblems(log).length;
      snippet = await sharedText(duel, 'copy-embed');
      const parsed = await page.evaluate((html) => {
        const doc = new DOMParser().parseFromString(html, 'text/html');
        const frames = [...doc.querySelectorAll('iframe')];
        return { count: frames.length, src: frames[0]?.getAttribute('src') ?? '', title: frames[0]?.getAttribute('title') ?? '' };
      }, snippet);
      assert.equal(parsed.count, 1, `the embed code holds ${parsed.count} iframes: ${snippet}`);
      assert.ok(parsed.title.trim().length > 0, `the embed code's iframe has no title: ${snippet}`);
      const src = new URL(parsed.src);
      assert.equal(src.searchParams.get('embed'), 'duel', `the embed code's src does not embed the duel: ${parsed.src}`);
      assert.equal(src.origin + src.pathname, site.url, `the embed code's src is not on the site: ${parsed.src}`);
      assert.equal(src.searchParams.get('t'), '50', `the embed code's src does not keep the paused step: ${parsed.src}`);
      await duel.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
      assert.deepEqual(consoleProblems(log).slice(errorsBefore), [], 'console errors after "Copy embed code" in a frame that allows clipboard-write');
    });

    await t.test('the embed code, pasted into another site as it is, loads and sizes its frame', async () => {
      assert.ok(snippet, 'no embed code to paste (see above)');
      pages['/snippet.html'] = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Snippet</title><link rel="icon" href="data:,"></head><body>${snippet}</body></html>`;
      other = watch(await context.newPage(), log);
      await other.goto(`${parent.origin}/snippet.html`, { waitUntil: 'load' });
      await waitFor(
        other,
        () => parseFloat(document.querySelector('iframe')?.style.height ?? '') > 200,
        undefined,
        "the embed code's script to set the iframe's height from the figure's message",
      );
      pasted = await (await other.$('iframe')).contentFrame();
      pasted.log = log;
      await waitForStep(pasted, 50);
      if (embedded) assert.deepEqual(await readouts(pasted), embedded, 'the pasted duel gives other readouts than the embed it was copied from');
    });

    await t.test("the figure's copy buttons work inside the pasted frame, with no console errors", async () => {
      assert.ok(pasted, 'no pasted frame (see above)');
      const errorsBefore = consoleProblems(log).length;
      const link = await sharedText(pasted, 'copy-link');
      await pasted.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
      assert.ok(link.startsWith(`${site.url}?`) && new URL(link).searchParams.get('embed') === 'duel', `"Copy link" in the pasted frame gives ${link}`);
      assert.deepEqual(consoleProblems(log).slice(errorsBefore), [], 'console errors after "Copy link" inside the iframe of the embed code');
    });

    assert.deepEqual(log.dialogs, [], 'dialogs in the parent or the frames');
    assert.deepEqual(log.pageErrors, [], 'page errors in the parent or the frames');
  } finally {
    await other?.close();
    await context.close();
    await parent.close();
  }
});

// ---------------------------------------------------------------------------------------
// 4. Static hosting under a sub-path

test('the same build works at the root and under /deep/sub/path/', { timeout: 180_000 }, async (t) => {
  const deep = await serve({ root: distDir(), prefix: '/deep/sub/path/' });
  try {
    for (const server of [site, deep]) {
      const before = server.requests.length;
      const { context, page, log } = await open(`${server.url}?seed=42&t=100`);
      try {
        await waitForStep(page, 100);
        await waitForDrawn(page, 'duel');
        assertDuelNumbers(await readouts(page), server.url);
        // The service worker installs from here too, and caches the build's files.
        const scope = await page.evaluate(() =>
          Promise.race([
            navigator.serviceWorker.ready.then((r) => r.scope),
            new Promise((done) => setTimeout(() => done('not ready after 20 s'), 20_000)),
          ]),
        );
        assert.equal(scope, server.url, `service worker scope at ${server.url}`);
        const copied = await sharedText(page, 'copy-link');
        assert.ok(copied.startsWith(`${server.url}?`), `the copied link ${copied} is not under ${server.url}`);
        if (server === deep) await page.screenshot({ path: screenshotPath('share-sub-path') });

        const bad = log.responses.filter((r) => r.status >= 400).map((r) => `${r.status} ${r.url}`);
        assert.deepEqual(bad, [], `failed responses at ${server.url}`);
        assert.deepEqual(log.failed, [], `failed requests at ${server.url}`);
        const served = server.requests.slice(before);
        const missing = served.filter((r) => r.status >= 400).map((r) => `${r.status} ${r.path}`);
        assert.deepEqual(missing, [], `the server answered errors at ${server.url}`);

        // Every link and resource the page names on its own site exists there (e.g. the
        // single-file download in the footer, which a page load does not fetch).
        const named = await page.evaluate(() =>
          [...new Set([...document.querySelectorAll('[href], [src]')].map((el) => el.href || el.src).filter((u) => typeof u === 'string' && u.startsWith(location.origin)).map((u) => u.split('#')[0]))],
        );
        const dead = [];
        for (const url of named) {
          const res = await fetch(url, { method: 'HEAD' });
          if (res.status !== 200) dead.push(`${res.status} ${url}`);
        }
        assert.deepEqual(dead, [], `links on ${server.url} that lead nowhere`);
        assert.ok(served.some((r) => r.path.endsWith('.wasm') && r.status === 200), `the wasm was not fetched from ${server.url}: ${served.map((r) => r.path)}`);
        assert.deepEqual(log.pageErrors, [], `page errors at ${server.url}`);
        assert.deepEqual(consoleProblems(log), [], `console errors at ${server.url}`);
        t.diagnostic(`${server.url}: ${served.length} requests, all answered: ${[...new Set(served.map((r) => r.path.replace(/\?.*/, '')))].join(' ')}; ${named.length} links checked`);
      } finally {
        await context.close();
      }
    }
  } finally {
    await deep.close();
  }
});

// ---------------------------------------------------------------------------------------
// 5. Exports

test('PNG and CSV exports download complete files', { timeout: 120_000 }, async () => {
  const { context, page, log } = await open(`${site.url}?t=40`);
  try {
    await waitForStep(page, 40);
    await waitForDrawn(page, 'duel');

    const [png] = await Promise.all([page.waitForEvent('download'), page.locator('#duel [data-action="png"]').click()]);
    assert.equal(png.suggestedFilename(), 'duel.png');
    assert.equal(await png.failure(), null, 'the PNG download failed');
    const bytes = await readFile(await png.path());
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'duel.png does not start with the PNG signature');
    assert.ok(bytes.length > 10_000, `duel.png is only ${bytes.length} bytes`);
    const [w, h] = [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
    const box = await page.locator('#duel').boundingBox();
    assert.ok(Math.abs(w - box.width) <= 2 && Math.abs(h - box.height) <= 2, `duel.png is ${w}×${h}, the figure ${box.width}×${box.height}`);

    const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('#duel [data-action="csv"]').click()]);
    assert.equal(csv.suggestedFilename(), 'duel.csv');
    assert.equal(await csv.failure(), null, 'the CSV download failed');
    const text = await readFile(await csv.path(), 'utf8');
    const lines = text.split(/\r?\n/).filter((l) => l !== '');
    const comments = lines.filter((l) => l.startsWith('# '));
    assert.ok(comments.length >= 2 && lines.slice(0, comments.length).every((l) => l.startsWith('# ')), `duel.csv does not start with # comments:\n${text.slice(0, 400)}`);
    const head = comments.join('\n');
    assert.match(head, /\bseed\D*42\b/, `duel.csv's comments do not name seed 42:\n${head}`);
    assert.match(head, /v=1\b|version 1\b|format 1\b/, `duel.csv's comments do not name format version 1:\n${head}`);
    const header = lines[comments.length];
    assert.match(header, /^step,sgd_a,/, `duel.csv's header is ${header}`);
    const rows = lines.slice(comments.length + 1);
    assert.equal(rows.length, 41, `duel.csv has ${rows.length} data rows after 40 steps, expected 41`);
    assert.ok(rows[0].startsWith('0,') && rows[40].startsWith('40,'), `duel.csv's rows run from "${rows[0]}" to "${rows.at(-1)}"`);
    const columns = header.split(',').length;
    const ragged = rows.filter((r) => r.split(',').length !== columns);
    assert.deepEqual(ragged, [], `rows without ${columns} fields`);

    assert.deepEqual(log.pageErrors, [], 'page errors');
    assert.deepEqual(consoleProblems(log), [], 'console errors');
  } finally {
    await context.close();
  }
});

// ---------------------------------------------------------------------------------------
// 6. Nothing leaves the origin

test('no request leaves the page origin while every figure runs', { timeout: 240_000 }, async (t) => {
  const { context, page, log } = await open(site.url);
  try {
    const notDrawn = [];
    for (const id of FIGURES) {
      await page.locator(`figure#${id}`).scrollIntoViewIfNeeded();
      const charts = await page.locator(`figure#${id} canvas[data-chart]`).count();
      if (!charts) continue;
      // Drawing is not what this test is about: a figure that does not draw is noted.
      await waitForDrawn(page, id, { layers: true, timeout: 15_000 }).catch(() => notDrawn.push(id));
    }
    if (notDrawn.length) t.diagnostic(`figures that did not draw within 15 s: ${notDrawn}`);
    await page.locator('#duel').scrollIntoViewIfNeeded();
    await waitFor(page, () => Number(document.querySelector('#duel [data-readout="duel.step"]')?.dataset.value) >= 150, undefined, 'the duel to play 150 steps');
    // The service worker's own fetches count too: let it install first (or give up after 20 s).
    await page.evaluate(() => Promise.race([navigator.serviceWorker?.ready, new Promise((done) => setTimeout(done, 20_000))]));

    assert.ok(log.requests.some((u) => u.endsWith('.wasm')), `the wasm was never requested: ${log.requests}`);
    const away = log.requests.filter((u) => {
      const url = new URL(u);
      return url.protocol !== 'data:' && url.protocol !== 'blob:' && url.origin !== site.origin;
    });
    assert.deepEqual(away, [], `requests beyond ${site.origin}`);
    t.diagnostic(`${log.requests.length} requests, all to ${site.origin} (or data:/blob:)`);
  } finally {
    await context.close();
  }
});
