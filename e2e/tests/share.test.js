// Sharing: links that replay exactly, links that are hostile, embedding in another site,
// hosting under a sub-path, PNG and CSV exports, and no request beyond the site's origin.
// Serves the build itself (e2e/lib/static-server.js) from $DIST_DIR, or dist/.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { assertNoProblems, launch, newPage, open as openIn, problems, short, watch } from '../lib/browser.js';
import { waitForDrawn } from '../lib/canvas.js';
import { DUEL_NUMBERS, control, duelReadouts, isPlaying, openMenu, sharedText, waitForStep } from '../lib/duel.js';
import { embeddingPage, frameOf, waitForHeightMessage } from '../lib/embed.js';
import { EXPECTED_FIGURES, scrollToFigure } from '../lib/figures.js';
import { assertNumbers, waitForReadout } from '../lib/readouts.js';
import { screenshot } from '../lib/screenshots.js';
import { distDir, serve } from '../lib/static-server.js';
import { waitFor } from '../lib/wait.js';

/** Console errors only, as these checks always have. */
const ERRORS_ONLY = { warnings: false };

let browser;
let site; // the build at the root of its own origin

before(async () => {
  site = await serve({ root: distDir() });
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await site?.close();
});

/** Opens `url` in a fresh page and waits until the page has mounted. */
function open(url, options) {
  return openIn(browser, url, options);
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

// ---------------------------------------------------------------------------------------
// 1. Permalinks

test('a permalink, a fresh load of it and the copied link give identical readouts', { timeout: 180_000 }, async () => {
  const query = '?v=1&seed=123&rho=0.5&batch=16&acceptance=metropolis&rule=keep&t=250';
  const first = await open(site.url + query);
  let original;
  let copied;
  try {
    await waitForStep(first.page, 250);
    original = await duelReadouts(first.page);
    assertNumbers(original, DUEL_NUMBERS, query);
    assert.equal((await notice(first.page)).visible, false, `a valid link shows the link notice: ${(await notice(first.page)).items}`);

    // The page keeps its own URL in sync, paused at t=250.
    await waitFor(first.page, () => new URLSearchParams(location.search).get('t') === '250', undefined, 'the URL to carry t=250');
    const synced = Object.fromEntries(new URLSearchParams(await first.page.evaluate(() => location.search)));
    for (const [k, v] of Object.entries({ v: '1', seed: '123', rho: '0.5', batch: '16', acceptance: 'metropolis', rule: 'keep', t: '250' })) {
      assert.equal(synced[k], v, `the page's URL has ${k}=${synced[k]}, expected ${v}`);
    }

    copied = await sharedText(first.page, 'copy-link');
    assert.ok(copied.startsWith(site.url), `copied link ${copied} is not on ${site.url}`);
    await screenshot(first.page.locator('#duel'), 'share-permalink');
    assertNoProblems(first.log, '', ERRORS_ONLY);
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
      assert.deepEqual(await duelReadouts(again.page), original, `${what} (${url}) gives other readouts than ${query}`);
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
      runs[q] = await duelReadouts(page);
      assertNumbers(runs[q], DUEL_NUMBERS, q);
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
          if (c === HOSTILE[0]) await screenshot(page, 'share-hostile-notice', { fullPage: false });
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
        assertNoProblems(log, `at ${where}`, ERRORS_ONLY);
        st.diagnostic(`step ${step}, notice ${n.visible ? JSON.stringify(n.items) : 'none'}, ${Date.now() - started} ms`);
      } finally {
        await context.close();
      }
    });
  }
});

// ---------------------------------------------------------------------------------------
// 3. Embedding

/** The parent page's frames: on another origin, one shorter than its figure and one taller. */
const EMBEDS = [
  { id: 'duel-frame', figure: 'duel', query: '?embed=duel&t=50', height: 420 },
  { id: 'claim-frame', figure: 'claim', query: '?embed=claim', height: 2400 },
];

// That every figure shows alone in a frame, draws and posts a height message is checked
// for each figure in figures.test.js; these are the finer points of embedding.
test('figures embed in a page of another origin and report their height', { timeout: 240_000 }, async (t) => {
  const pages = {};
  const parent = await serve({ pages });
  pages['/'] = embeddingPage('A page that embeds two figures', EMBEDS.map(({ id, query, height }) => ({ id, src: site.url + query, height })));
  const { context, page, log } = await newPage(browser);
  const frame = (id) => frameOf(page, id);
  let embedded; // the embedded duel's readouts
  let snippet; // the embed code it offers
  let other; // a page of another site with that code pasted in
  let pasted; // its iframe
  try {
    assert.notEqual(parent.origin, site.origin);
    await page.goto(parent.url, { waitUntil: 'load' });
    for (const { id, figure } of EMBEDS) {
      await waitForDrawn(await frame(id), figure, { layers: true });
      await waitForHeightMessage(page, id, figure);
    }
    await screenshot(page, 'share-embed-parent');
    assertNoProblems(log, 'while the embedded figures load', ERRORS_ONLY);

    await t.test("the height posted is the figure's, whether the frame is shorter or taller", async () => {
      const wrong = [];
      for (const { id: frameId } of EMBEDS) {
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
      embedded = await duelReadouts(duel);
      assertNumbers(embedded, DUEL_NUMBERS, '?embed=duel&t=50');
      const whole = await open(`${site.url}?t=50`);
      try {
        await waitForStep(whole.page, 50);
        assert.deepEqual(embedded, await duelReadouts(whole.page), '?embed=duel&t=50 gives other readouts than ?t=50');
      } finally {
        await whole.context.close();
      }
    });

    await t.test('the embed code is an iframe with a title and a src that embeds the duel', async () => {
      const duel = await frame('duel-frame');
      const errorsBefore = problems(log, ERRORS_ONLY).length;
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
      assert.deepEqual(problems(log, ERRORS_ONLY).slice(errorsBefore), [], 'console errors after "Copy embed code" in a frame that allows clipboard-write');
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
      if (embedded) assert.deepEqual(await duelReadouts(pasted), embedded, 'the pasted duel gives other readouts than the embed it was copied from');
    });

    await t.test("the figure's copy buttons work inside the pasted frame, with no console errors", async () => {
      assert.ok(pasted, 'no pasted frame (see above)');
      const errorsBefore = problems(log, ERRORS_ONLY).length;
      const link = await sharedText(pasted, 'copy-link');
      await pasted.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
      assert.ok(link.startsWith(`${site.url}?`) && new URL(link).searchParams.get('embed') === 'duel', `"Copy link" in the pasted frame gives ${link}`);
      assert.deepEqual(problems(log, ERRORS_ONLY).slice(errorsBefore), [], 'console errors after "Copy link" inside the iframe of the embed code');
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
        assertNumbers(await duelReadouts(page), DUEL_NUMBERS, server.url);
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
        if (server === deep) await screenshot(page, 'share-sub-path', { fullPage: false });

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
        assertNoProblems(log, `at ${server.url}`, ERRORS_ONLY);
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
  const { context, page, log } = await open(`${site.url}?t=40`, { acceptDownloads: true });
  try {
    await waitForStep(page, 40);
    await waitForDrawn(page, 'duel');

    await openMenu(page, 'png');
    const [png] = await Promise.all([page.waitForEvent('download'), page.locator('#duel [data-action="png"]').click()]);
    assert.equal(png.suggestedFilename(), 'duel.png');
    assert.equal(await png.failure(), null, 'the PNG download failed');
    const bytes = await readFile(await png.path());
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'duel.png does not start with the PNG signature');
    assert.ok(bytes.length > 10_000, `duel.png is only ${bytes.length} bytes`);
    const [w, h] = [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
    const box = await page.locator('#duel').boundingBox();
    assert.ok(Math.abs(w - box.width) <= 2 && Math.abs(h - box.height) <= 2, `duel.png is ${w}×${h}, the figure ${box.width}×${box.height}`);

    await openMenu(page, 'csv');
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

    assertNoProblems(log, '', ERRORS_ONLY);
  } finally {
    await context.close();
  }
});

// ---------------------------------------------------------------------------------------
// 6. Nothing leaves the origin

test("no request leaves the page origin while every figure runs and the duel's controls are used", { timeout: 240_000 }, async (t) => {
  const { context, page, log } = await open(site.url);
  try {
    const notDrawn = [];
    for (const id of EXPECTED_FIGURES) {
      // Drawing is not what this test is about: a figure that does not draw is noted.
      await scrollToFigure(page, id, 15_000)
        .then(() => waitForDrawn(page, id, { layers: true, timeout: 15_000 }))
        .catch(() => notDrawn.push(id));
    }
    if (notDrawn.length) t.diagnostic(`figures that did not draw within 15 s: ${notDrawn}`);
    await scrollToFigure(page, 'duel');
    await waitForReadout(page, 'duel.step', { min: 150 }, 'the duel to play 150 steps');
    // Then the controls: pause, step, new seed, reset.
    if (await isPlaying(page)) await control(page, '[data-action="play"]').click();
    await control(page, '[data-action="step"]').click();
    await control(page, '[data-action="new-seed"]').click();
    await control(page, '[data-action="reset"]').click();
    await waitForStep(page, 0, 'reset to bring the step back to 0');
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
